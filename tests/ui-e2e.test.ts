/**
 * Both UIs together in one headless Chromium, against one real server: a
 * customer on the demo company page using the widget, and an agent in the
 * console, each in a browser context of their own. They go through a whole
 * chat in order: the chat appears in the agent's queue, the agent joins, both
 * exchange text, links, images and PDFs, see each other typing, bring their
 * ticks to "seen", see a refused file explained, the customer reloads and gets
 * everything back, and the agent ends the chat. axe-core checks both UIs on
 * the way. (Keyboard-only use of the widget is in widget-embed.test.ts.)
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { logIn, queueItem, timeline } from "./support/console.js";
import { makeExe, makePdf, makePng } from "./support/media-files.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { openPanel, savedChatId, startChat } from "./support/widget.js";

const SCREENSHOTS = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));

let server: InProcessServer;
let browser: Browser;
/** The customer's tab: the demo company page with the widget. */
let customer: Page;
/** The agent's tab: the console. */
let agent: Page;
const pageErrors: string[] = [];

/** The widget's bubbles: the customer's own, and the agent's. */
const mine = () => customer.locator(".msg.mine");
const theirs = () => customer.locator(".msg.theirs");
/** The console's bubbles: the agent's own, and the customer's. */
const agentMine = () => timeline(agent).locator(".message.mine");
const agentTheirs = () => timeline(agent).locator(".message.theirs");

/** Waits until every tick the widget shows on the customer's messages says "seen". */
function widgetTicksAllSeen(count: number): Promise<unknown> {
  return customer.waitForFunction((expected) => {
    const root = document.getElementById("parley-widget")?.shadowRoot;
    const ticks = Array.from(root?.querySelectorAll<HTMLElement>(".msg.mine .ticks") ?? []);
    return ticks.length === expected && ticks.every((tick) => tick.dataset.status === "seen");
  }, count);
}

/** Waits until every tick the console shows on the agent's messages says "seen". */
function consoleTicksAllSeen(count: number): Promise<unknown> {
  return agent.waitForFunction((expected) => {
    const ticks = Array.from(document.querySelectorAll<HTMLElement>(".conversation .timeline .message.mine [data-tick]"));
    return ticks.length === expected && ticks.every((tick) => tick.dataset.tick === "seen");
  }, count);
}

/** Waits until the console's newest message, an image, has loaded and is wholly in view in the timeline. */
function consoleNewestImageInView(): Promise<unknown> {
  return agent.waitForFunction(() => {
    const list = document.querySelector(".conversation .timeline");
    const newest = list?.lastElementChild;
    const image = newest?.querySelector("img");
    if (!list || !newest || !image?.complete || image.naturalWidth === 0) return false;
    const shown = list.getBoundingClientRect();
    const box = newest.getBoundingClientRect();
    return box.top >= shown.top - 1 && box.bottom <= shown.bottom + 1;
  });
}

/** Waits until the widget's newest message, an image, has loaded and is wholly in view in the panel. */
function widgetNewestImageInView(): Promise<unknown> {
  return customer.waitForFunction(() => {
    const list = document.getElementById("parley-widget")?.shadowRoot?.querySelector(".log");
    const newest = list?.querySelector("ol")?.lastElementChild;
    const image = newest?.querySelector("img");
    if (!list || !newest || !image?.complete || image.naturalWidth === 0) return false;
    const shown = list.getBoundingClientRect();
    const box = newest.getBoundingClientRect();
    return box.top >= shown.top - 1 && box.bottom <= shown.bottom + 1;
  });
}

