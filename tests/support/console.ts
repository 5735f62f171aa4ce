/** Helpers for browser tests of the agent console at /console: logging in and finding its parts. */
import type { Locator, Page } from "playwright-core";

/** Opens the console and logs in from its form, as an agent does; waits for the live feed. */
export async function logIn(page: Page, serverUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${serverUrl}/console`);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByText("Logged in as").waitFor();
  await page.locator(".state-connected").waitFor();
}

/** A waiting chat in the live queue, by the customer's nickname. */
export const queueItem = (page: Page, nickname: string): Locator =>
  page.locator(".queue-item", { has: page.locator(".nickname", { hasText: nickname }) });

/** The tab of one of the agent's open chats, by the customer's nickname. */
export const chatTab = (page: Page, nickname: string): Locator => page.locator(".my-chats .chat-tab", { hasText: nickname });

/** The timeline of the chat on screen. */
export const timeline = (page: Page): Locator => page.locator(".conversation .timeline");
