/**
 * Speed of work in headless Chromium against a real server: the console's
 * keyboard shortcuts and their help dialog (opened with `?`, never while
 * typing), the emoji pickers of the console and of the widget (whose grid is
 * a chunk fetched only when first opened), message times with the full date
 * on hover, and `www.` addresses as links in the widget. Customers are the
 * real widget or the Node SDK; axe-core on the dialog and the grids.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createLiveChatSdk, type Contact } from "@parley/sdk";
import type { StartContactResponse } from "@parley/protocol";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { chatTab, logIn, queueItem, timeline } from "./support/console.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { joinAsAgent, keepAgentOnline, openPanel, savedChatId, startChat, type Agent } from "./support/widget.js";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}.png`, import.meta.url));

let server: InProcessServer;
let tokens: Record<string, string>;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

/** A customer who starts a chat over REST and talks through the Node SDK, collecting what they receive. */
async function customer(nickname: string, first: string): Promise<{ contact: Contact; received: string[] }> {
  const started = (await (
    await fetch(`${server.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ nickname }) })
  ).json()) as StartContactResponse;
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  await sdk.LIVECHAT.login(started.token, false, false, () => {});
  cleanups.push(() => sdk.LIVECHAT.logout());
  const contact = await sdk.LIVECHAT.joinContact(started.contact.id, nickname);
  const received: string[] = [];
  contact.on("message", (event) => received.push(event.content.text));
  await contact.sendMessage(first);
  return { contact, received };
}

beforeAll(async () => {
  ({ server, tokens } = await startServerWithAgents(["alice", "ann"]));
  cleanups.push(() => server.close());
  browser = await launchChromium();
  cleanups.push(() => browser.close());
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true, locale: "en-US", timezoneId: "Europe/Paris" });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (error) => pageErrors.push(String(error)));
});

afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

const composer = () => page.locator("#composer-text");
const heading = (nickname: string) => page.getByRole("heading", { name: `Chat with ${nickname}` });

describe("the console's shortcuts, emoji and times", () => {
  let carla: { contact: Contact; received: string[] };

  it("lists the shortcuts in a dialog opened with ?, but not while typing, and moves between chats with them", async () => {
    await logIn(page, server.url, "alice", "alice-password");
    carla = await customer("Carla", "Hello there");
    await customer("Dan", "Hi, anyone?");
    for (const nickname of ["Carla", "Dan"]) {
      await queueItem(page, nickname).getByRole("button", { name: `Join the chat with ${nickname}` }).click();
      await heading(nickname).waitFor();
    }
    // "?" typed in the message box is text, not a shortcut.
    await composer().click();
    await composer().pressSequentially("Really?");
    expect(await page.getByRole("dialog", { name: "Keyboard shortcuts" }).count()).toBe(0);
    expect(await composer().inputValue()).toBe("Really?");
    await composer().fill("");

    // Alt+↓ works from the message box too: the next of my chats (wrapping around).
    await composer().press("Alt+ArrowDown");
    await heading("Carla").waitFor();
    await page.locator("body").click({ position: { x: 5, y: 790 } });
    await page.keyboard.press("n");
    await heading("Dan").waitFor();
    await page.keyboard.press("p");
    await heading("Carla").waitFor();

    await page.keyboard.press("?");
    const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor();
    expect(await dialog.getByRole("row").count()).toBeGreaterThan(6);
    await dialog.getByRole("cell", { name: "End the chat on screen (asks first)" }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshot("console-shortcuts") });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    // E asks before ending, with the focus on the safe choice; keeping the chat closes the question.
    // (Escape on this dialog is tried in tests/console-shift.test.ts.)
    await page.keyboard.press("e");
    const confirm = page.getByRole("dialog", { name: "End the chat with Carla?" });
    await confirm.waitFor();
    const keep = confirm.getByRole("button", { name: "Keep chatting" });
    await waitFor(async () => await keep.evaluate((element) => element === document.activeElement), () => "the focus on Keep chatting");
    await keep.click();
    await confirm.waitFor({ state: "detached" });
    // R goes to the message box.
    await page.keyboard.press("r");
    await waitFor(async () => await composer().evaluate((element) => element === document.activeElement), () => "R to focus the message box");
  });

  it("inserts an emoji where the caret was, and shows each message's full date on hover", async () => {
    await composer().fill("Thanks !");
    await composer().evaluate((element: HTMLTextAreaElement) => element.setSelectionRange(7, 7));
    await page.getByRole("button", { name: "Emoji" }).click();
    const grid = page.getByRole("group", { name: "Emoji" });
    await grid.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await grid.getByRole("button", { name: "thumbs up" }).click();
    await grid.waitFor({ state: "detached" });
    expect(await composer().inputValue()).toBe("Thanks 👍!");
    await composer().press("Enter");
    await waitFor(() => carla.received.includes("Thanks 👍!"), () => `Carla to receive the emoji, got ${JSON.stringify(carla.received)}`);

    const time = timeline(page).locator(".message", { hasText: "Hello there" }).locator("time");
    const [datetime, title] = [await time.getAttribute("datetime"), await time.getAttribute("title")];
    const expected = await page.evaluate((iso) => new Date(iso).toLocaleString([], { dateStyle: "full", timeStyle: "medium" }), datetime!);
    expect(title).toBe(expected);
    // The full date names the year, in the browser's own zone.
    expect(title).toContain(String(new Date(datetime!).getUTCFullYear()));
    expect(await chatTab(page, "Carla").count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});

describe("the widget's emoji, times and www. links", () => {
  let agent: Agent | undefined;

  it("loads the emoji grid only when opened, inserts the pick, and the agent receives it", async () => {
    const online = await keepAgentOnline(server.url, tokens.ann!);
    cleanups.push(online);
    // bypassCSP lets axe-core be injected into the demo page, whose policy allows only its own scripts.
    const widgetContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true, locale: "en-US" });
    cleanups.push(() => widgetContext.close());
    const widget = await widgetContext.newPage();
    widget.setDefaultTimeout(20_000);
    widget.on("pageerror", (error) => pageErrors.push(String(error)));
    const chunks: string[] = [];
    widget.on("request", (request) => chunks.push(request.url()));
    await widget.goto(`${server.url}/`);
    await openPanel(widget);
    await startChat(widget, "Wanda");
    const chatId = (await savedChatId(widget))!;
    agent = await joinAsAgent(server.url, tokens.ann!, chatId, "Ann");
    cleanups.push(() => agent!.sdk.LIVECHAT.logout());
    expect(chunks.filter((url) => url.includes("EmojiGrid"))).toEqual([]);

    const box = widget.locator("#parley-text");
    await box.fill("Great");
    await widget.getByRole("button", { name: "Insert an emoji" }).click();
    const grid = widget.getByRole("group", { name: "Insert an emoji" });
    await grid.waitFor();
    expect(chunks.filter((url) => url.includes("EmojiGrid"))).toHaveLength(1);
    expect(await seriousViolations(widget)).toEqual([]);
    await grid.getByRole("button", { name: "party popper" }).click();
    expect(await box.inputValue()).toBe("Great🎉");
    await box.press("Enter");
    await waitFor(() => agent!.of("message").some((event) => (event.content as { text?: string }).text === "Great🎉"), () => "the agent to receive the emoji");

    // The agent's www. address is a link; every message shows its time, the full date on hover.
    await agent.contact.sendMessage("Track it at www.parcels.example/42.");
    const link = widget.getByRole("link", { name: "www.parcels.example/42" });
    await link.waitFor();
    expect([await link.getAttribute("href"), await link.getAttribute("rel")]).toEqual(["https://www.parcels.example/42", "noopener noreferrer"]);
    const times = widget.locator("time[datetime]");
    await waitFor(async () => (await times.count()) >= 2, () => "times on the messages");
    expect(await times.first().getAttribute("title")).toMatch(/\d{4}/);
    await widget.screenshot({ path: screenshot("widget-emoji") });
    expect(pageErrors).toEqual([]);
  });
});