beforeAll(async () => {
  // Typing is rate-limited per chat (2/s by default); here both sides type, faster than people would.
  ({ server } = await startServerWithAgents(["alice"], { limits: { typingPerSecond: 50 } }));
  browser = await launchChromium();
  // bypassCSP lets the test inject axe-core into the demo page and the console, whose policies allow
  // only their own scripts (tests/widget.test.ts runs the demo page under its policy).
  const customerContext = await browser.newContext({ viewport: { width: 1100, height: 760 }, acceptDownloads: true, bypassCSP: true });
  const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, bypassCSP: true });
  customer = await customerContext.newPage();
  agent = await agentContext.newPage();
  for (const page of [customer, agent]) {
    page.setDefaultTimeout(30_000);
    page.on("pageerror", (error) => pageErrors.push(String(error)));
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("a customer in the widget and an agent in the console", () => {
  const customerPdf = makePdf();
  const agentPdf = Buffer.concat([makePdf(), Buffer.from("% the agent's copy\n")]);

  it("shows the customer's new chat in the agent's queue, without a reload", async () => {
    await logIn(agent, server.url, "alice", "alice-password");
    await agent.getByText("No one is waiting.").waitFor();

    await customer.goto(`${server.url}/`);
    await openPanel(customer);
    await startChat(customer, "Carla", "carla@example.com");
    expect(await savedChatId(customer)).toMatch(/^CHAT_/);
    await queueItem(agent, "Carla").getByText("No message yet").waitFor();

    // Enter sends; the queue shows it as the chat's first message.
    await customer.locator("#parley-text").fill("Hi, the rear brake of my bike squeaks.");
    await customer.locator("#parley-text").press("Enter");
    await queueItem(agent, "Carla").getByText("Hi, the rear brake of my bike squeaks.").waitFor();
  });

  it("has the agent join, and the widget says who joined", async () => {
    await queueItem(agent, "Carla").getByRole("button", { name: "Join the chat with Carla" }).click();
    await agent.getByRole("heading", { name: "Chat with Carla" }).waitFor();
    await agentTheirs().getByText("Hi, the rear brake of my bike squeaks.").waitFor();
    await queueItem(agent, "Carla").waitFor({ state: "detached" });
    await customer.getByText("alice joined the chat").waitFor();
  });

  it("exchanges text and links both ways", async () => {
    await customer.locator("#parley-text").fill("My order: https://shop.example.com/orders/42");
    await customer.locator("#parley-text").press("Enter");
    // A lone URL goes as a link message.
    await customer.locator("#parley-text").fill("https://shop.example.com/bikes/city-3");
    await customer.locator("#parley-text").press("Enter");
    const text = agentTheirs().filter({ hasText: "My order:" });
    await text.locator("a[href='https://shop.example.com/orders/42']").waitFor();
    await agentTheirs().locator("a[href='https://shop.example.com/bikes/city-3']").waitFor();
    expect(await text.locator("a").getAttribute("rel")).toBe("noopener noreferrer");

    const composer = agent.getByLabel("Message to Carla");
    await composer.fill("Sorry about that. Our guide: https://example.com/brakes");
    await composer.press("Enter");
    await composer.fill("https://example.com/returns");
    await composer.press("Enter");
    const reply = theirs().filter({ hasText: "Sorry about that." });
    await reply.locator("a[href='https://example.com/brakes']").waitFor();
    await theirs().locator("a[href='https://example.com/returns']").waitFor();
    expect(await reply.locator("a").getAttribute("target")).toBe("_blank");
    expect(await reply.locator(".author").textContent()).toBe("alice");

    // www. addresses are links too, over https; other schemes stay text. Every message shows its time.
    await composer.fill("Opening hours: www.example.com/hours. Not javascript:alert(1)");
    await composer.press("Enter");
    const hours = theirs().filter({ hasText: "Opening hours:" });
    await hours.locator("a[href='https://www.example.com/hours']").waitFor();
    expect(await hours.locator("a").count()).toBe(1);
    expect(await hours.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    await mine().last().locator("time").waitFor();
    await agentMine().filter({ hasText: "Opening hours:" }).locator("time").waitFor();
  });

  it("exchanges an image both ways, each shown to the other", async () => {
    await customer.locator('input[type="file"]').setInputFiles({ name: "brake.png", mimeType: "image/png", buffer: await makePng({ width: 160, height: 120 }) });
    const photo = agentTheirs().getByRole("button", { name: "Open brake.png full size" });
    await photo.locator("img[alt='brake.png']").waitFor();
    await photo.click();
    const viewer = agent.getByRole("dialog", { name: "brake.png" });
    await viewer.locator("img").waitFor();
    expect(await viewer.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(160);
    await agent.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached" });

    await agent.locator("#composer-file").setInputFiles({ name: "pads.png", mimeType: "image/png", buffer: await makePng({ width: 200, height: 100 }) });
    const image = theirs().locator(".thumb img");
    await image.waitFor();
    expect(await image.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    // Each sees the newest image whole at the end of the conversation, not cut off by its late load.
    await widgetNewestImageInView();
    await consoleNewestImageInView();
    // The customer's own image, once committed, is in the widget too.
    await customer.locator('.msg.mine[data-kind="image"] .ticks:not([data-status="pending"])').waitFor();
    await customer.screenshot({ path: `${SCREENSHOTS}e2e-customer.png` });
    await agent.screenshot({ path: `${SCREENSHOTS}e2e-agent.png` });
  });

  it("exchanges a PDF both ways, each downloadable by the other with its exact bytes", async () => {
    await customer.locator('input[type="file"]').setInputFiles({ name: "receipt.pdf", mimeType: "application/pdf", buffer: customerPdf });
    const received = agentTheirs().locator(".document", { hasText: "receipt.pdf" });
    await received.locator(".doc-type", { hasText: "PDF" }).waitFor();
    const agentDownload = agent.waitForEvent("download");
    await received.getByRole("button", { name: "Download receipt.pdf" }).click();
    const agentFile = await agentDownload;
    expect(agentFile.suggestedFilename()).toBe("receipt.pdf");
    expect((await readFile(await agentFile.path())).equals(customerPdf)).toBe(true);

    await agent.locator("#composer-file").setInputFiles({ name: "manual.pdf", mimeType: "application/pdf", buffer: agentPdf });
    await agentMine().locator(".document", { hasText: "manual.pdf" }).waitFor();
    const link = theirs().locator("a.file", { hasText: "manual.pdf" });
    await link.waitFor();
    const customerDownload = customer.waitForEvent("download");
    await link.click();
    const customerFile = await customerDownload;
    expect(customerFile.suggestedFilename()).toBe("manual.pdf");
    expect((await readFile(await customerFile.path())).equals(agentPdf)).toBe(true);
  });

  it("shows each side the other typing", async () => {
    await customer.locator("#parley-text").pressSequentially("Is it the p");
    const customerTyping = agent.locator(".conversation .typing").getByText("Carla (customer) is typing…");
    await customerTyping.waitFor();
    await customer.locator("#parley-text").fill("");
    await customerTyping.waitFor({ state: "detached" });

    await agent.getByLabel("Message to Carla").pressSequentially("Let me che");
    const agentTyping = customer.locator(".typing").getByText("alice is typing…");
    await agentTyping.waitFor();
    await agent.getByLabel("Message to Carla").fill("");
    await agentTyping.waitFor({ state: "detached" });
  });

  it("brings the ticks to seen on both sides", async () => {
    // Each side has the chat on screen, so each marks what it shows seen.
    await widgetTicksAllSeen(await mine().count());
    await consoleTicksAllSeen(await agentMine().count());
    expect(await mine().count()).toBe(5);
    expect(await agentMine().count()).toBe(5);
  });

  it("shows a refused file's reason, to the customer and to the agent", async () => {
    await customer.locator('input[type="file"]').setInputFiles({ name: "setup.exe", mimeType: "application/octet-stream", buffer: makeExe() });
    await customer.getByRole("alert").getByText("setup.exe was not sent").waitFor();
    // A program named like a PDF gets past the console's picker and is refused by the server.
    await agent.locator("#composer-file").setInputFiles({ name: "setup.pdf", mimeType: "application/pdf", buffer: makeExe() });
    await agent.locator(".composer [role=alert]").getByText("(MEDIA_TYPE_NOT_ALLOWED)").waitFor();
    // Neither reached the other side.
    expect(await agentTheirs().getByText("setup.exe").count()).toBe(0);
    expect(await theirs().getByText("setup.pdf").count()).toBe(0);
  });

  it("has no serious accessibility violations in either UI mid-conversation", async () => {
    expect(await seriousViolations(customer)).toEqual([]);
    expect(await seriousViolations(agent)).toEqual([]);
  });

  it("brings the whole conversation back when the customer reloads the page", async () => {
    const before = { mine: await mine().count(), theirs: await theirs().count() };
    const chatId = await savedChatId(customer);
    await customer.reload();
    await openPanel(customer);
    await customer.getByText("alice joined the chat").waitFor();
    await customer.getByText("Hi, the rear brake of my bike squeaks.").waitFor();
    await theirs().locator("a[href='https://example.com/returns']").waitFor();
    await theirs().locator(".thumb img").waitFor();
    await customer.locator(".msg.mine .thumb img").waitFor();
    await theirs().locator("a.file", { hasText: "manual.pdf" }).waitFor();
    await mine().locator("a.file", { hasText: "receipt.pdf" }).waitFor();
    expect({ mine: await mine().count(), theirs: await theirs().count() }).toEqual(before);
    await widgetTicksAllSeen(before.mine);
    expect(await savedChatId(customer)).toBe(chatId);
    // The console kept the chat as it was.
    await agentTheirs().getByText("Hi, the rear brake of my bike squeaks.").waitFor();
  });

  it("has the agent end the chat, and the widget shows it ended", async () => {
    await agent.getByRole("button", { name: "End chat" }).click();
    await agent.getByRole("dialog", { name: "End the chat with Carla?" }).getByRole("button", { name: "End chat" }).click();
    await agent.getByText("This chat has ended.").waitFor();
    await customer.getByText("The chat has ended.").waitFor();
    expect(await customer.locator("#parley-text").count()).toBe(0);
    await customer.getByRole("button", { name: "Start a new chat" }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});
