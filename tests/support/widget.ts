/**
 * Helpers for the widget's browser tests: the customer's side is the real
 * widget in Chromium, the agent's side the Node SDK on a real socket.
 */
import { createLiveChatSdk, type Contact, type LiveChatSdk } from "@parley/sdk";
import type { Page } from "playwright-core";

/** Opens the panel with the launcher, as a customer does. */
export async function openPanel(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Open the chat" }).click();
  await page.locator(".panel").waitFor();
}

/** Starts a chat from the open panel and waits for the composer. */
export async function startChat(page: Page, nickname: string, email = ""): Promise<void> {
  await page.getByLabel("Your name").fill(nickname);
  if (email !== "") await page.getByLabel("Your e-mail (optional)").fill(email);
  await page.getByRole("button", { name: "Start the chat" }).click();
  await page.locator("#parley-text").waitFor();
}

/** The chat id the widget keeps for this site (what brings the chat back after a reload). */
export function savedChatId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const key = Object.keys(localStorage).find((name) => name.startsWith("parley:"));
    return key === undefined ? undefined : (JSON.parse(localStorage.getItem(key) ?? "{}") as { chatId?: string }).chatId;
  });
}

/** Whether the element is the focused one inside the widget's shadow root. */
export function isFocused(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((css) => {
    const root = document.getElementById("parley-widget")?.shadowRoot;
    return root !== null && root !== undefined && root.activeElement !== null && root.activeElement === root.querySelector(css);
  }, selector);
}

/** An agent in the chat through the Node SDK, recording what it receives. */
export interface Agent {
  sdk: LiveChatSdk;
  contact: Contact;
  /** Every event received, by name, in order. */
  events: { name: string; data: Record<string, unknown> }[];
  /** Events of one name. */
  of(name: string): Record<string, unknown>[];
}

export async function joinAsAgent(serverUrl: string, token: string, chatId: string, nickname: string): Promise<Agent> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl });
  await sdk.LIVECHAT.login(token, false, false, () => {});
  const contact = await sdk.LIVECHAT.joinContact(chatId, nickname);
  const events: Agent["events"] = [];
  for (const name of ["message", "link", "multimediaMessage", "isWriting", "messageReceived", "messageSeen", "contactEnded"] as const) {
    contact.on(name, (data) => events.push({ name, data: data as unknown as Record<string, unknown> }));
  }
  return { sdk, contact, events, of: (name) => events.filter((event) => event.name === name).map((event) => event.data) };
}

/**
 * Keeps an agent online (a socket, status available), so that the widget finds
 * the queue open and offers the chat rather than the offline form; returns
 * what logs the agent out.
 */
export async function keepAgentOnline(serverUrl: string, token: string): Promise<() => Promise<void>> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl });
  await sdk.LIVECHAT.login(token, false, false, () => {});
  return () => sdk.LIVECHAT.logout();
}
