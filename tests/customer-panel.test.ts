/**
 * The customer panel and the console's notifications, in headless Chromium
 * against one real server: a customer in the real widget on the demo page
 * (browser language de-CH, time zone Asia/Tokyo) and an agent in the console.
 *
 * - The panel shows what the widget sent (page, browser, language, local
 *   time) and lists the same browser's earlier chat, whose transcript opens.
 * - Desktop notifications are asked for only on the button's click, and shown
 *   for a message while the tab is hidden; the title counts unread messages.
 *
 * Headless Chromium never hides a tab, and shows no notifications: an init
 * script records what the page creates with the `Notification` constructor
 * (and its permission requests), and lets the test report the tab as hidden
 * (`document.visibilityState`, with its `visibilitychange` event). The
 * permission itself is granted through the browser context.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { logIn, queueItem, timeline } from "./support/console.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { openPanel, savedChatId, startChat } from "./support/widget.js";

const SCREENSHOT = fileURLToPath(new URL("../docs/screenshots/console-customer-panel.png", import.meta.url));

let server: InProcessServer;
let browser: Browser;
let customer: Page;
let agentContext: BrowserContext;
let agent: Page;
const pageErrors: string[] = [];
let firstChatId: string | undefined;

interface Recorded {
  notifications: Array<{ title: string; body: string; tag: string }>;
  permissionRequests: number;
}

/** Runs in the console before its scripts: records notifications and permission requests, and fakes a hidden tab on demand. */
function recordNotifications(): void {
  const recorded: Recorded = { notifications: [], permissionRequests: 0 };
  const page = window as unknown as { parleyTest: Recorded & { setHidden(hidden: boolean): void } };
  const Original = window.Notification;
  class Recording extends Original {
    constructor(title: string, options: NotificationOptions = {}) {
      super(title, options);
      recorded.notifications.push({ title, body: options.body ?? "", tag: options.tag ?? "" });
    }
    static override requestPermission(): Promise<NotificationPermission> {
      recorded.permissionRequests += 1;
      return Original.requestPermission();
    }
    static override get permission(): NotificationPermission {
      return Original.permission;
    }
  }
  window.Notification = Recording as typeof Notification;
  let hidden = false;
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  page.parleyTest = Object.assign(recorded, {
    setHidden(value: boolean) {
      hidden = value;
      document.dispatchEvent(new Event("visibilitychange"));
    },
  });
}

const recorded = () => agent.evaluate(() => (window as unknown as { parleyTest: Recorded }).parleyTest);
const setHidden = (hidden: boolean) => agent.evaluate((value) => (window as unknown as { parleyTest: { setHidden(h: boolean): void } }).parleyTest.setHidden(value), hidden);
const panel = () => agent.locator(".customer-panel");

