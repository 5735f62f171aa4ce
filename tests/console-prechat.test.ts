/**
 * The console's "Pre-chat form" admin tab, in Chromium against a real
 * server: an admin builds a queue's form (fields added, filled, reordered),
 * is told the server's coded refusal of a pattern outside the allowed
 * syntax, saves it, and the queue's form is then what the tab showed; an
 * agent's Details of a chat started with answers name them by their labels.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { chatTab, logIn, queueItem } from "./support/console.js";
import { rest } from "./support/rest.js";
import { CLI, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";

let data: { dir: string; remove: () => Promise<void> };
let server: InProcessServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  data = await tempDataDir();
  await promisify(execFile)(process.execPath, [CLI, "agent", "add", "ada", "--password", "ada-password", "--nickname", "Ada", "--role", "admin", "--data-dir", data.dir]);
  server = await startServer({ dataDir: data.dir });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  page = await context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await data?.remove();
});

describe("the console's pre-chat form admin", () => {
  it("builds, reorders and saves a queue's form, showing the server's refusal of a bad pattern", async () => {
    await logIn(page, server.url, "ada", "ada-password");
    await page.getByRole("button", { name: "Admin", exact: true }).click();
    await page.getByRole("tab", { name: "Pre-chat form" }).click();
    await page.getByRole("heading", { name: "Pre-chat form" }).waitFor();
    await page.getByText("This queue asks nothing before a chat.").waitFor();

    await page.getByRole("button", { name: "Add a field" }).click();
    await page.locator("#prechat-field-0-key").fill("contract");
    await page.locator("#prechat-field-0-mandatory").check();
    await page.locator("#prechat-field-0-pattern").fill("(?=C)C-[0-9]{6}");
    await page.locator("#prechat-field-0-label-en").fill("Contract number");
    await page.locator("#prechat-field-0-label-fr").fill("Numéro de contrat");

    await page.getByRole("button", { name: "Add a field" }).click();
    await page.locator("#prechat-field-1-key").fill("topic");
    await page.locator("#prechat-field-1-kind").selectOption("select");
    await page.locator("#prechat-field-1-options").fill("billing = Billing\ntech = Technical");
    await page.locator("#prechat-field-1-visible").uncheck();
    await page.locator("#prechat-field-1-label-en").fill("Topic");
    await page.locator("#prechat-consent-on").check();
    await page.locator("#prechat-privacy-url").fill("https://example.com/privacy");

    await page.getByRole("button", { name: "Save the form" }).click();
    const alert = page.locator(".prechat-admin [role=alert]");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("FORM_DEFINITION_INVALID");
    expect(await seriousViolations(page)).toEqual([]);

    await page.locator("#prechat-field-0-pattern").fill("C-[0-9]{6}");
    // The topic goes first.
    await page.getByRole("button", { name: "Move up" }).nth(1).click();
    expect(await page.locator("#prechat-field-0-key").inputValue()).toBe("topic");
    await page.getByRole("button", { name: "Save the form" }).click();
    await page.getByText("The form of queue default is saved.").waitFor();

    const admin = await loginAgent(server.url, "ada", "ada-password");
    const stored = await rest(server.url, "GET", "/v1/queues/default/form/definition", { token: admin });
    expect(stored.body.form).toEqual({
      fields: [
        {
          key: "topic",
          kind: "select",
          mandatory: false,
          pattern: null,
          options: [
            { value: "billing", labels: { en: "Billing" } },
            { value: "tech", labels: { en: "Technical" } },
          ],
          agentVisible: false,
          labels: { en: "Topic" },
        },
        { key: "contract", kind: "name", mandatory: true, pattern: "C-[0-9]{6}", options: [], agentVisible: true, labels: { en: "Contract number", fr: "Numéro de contrat" } },
      ],
      consent: { privacyUrl: "https://example.com/privacy", labels: { en: "I agree to the privacy policy" } },
    });

    // A chat started with answers: the agent's Details show the visible one under its label, not the hidden one.
    const started = await rest(server.url, "POST", "/v1/contacts", { body: { nickname: "Lena", form: { topic: "tech", contract: "C-123456" }, consent: true } });
    expect(started.status).toBe(201);
    await page.getByRole("button", { name: "Back to chats" }).click();
    await queueItem(page, "Lena").getByRole("button", { name: /Join/ }).click();
    await chatTab(page, "Lena").waitFor();
    // The Details list is in the customer panel beside the conversation.
    const details = page.locator(".call-data");
    await details.locator("dt", { hasText: "Contract number" }).waitFor();
    expect(await details.locator(".call-data-row").allTextContents()).toEqual(["Contract numberC-123456"]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Admin", exact: true }).click();
    await page.getByRole("tab", { name: "Pre-chat form" }).click();
    await page.locator("#prechat-field-1-key").waitFor();

    // Removing both fields and the consent leaves the queue without a form.
    await page.getByRole("button", { name: "Remove field 2" }).click();
    await page.getByRole("button", { name: "Remove field 1" }).click();
    await page.locator("#prechat-consent-on").uncheck();
    await page.getByRole("button", { name: "Save the form" }).click();
    await page.getByText("Queue default asks nothing before a chat.").waitFor();
    expect((await rest(server.url, "GET", "/v1/queues/default/form")).body.form).toBeNull();
  }, 120_000);
});
