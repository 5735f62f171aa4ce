/**
 * The customer's front door and way out, in Chromium against a real server:
 * a closed queue shows the offline form instead of the chat, and the message
 * left there appears in the agent's console, where it is marked answered;
 * with the queue open and an agent online, a chat ends with the survey, which
 * is answered, stored and shown to the agent under the chat's transcript, and
 * the customer downloads the transcript of their chat.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { logIn } from "./support/console.js";
import { CLI, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { joinAsAgent, openPanel, savedChatId, startChat, type Agent } from "./support/widget.js";

const run = promisify(execFile);

let data: { dir: string; remove: () => Promise<void> };
let server: InProcessServer;
let admin: string;
let ann: string;
let browser: Browser;
let customerContext: BrowserContext;
let agentContext: BrowserContext;
let customer: Page;
let console_: Page;
let agent: Agent | undefined;
const pageErrors: string[] = [];

async function putHours(hours: unknown): Promise<void> {
  const response = await fetch(`${server.url}/v1/queues/default/hours`, {
    method: "PUT",
    headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
    body: JSON.stringify({ hours }),
  });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  data = await tempDataDir();
  await run(process.execPath, [CLI, "agent", "add", "ada", "--password", "ada-password", "--nickname", "Ada", "--role", "admin", "--data-dir", data.dir]);
  await run(process.execPath, [CLI, "agent", "add", "ann", "--password", "ann-password", "--nickname", "Ann", "--data-dir", data.dir]);
  server = await startServer({ dataDir: data.dir });
  admin = await loginAgent(server.url, "ada", "ada-password");
  ann = await loginAgent(server.url, "ann", "ann-password");
  browser = await launchChromium();
  // bypassCSP: axe-core is injected into the pages under test.
  customerContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true, acceptDownloads: true });
  agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  customer = await customerContext.newPage();
  customer.on("pageerror", (error) => pageErrors.push(String(error)));
  console_ = await agentContext.newPage();
  console_.on("pageerror", (error) => pageErrors.push(String(error)));
});

afterAll(async () => {
  await agent?.sdk.LIVECHAT.logout();
  await browser?.close();
  await server?.close();
  await data?.remove();
});

describe("a closed queue", () => {
  it("shows the offline form instead of the chat, and the message reaches the console", async () => {
    // Hours with no interval: closed all week.
    await putHours({ timeZone: "Europe/Paris", weekly: [], holidays: [] });
    await customer.goto(`${server.url}/`);
    await openPanel(customer);
    await customer.getByRole("heading", { name: "We are away right now" }).waitFor();
    expect(await customer.getByRole("button", { name: "Start the chat" }).count()).toBe(0);
    expect(await seriousViolations(customer)).toEqual([]);

    await customer.getByLabel("Your name").fill("Nina");
    await customer.getByLabel("Your e-mail").fill("nina@example");
    await customer.getByLabel("Your message").fill("Please call me back about order 42.\nThanks!");
    await customer.getByRole("button", { name: "Send the message" }).click();
    // The server checks the address too: a browser's own check lets "nina@example" through.
    await customer.getByText("Please enter a valid e-mail address.").waitFor();
    await customer.getByLabel("Your e-mail").fill("nina@example.com");
    await customer.getByRole("button", { name: "Send the message" }).click();
    await customer.getByText("Thank you! Your message was sent; we will answer by e-mail.").waitFor();

    await logIn(console_, server.url, "ann", "ann-password");
    await console_.getByRole("button", { name: "Offline messages" }).click();
    const item = console_.locator(".offline-item", { hasText: "Nina" });
    await item.waitFor();
    expect(await item.locator(".badge").textContent()).toBe("New");
    await item.locator("summary").click();
    await item.getByText("Please call me back about order 42.").waitFor();
    expect(await item.getByRole("link", { name: "Answer by e-mail" }).getAttribute("href")).toMatch(/^mailto:nina@example\.com\?/);
    await waitFor(async () => (await item.locator(".badge").textContent()) === "Read", () => "the message marked read once opened");
    await item.getByRole("button", { name: "Mark answered" }).click();
    await waitFor(async () => (await item.locator(".badge").textContent()) === "Answered", () => "the message marked answered");
    await item.getByText(/^Answered by Ann/).waitFor();
    expect(await seriousViolations(console_)).toEqual([]);
  }, 120_000);
});

describe("an open queue", () => {
  let chatId: string;

  it("starts a chat when the queue is open and an agent is online", async () => {
    // Always open again; Ann's console (a socket, available) is online.
    await putHours(null);
    await customer.goto(`${server.url}/`);
    await openPanel(customer);
    await startChat(customer, "Carla");
    chatId = (await savedChatId(customer))!;
    agent = await joinAsAgent(server.url, ann, chatId, "Ann");
    await agent.contact.sendMessage("Hello Carla,\nhow can I help?");
    await customer.locator(".msg.theirs").getByText("how can I help?").waitFor();
  }, 60_000);

  it("ends with the survey, answered once and stored", async () => {
    await agent!.sdk.LIVECHAT.endContact(agent!.contact);
    await customer.getByRole("heading", { name: "How was this chat?" }).waitFor();
    expect(await seriousViolations(customer)).toEqual([]);
    await customer.getByRole("button", { name: "Send the rating" }).click();
    await customer.getByText("Please choose a rating.").waitFor();
    await customer.locator(".survey label", { hasText: "4" }).first().click();
    await customer.getByLabel("A comment (optional)").fill("Quick and kind");
    await customer.getByRole("button", { name: "Send the rating" }).click();
    await customer.getByText("Thank you for your feedback!").waitFor();
    const stored = (await (await fetch(`${server.url}/v1/chats/${chatId}/survey`, { headers: { authorization: `Bearer ${ann}` } })).json()) as { result: unknown };
    expect(stored.result).toMatchObject({ chatId, rating: 4, comment: "Quick and kind" });
  }, 60_000);

  it("lets the customer download the transcript of the chat", async () => {
    const download = customer.waitForEvent("download");
    await customer.getByRole("button", { name: "Download the transcript" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`chat-${chatId}.txt`);
    const text = await readFile(await file.path(), "utf8");
    expect(text.split("\n")[0]).toBe(`Parley chat ${chatId}`);
    expect(text).toMatch(/\] \[agent\] Ann: Hello Carla,\\nhow can I help\?\n/);
  }, 60_000);

  it("shows the agent the rating under the ended chat's transcript", async () => {
    await console_.reload();
    await console_.locator(".state-connected").waitFor();
    await console_.locator(`.ended-list .chat-tab[data-chat-id='${chatId}']`).click();
    await console_.getByRole("heading", { name: "Transcript (read-only)" }).waitFor();
    const rating = console_.locator(".chat-survey");
    await rating.getByText("4 / 5").waitFor();
    await rating.getByText("Quick and kind").waitFor();
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
