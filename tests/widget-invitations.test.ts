/**
 * Proactive invitations in Chromium against a real server: the site's rule
 * (pages of the shop, from the visit's second page, after a second on the
 * page) opens the widget with its message once per visit — a reload or
 * another page of the same visit does not invite again — and never while a
 * chat runs. The widget's host element tells what it decided
 * (`data-invitation`), so that "not invited" is read, not waited for.
 */
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { companySite, pageEvents, waitForEvents } from "./support/company-site.js";
import { CLI, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { keepAgentOnline, openPanel, startChat } from "./support/widget.js";
import { logIn } from "./support/console.js";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const SCREENSHOTS = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
const MESSAGE = "Need a hand with your order? We are here.";

let data: { dir: string; remove: () => Promise<void> };
let parley: InProcessServer;
let browser: Browser;
let site: Awaited<ReturnType<typeof companySite>>;
let online: (() => Promise<void>) | undefined;
let admin: string;

/** What the widget decided about an invitation on this page, once it decided. */
async function decision(page: Page): Promise<string> {
  let state: string | null = null;
  await waitFor(
    async () => {
      state = await page.locator("#parley-widget").getAttribute("data-invitation");
      return state !== null && state !== "pending";
    },
    () => `the invitation decided (data-invitation: ${String(state)})`,
    40_000,
  );
  return state!;
}

beforeAll(async () => {
  data = await tempDataDir();
  await run(process.execPath, [CLI, "agent", "add", "ada", "--password", "ada-password", "--nickname", "Ada", "--role", "admin", "--data-dir", data.dir]);
  parley = await startServer({ dataDir: data.dir });
  admin = await loginAgent(parley.url, "ada", "ada-password");
  const rules = [{ id: "orders", message: MESSAGE, secondsOnPage: 1, urlPattern: "/shop/*", minPages: 2 }];
  const answer = await fetch(`${parley.url}/v1/invitations`, { method: "PUT", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify({ rules }) });
  expect(answer.status).toBe(200);
  // The queue is available: an agent online.
  online = await keepAgentOnline(parley.url, admin);
  site = await companySite(() => parley.url);
  for (const path of ["/shop/a", "/shop/b", "/about"]) site.pages.set(path, { lang: "en" });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await online?.();
  await browser?.close();
  site?.server.close();
  await parley?.close();
  await data?.remove();
});

describe("a proactive invitation", () => {
  it("opens the widget with its message once per visit, on the pages and after the time the rule says", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const page = await context.newPage();
    // The visit's first page: the rule waits for the second.
    await page.goto(`${site.origin}/shop/a`);
    expect(await decision(page)).toBe("skipped:no-rule");
    // The second page, not a shop page.
    await page.goto(`${site.origin}/about`);
    expect(await decision(page)).toBe("skipped:no-rule");
    expect(await page.locator(".panel").count()).toBe(0);
    // A shop page, the visit's third: the widget opens with the message.
    await page.goto(`${site.origin}/shop/b`);
    expect(await decision(page)).toBe("shown");
    await page.locator(".panel").getByText(MESSAGE).waitFor();
    await page.getByRole("button", { name: "Start the chat" }).waitFor();
    const names = await waitForEvents(page, 3);
    expect(names.slice(0, 3)).toEqual(["Loaded", "InvitationShown", "WidgetShown"]);
    expect((await pageEvents(page)).find((event) => event.event === "InvitationShown")?.invitation).toBe("orders");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}widget-invitation.png` });

    // The same visit: a reload and another shop page do not invite again.
    await page.reload();
    expect(await decision(page)).toBe("skipped:already");
    await page.goto(`${site.origin}/shop/a`);
    expect(await decision(page)).toBe("skipped:already");
    expect(await page.locator(".panel").count()).toBe(0);
    expect((await pageEvents(page)).map((event) => event.event)).not.toContain("InvitationShown");
    await context.close();
  }, 120_000);

  it("does not invite while a chat runs", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${site.origin}/shop/a`);
    expect(await decision(page)).toBe("skipped:no-rule");
    await openPanel(page);
    await startChat(page, "Rita");
    await page.getByRole("button", { name: "Close the chat" }).first().click();
    await page.locator(".panel").waitFor({ state: "detached" });
    // The visit's second shop page: the rule applies, but the chat is running.
    await page.goto(`${site.origin}/shop/b`);
    expect(await decision(page)).toBe("skipped:chat");
    expect(await page.locator(".panel").count()).toBe(0);
    expect((await pageEvents(page)).map((event) => event.event)).not.toContain("InvitationShown");
    await context.close();
  }, 120_000);

  it("is set by admins in the console's Invitations tab, the server refusing a rule without a message", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    await logIn(page, parley.url, "ada", "ada-password");
    await page.getByRole("button", { name: "Admin", exact: true }).click();
    await page.getByRole("tab", { name: "Invitations" }).click();
    await page.getByRole("heading", { name: "Invitations" }).waitFor();
    expect(await page.getByLabel("Message").first().inputValue()).toBe(MESSAGE);
    await page.getByRole("button", { name: "Add a rule" }).click();
    const second = page.locator(".invitation-rule").nth(1);
    await second.getByLabel("Pages (", { exact: false }).fill("/help/");
    await page.getByRole("button", { name: "Save the invitations" }).click();
    await page.getByRole("alert").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    const stored = async () => ((await (await fetch(`${parley.url}/v1/invitations`)).json()) as { rules: { id: string }[] }).rules.map((rule) => rule.id);
    // Refused: nothing changed.
    expect(await stored()).toEqual(["orders"]);
    await second.getByLabel("Message").fill("Questions about our help pages?");
    await page.getByRole("button", { name: "Save the invitations" }).click();
    await page.getByRole("status").getByText("Saved.").waitFor();
    expect(await stored()).toEqual(["orders", "rule-2"]);
    await page.screenshot({ path: `${SCREENSHOTS}console-invitations.png` });
    await context.close();
  }, 120_000);
});
