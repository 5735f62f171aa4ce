/**
 * The pre-chat form in the widget, in Chromium against a real server: the
 * queue's form is shown before the chat with the admin's labels; the
 * browser refuses what the shared rules refuse (a pattern) without asking the
 * server; a page that drops a field's `required` attribute is refused by the
 * server, whose refusal is shown next to the field; filled in, the chat
 * starts and the agent reads the visible answers as call data.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { TEST_FORM } from "./support/prechat.js";
import { rest } from "./support/rest.js";
import { CLI, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { keepAgentOnline, openPanel, savedChatId } from "./support/widget.js";

let data: { dir: string; remove: () => Promise<void> };
let server: InProcessServer;
let ann: string;
let browser: Browser;
let page: Page;
let online: (() => Promise<void>) | undefined;
const contactStarts: number[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  data = await tempDataDir();
  const run = promisify(execFile);
  await run(process.execPath, [CLI, "agent", "add", "ada", "--password", "ada-password", "--nickname", "Ada", "--role", "admin", "--data-dir", data.dir]);
  await run(process.execPath, [CLI, "agent", "add", "ann", "--password", "ann-password", "--nickname", "Ann", "--data-dir", data.dir]);
  server = await startServer({ dataDir: data.dir });
  const admin = await loginAgent(server.url, "ada", "ada-password");
  ann = await loginAgent(server.url, "ann", "ann-password");
  const saved = await rest(server.url, "PUT", "/v1/queues/default/form", { token: admin, body: { form: TEST_FORM } });
  expect(saved.status).toBe(200);
  online = await keepAgentOnline(server.url, ann);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/v1/contacts")) contactStarts.push(Date.now());
  });
}, 60_000);

afterAll(async () => {
  await online?.();
  await browser?.close();
  await server?.close();
  await data?.remove();
});

describe("the pre-chat form in the widget", () => {
  it("is shown with the queue's labels, checked by the browser and by the server, and its answers reach the agent", async () => {
    await page.goto(`${server.url}/`);
    await openPanel(page);
    const form = page.locator("form.prechat");
    await form.waitFor();
    await form.getByText("Tell us who you are.").waitFor();
    await page.getByLabel("Your name").fill("Nina Tester");
    await page.getByLabel("Contract number").fill("C-12");
    await page.getByLabel("Topic").selectOption("tech");
    await page.getByLabel("Birthday").fill("1990-02-28");
    await page.getByLabel("I agree to the privacy policy").check();
    expect(await page.getByRole("link", { name: "Privacy policy" }).getAttribute("href")).toBe("https://example.com/privacy");

    // The pattern is the server's rule, checked here first: nothing is sent.
    await page.getByRole("button", { name: "Start the chat" }).click();
    const contractError = page.locator("#parley-f-contract-error");
    await contractError.waitFor();
    expect(await contractError.textContent()).toBe("This does not have the expected format.");
    expect(await page.getByLabel("Contract number").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Contract number").getAttribute("aria-describedby")).toBe("parley-f-contract-error");
    expect(contactStarts).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);

    // A page that removes the browser's check still meets the server's: a mandatory field left empty is refused.
    await page.getByLabel("Contract number").fill("");
    await page.getByLabel("Contract number").evaluate((input) => input.removeAttribute("required"));
    await page.getByRole("button", { name: "Start the chat" }).click();
    await waitFor(() => contactStarts.length === 1, () => "the start sent to the server");
    await waitFor(async () => (await contractError.count()) === 1 && (await contractError.textContent()) === "This field is required.", () => "the server's refusal shown next to the field");
    expect(await page.getByLabel("Contract number").getAttribute("aria-invalid")).toBe("true");
    expect(await savedChatId(page)).toBeUndefined();
    expect(await page.locator("#parley-text").count()).toBe(0);

    await page.getByLabel("Contract number").fill("C-123456");
    await page.getByRole("button", { name: "Start the chat" }).click();
    await page.locator("#parley-text").waitFor();
    const chatId = await savedChatId(page);
    expect(chatId).toMatch(/^CHAT_/);
    const callData = await rest(server.url, "GET", `/v1/chats/${chatId}/call-data`, { token: ann });
    expect(callData.body.callData).toEqual({ contract: "C-123456", nickname: "Nina Tester", topic: "tech" });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
