/**
 * Quick replies and menus in the customer widget, in Chromium against a real
 * server; the agent is the Node SDK. The buttons are real buttons, loaded on
 * demand; one click answers, then they are disabled and the choice marked;
 * the answer reaches the agent and stays marked after a reload.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { RichMessageEvent } from "@parley/sdk";
import { launchChromium } from "./support/browser.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { joinAsAgent, keepAgentOnline, openPanel, savedChatId, startChat, type Agent } from "./support/widget.js";

let server: InProcessServer;
let tokens: Record<string, string>;
let browser: Browser;
let page: Page;
let agent: Agent | undefined;
const pageErrors: string[] = [];
/** Stops the agent socket that keeps the widget out of its offline form. */
let online: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ server, tokens } = await startServerWithAgents(["ann"]));
  // With no agent available the widget offers the offline form instead of a chat.
  online = await keepAgentOnline(server.url, tokens.ann!);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
});

afterAll(async () => {
  await agent?.sdk.LIVECHAT.logout();
  await online?.();
  await browser?.close();
  await server?.close();
});

describe("rich messages in the widget", () => {
  it("answers a quick reply with one click, and the agent gets the answer", async () => {
    await page.goto(`${server.url}/`);
    await openPanel(page);
    await startChat(page, "Carla");
    const chatId = (await savedChatId(page))!;
    agent = await joinAsAgent(server.url, tokens.ann!, chatId, "Ann");
    const answers: RichMessageEvent[] = [];
    agent.contact.on("richMessage", (event) => answers.push(event));

    const menuId = await agent.contact.sendQuickReply(
      [
        { id: "hours", text: "Opening hours" },
        { id: "returns", text: "Returns" },
      ],
      "What can I help you with?",
    );
    const returns = page.getByRole("button", { name: "Returns" });
    await returns.waitFor();
    await page.getByRole("group", { name: "What can I help you with?" }).waitFor();
    await returns.click();

    await waitFor(() => answers.length === 1, () => "the answer at the agent");
    expect(answers[0]).toMatchObject({ messageType: "QUICK_REPLY_RESPONSE", content: { menuId, option: { id: "returns", text: "Returns" } } });
    await page.locator(".msg.mine", { hasText: "Returns" }).waitFor();
    expect(await returns.getAttribute("aria-pressed")).toBe("true");
    expect(await returns.isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Opening hours" }).isDisabled()).toBe(true);

    // After a reload the menu comes back from the history, already answered.
    await page.reload();
    await openPanel(page).catch(() => undefined);
    const again = page.getByRole("button", { name: "Returns" });
    await again.waitFor();
    await waitFor(async () => (await again.getAttribute("aria-pressed")) === "true", () => "the answer marked after the reload");
    expect(await again.isDisabled()).toBe(true);
    expect(answers).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });
});
