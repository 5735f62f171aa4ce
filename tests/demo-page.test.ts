/**
 * The demo page `npm start` shows at `/`, used in Chromium as a newcomer would:
 * a customer starts a chat, the agent logs in and joins it, both talk, the
 * customer's message gets its ticks, and the agent ends the chat.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium } from "./support/browser.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";

let server: InProcessServer;
let browser: Browser;

beforeAll(async () => {
  ({ server } = await startServerWithAgents(["alice"]));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the demo page", () => {
  it("lets a customer and an agent chat", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    // A page address longer than the server's 2,048-character field (a long tracking link) must not
    // stop the customer: the SDK cuts the page details it fills in.
    await page.goto(`${server.url}/?campaign=${"x".repeat(3000)}`);

    await page.fill("#customer-nickname", "Carla");
    await page.click("#customer-start button");
    await page.getByText(/^Chat started: CHAT_/).waitFor();

    await page.fill("#agent-username", "alice");
    await page.fill("#agent-password", "alice-password");
    await page.click("#agent-login button");
    await page.getByText("Logged in as alice").waitFor();
    await page.click("#agent-join button:not([type=button])");
    await page.locator("#customer-log").getByText("alice joined the chat").waitFor();

    await page.fill("#customer-text", "<b>Hello</b>, where is my order?");
    await page.press("#customer-text", "Enter");
    // Rendered as text, never as HTML.
    await page.locator("#agent-log").getByText("Carla: <b>Hello</b>, where is my order?").waitFor();
    // The agent's page is visible, so it marks the message seen: the customer gets both ticks.
    await page.locator("#customer-log").getByText("me: <b>Hello</b>, where is my order? ✓✓").waitFor();

    await page.fill("#agent-text", "https://example.com/track");
    await page.press("#agent-text", "Enter");
    await page.locator("#customer-log").getByText("alice sent a link: https://example.com/track").waitFor();

    await page.click("#agent-end");
    await page.locator("#customer-log").getByText("The chat has ended.").waitFor();
    expect(await page.locator("#customer-text").isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
