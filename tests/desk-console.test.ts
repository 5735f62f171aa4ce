/**
 * The console rebuilds "My chats" from the server: an agent joins a chat in
 * one tab, opens a second tab (same browser profile, so already logged in)
 * and finds the chat there; after a reload it is still there. The status set
 * in one tab shows in the other. Headless Chromium against a real server,
 * the customer driven by the Node SDK.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, BrowserContext } from "playwright-core";
import { createLiveChatSdk, type Contact } from "@parley/sdk";
import { launchChromium } from "./support/browser.js";
import { chatTab, logIn, queueItem, timeline } from "./support/console.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

let server: InProcessServer;
let browser: Browser;
let context: BrowserContext;
const logouts: (() => Promise<void>)[] = [];

beforeAll(async () => {
  ({ server } = await startServerWithAgents(["alice"]));
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
}, 60_000);

afterAll(async () => {
  for (const logout of logouts) await logout().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

async function customer(nickname: string, text: string): Promise<Contact> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  logouts.push(() => sdk.LIVECHAT.logout());
  const contact = await sdk.LIVECHAT.startContact({ nickname });
  await contact.sendMessage(text);
  return contact;
}

it("a second tab shows the chats joined in the first, and keeps them across a reload", async () => {
  const first = await context.newPage();
  await logIn(first, server.url, "alice", "alice-password");
  await customer("Hana", "is anyone there?");
  await queueItem(first, "Hana").getByRole("button", { name: /Join/ }).click();
  await chatTab(first, "Hana").waitFor();

  // A new tab of the same browser: logged in from the stored token, with nothing of the first tab's memory.
  const second = await context.newPage();
  await second.goto(`${server.url}/console`);
  await second.locator(".state-connected").waitFor();
  await chatTab(second, "Hana").waitFor();
  await chatTab(second, "Hana").click();
  await timeline(second).getByText("is anyone there?").waitFor();
  // It is the agent's own chat, not a waiting one.
  expect(await queueItem(second, "Hana").count()).toBe(0);

  // A chat joined in the first tab while the second is open appears there too.
  await customer("Ivo", "hello?");
  await queueItem(first, "Ivo").getByRole("button", { name: /Join/ }).click();
  await chatTab(second, "Ivo").waitFor();

  await second.reload();
  await second.locator(".state-connected").waitFor();
  await chatTab(second, "Hana").waitFor();
  await chatTab(second, "Ivo").waitFor();

  // The status set in one tab is the agent's, shown in every tab.
  await first.getByLabel("Status").selectOption("away");
  await waitFor(async () => (await second.getByLabel("Status").inputValue()) === "away", () => "the second tab to show the status set in the first");
  await first.close();
  await second.close();
}, 120_000);
