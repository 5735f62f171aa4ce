/**
 * The console's webhooks admin, in headless Chromium against a real server
 * and a real receiver: an admin adds an endpoint (its generated secret shown
 * once), pings it, reads its delivery log and redelivers; an endpoint
 * disabled after a day of failures is announced in a banner.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createParleyServer, type ParleyServer } from "@parley/server";
import { hashPassword } from "../packages/server/src/auth/passwords.js";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { logIn } from "./support/console.js";
import { TEST_SECRET, tempDataDir } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { WebhookReceiver } from "./support/webhook-receiver.js";

const password = "a-long-password-1";
let server: ParleyServer;
let url: string;
let data: { dir: string; remove: () => Promise<void> };
let browser: Browser;
let page: Page;
const hook = new WebhookReceiver();

beforeAll(async () => {
  data = await tempDataDir();
  server = createParleyServer({
    dataDir: data.dir,
    secret: TEST_SECRET,
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    loginsPerMinute: 10_000,
    // A failing endpoint is disabled after its first failure here, to show the banner.
    webhookTiming: { pollMs: 50, retryBaseMs: 100, disableAfterMs: 0 },
  });
  ({ url } = await server.listen());
  await server.store.tenant("default").createAgent({
    id: `USER_${randomUUID()}`,
    username: "root",
    nickname: "root",
    passwordHash: await hashPassword(password),
    createdAt: new Date().toISOString(),
    role: "admin",
  });
  await hook.start();
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await hook.stop();
  await data?.remove();
});

describe("the console's webhooks admin", { timeout: 90_000 }, () => {
  it("adds an endpoint with a secret shown once, pings it, lists its deliveries and redelivers one", async () => {
    await logIn(page, url, "root", password);
    await page.getByRole("button", { name: "Admin", exact: true }).click();
    await page.getByRole("tab", { name: "Webhooks" }).click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.getByLabel("URL").fill(hook.url);
    await page.getByRole("button", { name: "Add" }).click();
    const secret = (await page.locator(".webhooks .banner code").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "I saved it" }).click();
    expect(await page.locator(".webhooks").textContent()).not.toContain(secret);

    await page.getByRole("button", { name: "Ping" }).click();
    await page.getByText("Ping answered 200.").waitFor();

    await fetch(`${url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Dana"}' });
    // A start is announced twice (chat.started, chat.queued): both delivered before the log is read.
    await waitFor(() => hook.accepted.some((b) => b.type === "chat.queued"), () => "chat.started and chat.queued at the receiver");
    await page.getByRole("button", { name: "Deliveries" }).click();
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.locator('.webhook-log tr[data-status="delivered"]').first().waitFor();
    await page.getByRole("button", { name: "Redeliver" }).first().click();
    // The newest delivery is sent again, with its event's id.
    await waitFor(() => new Set(hook.accepted.map((b) => b.id)).size < hook.accepted.length, () => "the redelivery");
  });

  it("tells the admin an endpoint was disabled after failing", async () => {
    hook.status = 500;
    await fetch(`${url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Eve"}' });
    await waitFor(async () => {
      // Opened afresh, the tab reads the endpoints again.
      await page.getByRole("tab", { name: "API keys" }).click();
      await page.getByRole("tab", { name: "Webhooks" }).click();
      await page.locator(".webhook-list tbody tr").first().waitFor();
      return (await page.locator(".webhooks .banner.warning").count()) > 0;
    }, () => "the disabled banner");
    expect(await page.locator(".webhooks .banner.warning").textContent()).toContain(hook.url);
    expect(await page.locator('.webhook-list tr[data-enabled="false"]').count()).toBe(1);
  });
});
