/**
 * The console's customer data view, in headless Chromium against a real
 * server: a tenant admin exports a customer's data as a ZIP, erases it after
 * confirming, and reads both actions in the audit log; an agent who is not an
 * admin is told the server refused.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createLiveChatSdk } from "@parley/sdk";
import type { StartContactResponse } from "@parley/protocol";
import { createParleyServer, type ParleyServer } from "@parley/server";
import { hashPassword } from "../packages/server/src/auth/passwords.js";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { logIn } from "./support/console.js";
import { TEST_SECRET, tempDataDir } from "./support/server.js";

const password = "a-long-password-1";
let server: ParleyServer;
let url: string;
let data: { dir: string; remove: () => Promise<void> };
let browser: Browser;
let page: Page;
let chatId: string;
let logout: () => Promise<void>;

beforeAll(async () => {
  data = await tempDataDir();
  server = createParleyServer({ dataDir: data.dir, secret: TEST_SECRET, port: 0, host: "127.0.0.1", logLevel: "silent", loginsPerMinute: 10_000 });
  ({ url } = await server.listen());
  for (const [username, role] of [["root", "admin"], ["sam", "agent"]] as const) {
    await server.store.tenant("default").createAgent({
      id: `USER_${randomUUID()}`,
      username,
      nickname: username,
      passwordHash: await hashPassword(password),
      createdAt: new Date().toISOString(),
      role,
    });
  }
  const started = (await (
    await fetch(`${url}/v1/contacts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ nickname: "Dana", email: "dana@example.com" }),
    })
  ).json()) as StartContactResponse;
  chatId = started.contact.id;
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: url });
  await sdk.LIVECHAT.login(started.token, false, false, () => {});
  const contact = await sdk.LIVECHAT.joinContact(chatId, "Dana");
  await contact.sendMessage("my IBAN is DE89 3704 0044");
  logout = () => sdk.LIVECHAT.logout();
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, bypassCSP: true });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
});

afterAll(async () => {
  await logout?.().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await data?.remove();
});

describe("the console's customer data view", () => {
  it("exports a customer's data as a ZIP, erases it once confirmed, and shows both in the audit log", async () => {
    await logIn(page, url, "root", password);
    await page.getByRole("button", { name: "Customer data" }).click();
    await page.getByRole("heading", { name: "Customer data and audit log" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByLabel("Find the customer by").selectOption("email");
    await page.getByLabel("Value").fill("dana@example.com");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export (ZIP)" }).click()]);
    const zip = unzipSync(new Uint8Array(await readFile((await download.path())!)));
    expect(strFromU8(zip[`chats/${chatId}.json`]!)).toContain("my IBAN is DE89 3704 0044");
    await page.getByRole("status").getByText("Export ready").waitFor();

    const erase = page.getByRole("button", { name: "Erase" });
    expect(await erase.isDisabled()).toBe(true);
    await page.getByLabel("Erasure cannot be undone").check();
    await erase.click();
    await page.getByRole("status").getByText("Erased 1 chat(s)").waitFor();
    await page.locator(".audit td", { hasText: "customer.erased" }).waitFor();
    await page.locator(".audit td", { hasText: "customer.exported" }).waitFor();
    const events = await server.store.tenant("default").eventsAfter(chatId, 0, 100);
    expect(JSON.stringify(events)).not.toContain("DE89");

    await page.getByRole("button", { name: "Back to chats" }).click();
    await page.getByText("Join a waiting chat, or open one of yours.").waitFor();
  });

  it("tells an agent who is not an admin that the server refused", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await logIn(page, url, "sam", password);
    await page.getByRole("button", { name: "Customer data" }).click();
    await page.getByRole("alert").getByText("Only the tenant's admins may do this.").waitFor();
  });
});
