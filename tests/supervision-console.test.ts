/**
 * Transfer, notes and supervision in the console, in headless Chromium
 * against a real server: Alice writes an internal note and transfers her chat
 * to Bob with a note, which Bob reads in the chat; Sam, a supervisor, finds
 * the chat in the supervision view, monitors it and whispers to Bob. The
 * customer, driven by the Node SDK, hears of the transfer and of nothing else.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createLiveChatSdk, type Contact } from "@parley/sdk";
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
const ids: Record<string, string> = {};

beforeAll(async () => {
  const data = await tempDataDir();
  removeData = data.remove;
  for (const [name, nickname, role] of [["alice", "Alice", "agent"], ["bob", "Bob", "agent"], ["sam", "Sam", "supervisor"]] as const) {
    await run(process.execPath, [CLI, "agent", "add", name, "--password", `${name}-password`, "--nickname", nickname, "--role", role, "--data-dir", data.dir]);
  }
  server = await startServer({ dataDir: data.dir });
  for (const name of ["alice", "bob", "sam"]) {
    const token = await loginAgent(server.url, name, `${name}-password`);
    ids[name] = (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as { sub: string }).sub;
  }
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

it("transfers with a note the next agent reads, and lets a supervisor monitor and whisper unseen by the customer", async () => {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  logouts.push(() => sdk.LIVECHAT.logout());
  const customer: Contact = await sdk.LIVECHAT.startContact({ nickname: "Hana" });
  const heard: string[] = [];
  customer.on("contactTransferred", (e) => heard.push(`transferred:${e.to}`));
  customer.on("userAdded", (e) => heard.push(`added:${e.user.nickname}`));
  customer.on("userLeft", (e) => heard.push(`left:${e.user.nickname}`));
  customer.on("message", (e) => heard.push(`message:${e.content.text}`));
  customer.on("note" as never, () => heard.push("note!"));
  await customer.sendMessage("my parcel never arrived");

  const alice = await agentPage("alice");
  const bob = await agentPage("bob");
  await queueItem(alice, "Hana").getByRole("button", { name: /Join/ }).click();
  await chatTab(alice, "Hana").waitFor();

  // An internal note, written with the composer's Note toggle.
  await alice.getByRole("button", { name: "Note" }).click();
  await alice.locator("#composer-text").fill("Tracking says delivered to a neighbour");
  await alice.getByRole("button", { name: "Add note" }).click();
  const note = timeline(alice).locator(".note-item", { hasText: "Tracking says delivered" });
  await note.waitFor();
  expect(await note.textContent()).toContain("the customer does not see this");

  // Transfer to Bob, with a note for him.
  await alice.getByRole("button", { name: "Transfer" }).click();
  const dialog = alice.locator(".transfer-dialog");
  await dialog.waitFor();
  const agentField = dialog.locator("[data-field=agent]");
  if ((await agentField.evaluate((element) => element.tagName)) === "SELECT") await agentField.selectOption(ids.bob!);
  else await agentField.fill(ids.bob!);
  await dialog.locator("[data-field=note]").fill("Offer a reshipment, she is a regular");
  await alice.screenshot({ path: screenshot("transfer") });
  await dialog.getByRole("button", { name: "Transfer" }).click();
  await chatTab(alice, "Hana").waitFor({ state: "detached" });

  // Bob has the chat, and reads the transfer note in it.
  await chatTab(bob, "Hana").waitFor();
  await chatTab(bob, "Hana").click();
  await timeline(bob).locator(".note-transfer", { hasText: "Offer a reshipment" }).waitFor();
  await timeline(bob).getByText("my parcel never arrived").waitFor();

  // Sam supervises: the chat is there with Bob; he monitors it and whispers.
  const sam = await agentPage("sam");
  await sam.getByRole("button", { name: "Supervision" }).click();
  const row = sam.locator(".supervision-table tr", { hasText: "Hana" });
  await row.waitFor();
  expect(await row.textContent()).toContain("Bob");
  await sam.screenshot({ path: screenshot("supervisor") });
  await row.getByRole("button", { name: "Monitor" }).click();
  await sam.locator("[data-monitor=true]").waitFor();
  await sam.locator("#composer-text").fill("Approve the reshipment, no need to ask me");
  await sam.getByRole("button", { name: "Whisper" }).click();
  await timeline(bob).locator(".note-whisper", { hasText: "Approve the reshipment" }).waitFor();
  await bob.screenshot({ path: screenshot("notes") });

  // The customer heard of the transfer, Bob and Alice — never of a note, a whisper or of Sam.
  await bob.locator("#composer-text").fill("We will reship today");
  await bob.getByRole("button", { name: "Send" }).click();
  await waitFor(() => heard.includes("message:We will reship today"), () => "Bob's message at the customer");
  expect(heard).toEqual(["added:Alice", "transferred:agent", "added:Bob", "left:Alice", "message:We will reship today"]);
  expect(customer.participants.map((p) => p.nickname).sort()).toEqual(["Bob", "Hana"]);
  const transcript = JSON.stringify((await sdk.LIVECHAT.getChatHistory(customer)).messages);
  for (const secret of ["Tracking says", "reshipment, she", "Approve the reshipment"]) expect(transcript).not.toContain(secret);
}, 120_000);
