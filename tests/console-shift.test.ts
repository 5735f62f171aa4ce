/**
 * The console in ordinary use, in headless Chromium against a real server,
 * with customers driven by the Node SDK: a sidebar that holds at laptop
 * widths whatever the customers write, sending while offline, the waiting
 * clock of a chat sent back to the queue, one wording for typing, ending with
 * a confirmation, and the read-only view and downloaded transcript of an
 * ended chat. The agent's browser runs in New York time, so that local times
 * in the transcript differ from the server's UTC.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createLiveChatSdk, type Contact, type ContactEventMap } from "@parley/sdk";
import type { StartContactResponse } from "@parley/protocol";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { chatTab, logIn, queueItem, timeline } from "./support/console.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { TcpProxy } from "./support/tcp-proxy.js";
import { nextEvent, waitFor } from "./support/wait.js";

const TIME_ZONE = "America/New_York";
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) ShopBrowser/7.1";

let server: InProcessServer;
/** The agent's browser reaches the server through this proxy, so that its connection can be cut. */
let proxy: TcpProxy;
let tokens: Record<string, string>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const logouts: (() => Promise<void>)[] = [];

interface Customer {
  contact: Contact;
  /** Texts of the messages this customer received, in the order they arrived. */
  received: string[];
}

/** A customer who started a chat from a shop page over REST, then talks through the Node SDK. */
async function customer(nickname: string, firstMessage?: string, email?: string): Promise<Customer> {
  const response = await fetch(`${server.url}/v1/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname, email, uri: "https://shop.example.com/orders/42", title: "Order 42", userAgent: BROWSER }),
  });
  const started = (await response.json()) as StartContactResponse;
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  await sdk.LIVECHAT.login(started.token, false, false, () => {});
  logouts.push(() => sdk.LIVECHAT.logout());
  const contact = await sdk.LIVECHAT.joinContact(started.contact.id, nickname);
  const received: string[] = [];
  contact.on("message", (event) => received.push(event.content.text));
  if (firstMessage !== undefined) await contact.sendMessage(firstMessage);
  return { contact, received };
}

/** Another agent, working in the Node SDK. */
async function otherAgent(): Promise<ReturnType<typeof createLiveChatSdk>> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  await sdk.LIVECHAT.login(tokens.bob as string, false, false, () => {});
  logouts.push(() => sdk.LIVECHAT.logout());
  return sdk;
}

function next<N extends keyof ContactEventMap>(contact: Contact, name: N, matches: (event: ContactEventMap[N]) => boolean = () => true) {
  return nextEvent<ContactEventMap[N]>((listener) => {
    contact.on(name, listener);
    return () => contact.off(name, listener);
  }, matches);
}

/** The stored messages of a chat, oldest first, as the server's transcript gives them. */
async function storedTexts(chatId: string): Promise<string[]> {
  const response = await fetch(`${server.url}/livechat/default/getContactTranscriptByChatID/${chatId}`, { headers: { authorization: `Bearer ${tokens.alice}` } });
  const body = (await response.json()) as { chatTranscript: { content: { text?: string } }[] };
  return body.chatTranscript.map((message) => message.content.text ?? "");
}

/**
 * Everything the sidebar must show whole, each with its box: the queue's
 * heading, waiting times and join buttons, the unread counts, the search.
 */
async function sidebarLayout(): Promise<{ scrollLeft: number; overflow: number; cut: string[] }> {
  return page.evaluate(() => {
    const sidebar = document.querySelector<HTMLElement>(".sidebar");
    if (sidebar === null) throw new Error("no sidebar");
    const frame = sidebar.getBoundingClientRect();
    const parts: [string, Element][] = [];
    const add = (name: string, selector: string) => {
      const found = document.querySelectorAll(selector);
      if (found.length === 0) parts.push([`${name} (missing)`, sidebar]);
      found.forEach((element) => parts.push([name, element]));
    };
    add("queue heading", "#queue-heading");
    add("queue count", "#queue-heading .count");
    add("waiting time", ".queue-item .waiting");
    add("join button", ".queue-item button");
    add("unread count", ".my-chats .unread");
    add("search field", "#ended-search");
    add("search button", ".search button[type=submit]");
    const cut: string[] = [];
    for (const [name, element] of parts) {
      if (name.endsWith("(missing)")) {
        cut.push(name);
        continue;
      }
      const box = element.getBoundingClientRect();
      const isInside = box.left >= frame.left - 0.5 && box.right <= frame.right + 0.5 && box.left >= 0 && box.right <= window.innerWidth;
      // Text cut by its own box (an ellipsis, or clipped overflow) counts as cut too.
      const isWhole = element.scrollWidth <= element.clientWidth + 1 || element instanceof HTMLInputElement;
      if (!isInside || !isWhole) cut.push(`${name} [${Math.round(box.left)}–${Math.round(box.right)} in ${Math.round(frame.left)}–${Math.round(frame.right)}]`);
    }
    return { scrollLeft: sidebar.scrollLeft, overflow: sidebar.scrollWidth - sidebar.clientWidth, cut };
  });
}

beforeAll(async () => {
  ({ server, tokens } = await startServerWithAgents(["alice", "bob"], { limits: { typingPerSecond: 50 } }));
  proxy = await TcpProxy.start(server.port);
  browser = await launchChromium();
  // bypassCSP lets the test inject axe-core into a page whose policy allows only its own scripts.
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, bypassCSP: true, timezoneId: TIME_ZONE, locale: "en-US" });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  // Two agents made with the real CLI, and a browser: slow on a loaded machine.
}, 120_000);

afterAll(async () => {
  for (const logout of logouts) await logout().catch(() => undefined);
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

describe("the console in ordinary use", () => {
  let carla: Customer;
  let dan: Customer;
  // 300 characters, the first 120 without a space: the worst a first message can do to a column.
  const longMessage = `${"Thebrakesquealsfromthefrontwheel".repeat(4)} ${"and it gets louder on every hill I ride down, ".repeat(4)}`.slice(0, 300);

  it("keeps the sidebar's column fixed at 1280 and 1366 px, whatever the first messages, with nothing cut", async () => {
    expect(longMessage).toHaveLength(300);
    await logIn(page, proxy.url, "alice", "alice-password");
    const before = await page.locator(".sidebar").evaluate((element) => element.getBoundingClientRect().width);
    carla = await customer("Carla", "Hello, my parcel is late", "carla@example.com");
    dan = await customer("Dan", "Is the shop open on Sunday?");
    await queueItem(page, "Dan").getByRole("button", { name: "Join the chat with Dan" }).click();
    await page.getByRole("heading", { name: "Chat with Dan" }).waitFor();
    await queueItem(page, "Carla").getByRole("button", { name: "Join the chat with Carla" }).click();
    await page.getByRole("heading", { name: "Chat with Carla" }).waitFor();
    // Dan's chat is not on screen: his message raises its unread count.
    await dan.contact.sendMessage("Hello?");
    await chatTab(page, "Dan").locator(".unread").getByText("1").waitFor();
    await customer("Zoe", longMessage);
    const zoe = queueItem(page, "Zoe");
    await zoe.waitFor();

    // The long first message is cut with an ellipsis, on one line.
    const first = zoe.locator(".first-message");
    expect(await first.evaluate((element) => getComputedStyle(element).textOverflow)).toBe("ellipsis");
    expect(await first.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
    expect(await page.locator(".sidebar").evaluate((element) => element.getBoundingClientRect().width)).toBe(before);

    for (const width of [1280, 1366]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await sidebarLayout()).toEqual({ scrollLeft: 0, overflow: 0, cut: [] });
      // Searching never scrolls the sidebar sideways.
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.getByLabel("Search by nickname or chat id").focus();
      expect(await sidebarLayout()).toEqual({ scrollLeft: 0, overflow: 0, cut: [] });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: new URL("../docs/screenshots/console-sidebar.png", import.meta.url).pathname });
  });

  it("says 'is typing…' as the widget does", async () => {
    carla.contact.isWriting(true);
    await page.locator(".conversation .typing").getByText("Carla (customer) is typing…").waitFor();
    await chatTab(page, "Carla").getByText("typing…").waitFor();
    carla.contact.isWriting(false);
    await page.locator(".conversation .typing").getByText("Carla (customer) is typing…").waitFor({ state: "detached" });
  });

  it("makes www. addresses links, and no other scheme", async () => {
    await carla.contact.sendMessage("Tracking: www.parcels.example/track/42. Not javascript:alert(1) nor JAVASCRIPT:www.parcels.example/x");
    const message = timeline(page).locator(".message.theirs", { hasText: "Tracking:" });
    await message.waitFor();
    const anchors = message.locator("a");
    expect(await anchors.evaluateAll((all) => all.map((a) => [a.textContent, a.getAttribute("href"), a.getAttribute("rel")]))).toEqual([
      ["www.parcels.example/track/42", "https://www.parcels.example/track/42", "noopener noreferrer"],
      ["www.parcels.example/x", "https://www.parcels.example/x", "noopener noreferrer"],
    ]);
    // Each message has its time.
    expect(await message.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("shows a message sent offline at once as pending, then sent, in the stored order after reconnecting", async () => {
    const composer = page.getByLabel("Message to Carla");
    await composer.fill("Let me look at your parcel.");
    await composer.press("Enter");
    await timeline(page).locator(".message.mine", { hasText: "Let me look at your parcel." }).locator("[data-tick='received'], [data-tick='seen']").waitFor();

    // The network goes: the browser is offline and its open connection is cut.
    await context.setOffline(true);
    proxy.dropAll();
    await page.getByText("Reconnecting…").waitFor();
    await composer.fill("First, while offline");
    await composer.press("Enter");
    await composer.fill("Second, while offline");
    await composer.press("Enter");
    // Shown at once, as pending, in the order written; the composer is empty again.
    const pending = timeline(page).locator(".message.mine [data-tick='sending']");
    await waitFor(async () => (await pending.count()) === 2, () => "two pending bubbles");
    expect(await timeline(page).locator(".message.mine .text").allTextContents()).toEqual(["Let me look at your parcel.", "First, while offline", "Second, while offline"]);
    expect(await composer.inputValue()).toBe("");
    // The customer writes meanwhile: stored before the agent's two, which wait in the outbox.
    await carla.contact.sendMessage("Are you there?");

    await context.setOffline(false);
    await page.locator(".state-connected").waitFor();
    await waitFor(async () => (await pending.count()) === 0, () => "the pending bubbles to be sent");
    const stored = await storedTexts(carla.contact.contact.id);
    expect(stored.slice(-3)).toEqual(["Are you there?", "First, while offline", "Second, while offline"]);
    await waitFor(
      async () => JSON.stringify((await timeline(page).locator(".message .text").allTextContents()).slice(-3)) === JSON.stringify(stored.slice(-3)),
      () => "the console to show the stored order",
    );
    // The customer received them in the stored order too.
    await waitFor(() => carla.received.length >= 3, () => "the customer to receive the messages");
    expect(carla.received.slice(-2)).toEqual(["First, while offline", "Second, while offline"]);
  });

  it("counts the waiting time of a chat sent back to the queue from the customer's first wait", async () => {
    // The agent's clock runs 12 and a half minutes ahead: a chat started now has waited 12 minutes.
    const started = Date.now();
    await page.clock.setFixedTime(started + 12.5 * 60_000);
    const gina = await customer("Gina", "Can I change my address?");
    await queueItem(page, "Gina").locator(".waiting").getByText("waiting 12 min").waitFor();
    // Another agent takes the chat, then leaves it eight minutes later: it is back in the queue.
    const bob = await otherAgent();
    await bob.LIVECHAT.joinContact(gina.contact.contact.id, "Bob");
    await queueItem(page, "Gina").waitFor({ state: "detached" });
    await page.clock.setFixedTime(started + 20.5 * 60_000);
    await bob.LIVECHAT.leave(gina.contact.contact.id);
    await queueItem(page, "Gina").locator(".waiting").getByText("waiting 20 min").waitFor();
    // A reload counts the same way.
    await page.clock.setFixedTime(started + 21.5 * 60_000);
    await page.reload();
    await queueItem(page, "Gina").locator(".waiting").getByText("waiting 21 min").waitFor();
  });

  it("asks before ending a chat, in an accessible dialog that Escape cancels", async () => {
    await chatTab(page, "Carla").click();
    await page.getByRole("heading", { name: "Chat with Carla" }).waitFor();
    const mine = timeline(page).locator(".message.mine", { hasText: "Second, while offline" });
    const id = (await mine.getAttribute("data-id")) as string;
    await carla.contact.markSeen(id);
    await mine.locator("[data-tick='seen']").waitFor();

    const endButton = page.getByRole("button", { name: "End chat" });
    await endButton.click();
    const dialog = page.getByRole("dialog", { name: "End the chat with Carla?" });
    await dialog.waitFor();
    // The safe choice has the focus; axe finds nothing serious with the dialog open.
    expect(await dialog.getByRole("button", { name: "Keep chatting" }).evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: new URL("../docs/screenshots/console-end-dialog.png", import.meta.url).pathname });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await endButton.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.getByLabel("Message to Carla").waitFor();
    expect(carla.contact.hasEnded).toBe(false);

    const ended = next(carla.contact, "contactEnded");
    await endButton.click();
    await dialog.getByRole("button", { name: "End chat" }).click();
    expect((await ended).user?.nickname).toBe("alice");
    await page.locator(".conversation").getByText("This chat has ended.").waitFor();
  });

  it("shows seen messages as seen in the read-only view of the ended chat", async () => {
    await page.getByLabel("Search by nickname or chat id").fill(carla.contact.contact.id);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.locator(`.ended-list .chat-tab[data-chat-id='${carla.contact.contact.id}']`).click();
    await page.getByRole("heading", { name: "Transcript (read-only)" }).waitFor();
    const readOnly = page.locator(".read-only .timeline");
    await readOnly.locator(".message.mine", { hasText: "Second, while offline" }).locator("[data-tick='seen']").waitFor();
    expect(await readOnly.locator(".message.mine [data-tick='sent']").count()).toBe(0);
    await readOnly.getByText("alice (agent) ended the chat.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: new URL("../docs/screenshots/console-read-only.png", import.meta.url).pathname });
  });

  it("downloads a transcript with the customer's details, joins, leaves and the end, in the agent's time zone", async () => {
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download transcript" }).click();
    const text = await readFile(await (await download).path(), "utf8");
    const lines = text.split("\n");
    expect(lines.slice(0, 8)).toEqual([
      `Parley chat ${carla.contact.contact.id}`,
      "Customer: Carla",
      expect.stringMatching(/^E-mail: (carla@example\.com|not available)$/),
      "Page: Order 42 <https://shop.example.com/orders/42>",
      `Browser: ${BROWSER}`,
      expect.stringMatching(/^Times: America\/New_York \(GMT-5\)$/),
      "",
      expect.stringMatching(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT-5\] \* Carla \(customer\) joined the chat$/),
    ]);
    expect(lines.some((line) => /\] \* alice \(agent\) joined the chat$/.test(line))).toBe(true);
    expect(lines.some((line) => /\] \* alice \(agent\) ended the chat\.$/.test(line))).toBe(true);
    // A message's time is its stored time, in New York.
    const transcript = (await (await fetch(`${server.url}/livechat/default/getContactTranscriptByChatID/${carla.contact.contact.id}`, { headers: { authorization: `Bearer ${tokens.alice}` } })).json()) as {
      chatTranscript: { ts: string; content: { text?: string } }[];
    };
    const hello = transcript.chatTranscript.find((message) => message.content.text === "Hello, my parcel is late");
    const local = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .format(new Date(hello?.ts ?? ""))
      .replace(",", "");
    expect(lines).toContain(`[${local} GMT-5] [customer] Carla: Hello, my parcel is late`);
    expect(pageErrors).toEqual([]);
  });
});
