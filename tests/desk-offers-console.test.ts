/**
 * Auto routing and queue admin in the console, in headless Chromium against a
 * real server: a chat of an `auto` queue rings as an offer card in one
 * agent's console; a decline moves it to the other agent's console, whose
 * accept opens the chat with its history; a waiting list with a chat
 * transferred back to a queue; the queues tab of the admin page lists and
 * adds queues. The customer is driven by the Node SDK.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createLiveChatSdk, type Contact } from "@parley/sdk";
import type { QueueListResponse } from "@parley/protocol";
import { launchChromium } from "./support/browser.js";
import { chatTab, logIn, queueItem, timeline } from "./support/console.js";
import { CLI, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const run = promisify(execFile);
const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/console-${name}.png`, import.meta.url));

let server: InProcessServer;
let browser: Browser;
let removeData: () => Promise<void>;
const logouts: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const data = await tempDataDir();
  removeData = data.remove;
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args, "--data-dir", data.dir]);
  for (const [name, nickname, role] of [["alice", "Alice", "agent"], ["bob", "Bob", "agent"], ["root", "Root", "admin"]] as const) {
    await cli("agent", "add", name, "--password", `${name}-password`, "--nickname", nickname, "--role", role);
  }
  // Long offers: on a loaded machine the page must have time to show and click them (a lapse is tested in routing.test.ts).
  await cli("queue", "add", "sales", "--mode", "auto", "--offer-seconds", "300", "--members", "alice,bob");
  server = await startServer({ dataDir: data.dir });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  for (const logout of logouts) await logout().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await removeData?.();
});

async function agentPage(name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await logIn(page, server.url, name, `${name}-password`);
  return page;
}

async function customer(nickname: string, text: string, queue?: string): Promise<{ contact: Contact; heard: string[] }> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  logouts.push(() => sdk.LIVECHAT.logout());
  const contact = await sdk.LIVECHAT.startContact(queue === undefined ? { nickname } : { nickname, queue });
  const heard: string[] = [];
  contact.on("userAdded", (e) => heard.push(`added:${e.user.nickname}`));
  contact.on("userLeft", (e) => heard.push(`left:${e.user.nickname}`));
  await contact.sendMessage(text);
  return { contact, heard };
}

const offerCard = (page: Page, nickname: string) => page.locator(".offer-card", { hasText: nickname });

it("rings an offer in one console; a decline moves it to the other, whose accept opens the chat with its history", async () => {
  const alice = await agentPage("alice");
  const bob = await agentPage("bob");
  const iris = await customer("Iris", "Can I still change my delivery address?", "sales");

  // Offered to one agent at a time: whichever rings first, the other console shows no card meanwhile.
  await waitFor(async () => (await offerCard(alice, "Iris").count()) + (await offerCard(bob, "Iris").count()) > 0, () => "the offer card in a console", 30_000);
  const [first, second, secondName] = (await offerCard(alice, "Iris").count()) > 0 ? [alice, bob, "Bob"] : [bob, alice, "Alice"];
  const card = offerCard(first, "Iris");
  expect(await card.textContent()).toContain("Queue sales");
  expect(await offerCard(second, "Iris").count()).toBe(0);
  await first.screenshot({ path: screenshot("offer") });

  await card.getByRole("button", { name: "Decline" }).click();
  await card.waitFor({ state: "detached" });
  const moved = offerCard(second, "Iris");
  await moved.waitFor({ timeout: 30_000 });
  await moved.getByRole("button", { name: "Accept" }).click();
  await moved.waitFor({ state: "detached" });
  await chatTab(second, "Iris").waitFor();
  await timeline(second).getByText("Can I still change my delivery address?").waitFor();
  await waitFor(() => iris.heard.includes(`added:${secondName}`), () => `the customer to see ${secondName} join (heard: ${iris.heard.join(", ")})`);
  expect(iris.heard).toEqual([`added:${secondName}`]);
  expect(await chatTab(first, "Iris").count()).toBe(0);
}, 180_000);

it("shows a chat transferred back to a manual queue in the waiting list; the agent who takes it reads the note", async () => {
  const alice = await agentPage("alice");
  const bob = await agentPage("bob");
  await customer("Jonas", "My invoice shows the wrong VAT number");
  await customer("Kemal", "Where is my refund?");
  await queueItem(alice, "Jonas").getByRole("button", { name: /Join/ }).click();
  await chatTab(alice, "Jonas").waitFor();
  await alice.getByRole("button", { name: "Transfer" }).click();
  const dialog = alice.locator(".transfer-dialog");
  await dialog.waitFor();
  await dialog.getByRole("radio", { name: "A queue" }).check();
  await dialog.locator("[data-field=queue]").fill("default");
  await dialog.locator("[data-field=note]").fill("VAT number to fix in the billing system");
  await dialog.getByRole("button", { name: "Transfer" }).click();
  await chatTab(alice, "Jonas").waitFor({ state: "detached" });

  // Waiting again in Bob's list, with the other waiting chat.
  await queueItem(bob, "Jonas").waitFor();
  await queueItem(bob, "Kemal").waitFor();
  await bob.screenshot({ path: screenshot("waiting-list") });
  await queueItem(bob, "Jonas").getByRole("button", { name: /Join/ }).click();
  await chatTab(bob, "Jonas").waitFor();
  await timeline(bob).locator(".note-transfer", { hasText: "VAT number to fix" }).waitFor();
}, 180_000);

it("lists and adds queues in the admin page's Queues tab; the header has no separate Queues button", async () => {
  const root = await agentPage("root");
  expect(await root.getByRole("button", { name: "Queues", exact: true }).count()).toBe(0);
  await root.getByRole("button", { name: "Admin" }).click();
  await root.getByRole("heading", { name: "Administration" }).waitFor();
  await root.getByRole("tab", { name: "Queues" }).click();
  const panel = root.locator("#admin-panel-queues");
  await panel.locator("tr[data-queue=sales]").waitFor();
  expect(await panel.locator("tr[data-queue=sales]").textContent()).toContain("2");

  await panel.getByRole("button", { name: "Add a queue" }).click();
  await panel.getByLabel("Name").fill("vip");
  await panel.getByLabel("Routing").selectOption("auto");
  await panel.getByRole("button", { name: "Save" }).click();
  await panel.locator("tr[data-queue=vip]").waitFor();
  await root.screenshot({ path: screenshot("admin-queues") });
  const token = await loginAgent(server.url, "root", "root-password");
  const listed = (await (await fetch(`${server.url}/v1/queues`, { headers: { authorization: `Bearer ${token}` } })).json()) as QueueListResponse;
  expect(listed.queues.find((q) => q.name === "vip")).toMatchObject({ mode: "auto" });
}, 180_000);