beforeAll(async () => {
  ({ server } = await startServerWithAgents(["alice"]));
  browser = await launchChromium();
  const customerContext = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: "de-CH", timezoneId: "Asia/Tokyo" });
  // bypassCSP lets the test inject axe-core into the console, whose policy allows only its own scripts.
  agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  await agentContext.addInitScript(recordNotifications);
  customer = await customerContext.newPage();
  agent = await agentContext.newPage();
  for (const page of [customer, agent]) {
    page.setDefaultTimeout(30_000);
    page.on("pageerror", (error) => pageErrors.push(String(error)));
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("the customer beside the conversation", () => {
  it("shows what the real widget sent, and the same browser's earlier chat with its transcript", async () => {
    await logIn(agent, server.url, "alice", "alice-password");
    // An earlier visit: a chat, then the widget forgets it (as after its end) — the browser's visitor id stays.
    await customer.goto(`${server.url}/`);
    await openPanel(customer);
    await startChat(customer, "Keller");
    firstChatId = await savedChatId(customer);
    await customer.locator("#parley-text").fill("Do you repair e-bikes?");
    await customer.locator("#parley-text").press("Enter");
    await queueItem(agent, "Keller").getByText("Do you repair e-bikes?").waitFor();
    await customer.evaluate(() => {
      for (const key of Object.keys(localStorage)) if (key.startsWith("parley:")) localStorage.removeItem(key);
    });
    await customer.reload();
    await openPanel(customer);
    await startChat(customer, "Nina");
    await customer.locator("#parley-text").fill("My brake squeaks.");
    await customer.locator("#parley-text").press("Enter");

    await queueItem(agent, "Nina").getByRole("button", { name: "Join the chat with Nina" }).click();
    await timeline(agent).getByText("My brake squeaks.").waitFor();
    const details = panel().locator(".customer-fields");
    await details.getByText("Northwind Cycles — demo company page").waitFor();
    await details.getByText("de-CH").waitFor();
    await details.getByText("(Asia/Tokyo)").waitFor();
    expect(await details.locator(".customer-field", { hasText: "Browser" }).innerText()).toMatch(/Chrome \d+ on Linux/);
    // The local time shown is Tokyo's, whatever the agent's own zone.
    const shown = await details.locator("[data-time-zone]").innerText();
    const tokyo = (at: Date) => new Intl.DateTimeFormat(undefined, { timeZone: "Asia/Tokyo", weekday: "short", hour: "2-digit", minute: "2-digit" }).format(at);
    const before = new Date(Date.now() - 60_000);
    expect([tokyo(before), tokyo(new Date()), tokyo(new Date(Date.now() + 60_000))]).toContain(shown);

    const previous = panel().locator(`.previous-chats li[data-chat-id="${firstChatId}"]`);
    await previous.getByText("same browser").waitFor();
    expect(await panel().locator(".previous-chats li").count()).toBe(1);
    expect(await seriousViolations(agent)).toEqual([]);
    await agent.screenshot({ path: SCREENSHOT });

    await previous.getByRole("button").click();
    const dialog = agent.getByRole("dialog");
    await dialog.getByText("Do you repair e-bikes?").waitFor();
    expect(await seriousViolations(agent)).toEqual([]);
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(pageErrors).toEqual([]);
  });
});

describe("notifications", () => {
  it("asks for permission only on the button's click", async () => {
    expect((await recorded()).permissionRequests).toBe(0);
    await agentContext.grantPermissions(["notifications"], { origin: server.url });
    await agent.getByRole("button", { name: "Turn on desktop notifications" }).click();
    await agent.getByText("Desktop notifications on").waitFor();
    expect((await recorded()).permissionRequests).toBe(1);
  });

  it("shows a desktop notification for a message while the tab is hidden, and the title counts unread messages", async () => {
    // Looking at the queue clears its count of new chats: the title then counts messages only.
    await agent.locator(".queue").hover();
    await agent.waitForFunction(() => document.title === "Parley console");
    await setHidden(true);
    await customer.locator("#parley-text").fill("Are you still there?");
    await customer.locator("#parley-text").press("Enter");
    await agent.waitForFunction(() => document.title === "(1) Parley console");
    await customer.locator("#parley-text").fill("Hello?");
    await customer.locator("#parley-text").press("Enter");
    await agent.waitForFunction(() => document.title === "(2) Parley console");
    const { notifications } = await recorded();
    expect(notifications.map((n) => n.body)).toEqual(["Are you still there?", "Hello?"]);
    expect(notifications[0]?.title).toMatch(/^New message from Nina/);

    // Back in the tab, the chat on screen is read.
    await setHidden(false);
    await agent.waitForFunction(() => document.title === "Parley console");
    // In view, a message raises no desktop notification.
    await customer.locator("#parley-text").fill("Ah, there you are.");
    await customer.locator("#parley-text").press("Enter");
    await timeline(agent).getByText("Ah, there you are.").waitFor();
    expect((await recorded()).notifications).toHaveLength(2);
    expect(pageErrors).toEqual([]);
  });
});
