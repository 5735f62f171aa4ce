/**
 * Canned responses in the console, in headless Chromium against a real
 * server: a supervisor's shared response and the agent's own (made in the
 * "Canned responses" view), the `/` picker in the composer searched by
 * shortcut and title, moved through with the arrow keys, inserted with Enter
 * with its placeholders filled from the chat, closed with Escape; what the
 * customer receives; the admin page's tab; axe-core on the views.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createLiveChatSdk, type Contact } from "@parley/sdk";
import type { StartContactResponse } from "@parley/protocol";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { logIn, queueItem } from "./support/console.js";
import { CLI, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const run = promisify(execFile);
const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}.png`, import.meta.url));
const SHARED_TEXT = "Hello {{customer.name}}, this is {{agent.name}}. About order {{callData.order}}: {{callData.missing}}it ships today.";

let server: InProcessServer;
let browser: Browser;
let page: Page;
let customer: Contact;
const received: string[] = [];
const pageErrors: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const data = await tempDataDir();
  for (const [name, role, nickname] of [["sam", "supervisor", "Sam"], ["alice", "agent", "Alice Martin"], ["ada", "admin", "Ada"]]) {
    await run(process.execPath, [CLI, "agent", "add", name!, "--password", `${name}-password`, "--role", role!, "--nickname", nickname!, "--data-dir", data.dir]);
  }
  server = await startServer({ dataDir: data.dir });
  cleanups.push(() => data.remove(), () => server.close());
  const sam = await loginAgent(server.url, "sam", "sam-password");
  const made = await fetch(`${server.url}/v1/canned-responses`, {
    method: "POST",
    headers: { authorization: `Bearer ${sam}`, "content-type": "application/json" },
    body: JSON.stringify({ scope: "shared", title: "Order greeting", shortcut: "greet", text: SHARED_TEXT }),
  });
  expect(made.status).toBe(201);

  // The customer starts a chat with call data, and listens through the Node SDK.
  const started = (await (
    await fetch(`${server.url}/v1/contacts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ nickname: "Carla", email: "carla@example.com", callData: { order: "A-42" } }),
    })
  ).json()) as StartContactResponse;
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  await sdk.LIVECHAT.login(started.token, false, false, () => {});
  cleanups.push(() => sdk.LIVECHAT.logout());
  customer = await sdk.LIVECHAT.joinContact(started.contact.id, "Carla");
  customer.on("message", (event) => received.push(event.content.text));
  await customer.sendMessage("Where is my order?");

  browser = await launchChromium();
  cleanups.push(() => browser.close());
  // bypassCSP lets the test inject axe-core into a page whose policy allows only its own scripts.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true, locale: "en-US" });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (error) => pageErrors.push(String(error)));
});

afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

const composer = () => page.locator("#composer-text");
const listbox = () => page.getByRole("listbox", { name: "Canned responses" });
const options = () => listbox().getByRole("option");

describe("canned responses in the console", () => {
  it("lets an agent add their own in the Canned responses view, beside the shared ones they cannot change", async () => {
    await logIn(page, server.url, "alice", "alice-password");
    await page.getByRole("button", { name: "Canned responses" }).click();
    const mine = page.getByRole("region", { name: "My canned responses" });
    await mine.getByText("None yet.").waitFor();
    // An agent manages only their own: the shared list is not offered.
    expect(await page.getByRole("region", { name: "Shared canned responses" }).count()).toBe(0);
    await mine.getByLabel("Title").fill("Goodbye");
    await mine.getByLabel("Shortcut (lowercase letters, digits, dashes)").fill("bye");
    await mine.getByLabel("Text").fill("Thanks for writing, {{customer.name}}. Bye!");
    await mine.getByRole("button", { name: "Add" }).click();
    await mine.getByRole("cell", { name: "/bye", exact: true }).waitFor();
    // A taken shortcut is refused with the server's code, and nothing is added.
    await mine.getByLabel("Title").fill("Again");
    await mine.getByLabel("Shortcut (lowercase letters, digits, dashes)").fill("bye");
    await mine.getByLabel("Text").fill("Other");
    await mine.getByRole("button", { name: "Add" }).click();
    await mine.getByRole("alert").getByText("CANNED_SHORTCUT_TAKEN").waitFor();
    expect(await mine.getByRole("row").count()).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshot("console-canned-responses") });
    await page.getByRole("button", { name: "Close" }).click();
  });

  it("opens the picker on / in the composer, searches, and inserts with Enter, placeholders filled", async () => {
    await queueItem(page, "Carla").getByRole("button", { name: "Join the chat with Carla" }).click();
    await page.getByRole("heading", { name: "Chat with Carla" }).waitFor();
    await composer().click();
    await composer().press("/");
    await listbox().waitFor();
    // Shared ones first, then the agent's own.
    expect(await options().allTextContents()).toEqual([expect.stringContaining("/greet"), expect.stringContaining("/bye")]);
    expect(await composer().getAttribute("aria-controls")).toBe("canned-listbox");
    const first = await options().first().getAttribute("id");
    expect(await composer().getAttribute("aria-activedescendant")).toBe(first);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshot("console-canned-picker") });

    // Searching by title narrows the list; Escape closes it and keeps the text.
    await composer().pressSequentially("order");
    await waitFor(async () => (await options().count()) === 1, () => "the search by title to leave /greet alone");
    await composer().press("Escape");
    await listbox().waitFor({ state: "detached" });
    expect(await composer().inputValue()).toBe("/order");

    // Back to "/gr": open again, Enter inserts the response with what the chat knows.
    await composer().fill("");
    await composer().pressSequentially("/gr");
    await waitFor(async () => (await options().count()) === 1, () => "the search by shortcut to leave /greet alone");
    await composer().press("Enter");
    await listbox().waitFor({ state: "detached" });
    const filled = "Hello Carla, this is Alice Martin. About order A-42: it ships today.";
    expect(await composer().inputValue()).toBe(filled);
    await composer().press("Enter");
    await waitFor(() => received.includes(filled), () => `the customer to receive "${filled}", got ${JSON.stringify(received)}`);
  });

  it("moves through the list with the arrow keys and inserts the one chosen", async () => {
    await composer().press("/");
    await listbox().waitFor();
    await composer().press("ArrowDown");
    const second = await options().nth(1).getAttribute("id");
    await waitFor(async () => (await composer().getAttribute("aria-activedescendant")) === second, () => "↓ to make /bye the active option");
    expect(await options().nth(1).getAttribute("aria-selected")).toBe("true");
    await composer().press("ArrowDown");
    await waitFor(async () => (await options().first().getAttribute("aria-selected")) === "true", () => "↓ past the end to come back to the first");
    await composer().press("ArrowUp");
    await waitFor(async () => (await options().nth(1).getAttribute("aria-selected")) === "true", () => "↑ to go back up to /bye");
    await composer().press("Enter");
    expect(await composer().inputValue()).toBe("Thanks for writing, Carla. Bye!");
    expect(pageErrors).toEqual([]);
  });

  it("gives admins the shared responses as a tab of the admin page", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await logIn(page, server.url, "ada", "ada-password");
    await page.getByRole("button", { name: "Admin" }).click();
    await page.getByRole("tab", { name: "Canned responses" }).click();
    const shared = page.getByRole("region", { name: "Shared canned responses" });
    await shared.getByRole("cell", { name: "/greet", exact: true }).waitFor();
    // Alice's own response is hers alone.
    expect(await shared.getByRole("cell", { name: "/bye", exact: true }).count()).toBe(0);
    await shared.getByRole("button", { name: "Edit /greet" }).click();
    await shared.getByLabel("Title").fill("Order greeting (new)");
    await shared.getByRole("button", { name: "Save" }).click();
    await shared.getByRole("cell", { name: "Order greeting (new)", exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
