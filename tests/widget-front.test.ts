/**
 * The widget a company site can drive (issue 16): the phone layout, the name
 * limit, the host-page API (`Parley.open`, `close`, `setAttributes`, `on`)
 * and events, the language chosen from the page, the waiting state with the
 * queue position, and document links that still open after their signature
 * expired. Real Chromium, a real server, the agent on the Node SDK.
 */
import { fileURLToPath } from "node:url";
import { DEFAULT_LIMITS } from "@parley/protocol";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { companySite, pageEvents, waitForEvents, type SitePage } from "./support/company-site.js";
import { startFrameRelay, type FrameRelay } from "./support/frame-relay.js";
import { makePdf } from "./support/media-files.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { isFocused, joinAsAgent, keepAgentOnline, openPanel, savedChatId, startChat } from "./support/widget.js";

const SCREENSHOTS = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
/** Signed document links expire after this long here (5 minutes by default). */
const LINK_TTL_MS = 3_000;

let parley: InProcessServer;
let tokens: Record<string, string>;
let browser: Browser;
let site: Awaited<ReturnType<typeof companySite>>;
let relay: FrameRelay;
let online: (() => Promise<void>) | undefined;

beforeAll(async () => {
  site = await companySite(() => parley.url);
  ({ server: parley, tokens } = await startServerWithAgents(["ann"], { limits: { mediaLinkTtlMs: LINK_TTL_MS } }));
  relay = await startFrameRelay(parley.url);
  // An agent online: the widget offers the chat, not the offline form.
  online = await keepAgentOnline(parley.url, tokens.ann!);
  browser = await launchChromium();
});

afterAll(async () => {
  await online?.();
  await browser?.close();
  await relay?.close();
  await parley?.close();
  site?.server.close();
});

describe("on a phone", () => {
  it("takes the whole 375 px screen, with one close button and 16 px text fields", async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${parley.url}/`);
    await openPanel(page);
    expect(await page.locator(".panel").boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 740 });
    // The panel's own close button is the only one: the launcher hides under the full-screen panel.
    expect(await page.locator(".launcher").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Close the chat" }).count()).toBe(1);
    const fontSize = (selector: string) => page.locator(selector).evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    expect(await fontSize("#parley-nickname")).toBeGreaterThanOrEqual(16);
    expect(await fontSize("#parley-email")).toBeGreaterThanOrEqual(16);
    await startChat(page, "Sam");
    expect(await fontSize("#parley-text")).toBeGreaterThanOrEqual(16);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Close the chat" }).click();
    await page.locator(".panel").waitFor({ state: "detached" });
    expect(await page.locator(".launcher").isVisible()).toBe(true);
    expect(await isFocused(page, ".launcher")).toBe(true);
    await context.close();
  });
});

describe("the customer's name", () => {
  it("has the server's one limit, and one message that names it", async () => {
    const page = await browser.newPage();
    await page.goto(`${parley.url}/`);
    await openPanel(page);
    const name = page.getByLabel("Your name");
    const max = DEFAULT_LIMITS.maxNicknameLength;
    expect(await name.getAttribute("maxlength")).toBe(String(max));
    // A 71-character name: the field stops at the server's limit instead of a refusal later.
    await name.click();
    await page.keyboard.type("A".repeat(71));
    expect((await name.inputValue()).length).toBe(max);
    const message = `Please enter your name, up to ${max} characters (letters, digits, punctuation and single spaces).`;
    // Only spaces: refused here, with the same message.
    await name.fill("   ");
    await page.getByRole("button", { name: "Start the chat" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe(message);
    // A bidi override: the server refuses it (NICKNAME_INVALID), and the customer reads the same message.
    await name.fill("Ann\u202Eevil");
    await page.getByRole("button", { name: "Start the chat" }).click();
    await page.getByRole("button", { name: "Start the chat" }).waitFor();
    await expect.poll(() => page.getByRole("alert").textContent()).toBe(message);
    // A name of exactly the limit starts the chat.
    await name.fill("B".repeat(max));
    await page.getByRole("button", { name: "Start the chat" }).click();
    await page.locator("#parley-text").waitFor();
    await page.close();
  });
});

describe("the host page", () => {
  it("receives the widget's events in order, by postMessage and Parley.on; Parley.open and close drive the panel, even called before the script loaded", async () => {
    site.pages.set("/events", {
      before: 'Parley.on("ChatStarted", function (e) { window.startedChat = e.chatId; }); Parley.on("ChatFinished", function (e) { window.finished = e; }); Parley.open();',
    });
    const page = await browser.newPage();
    const starts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/v1/contacts")) starts.push(request.postData() ?? "");
    });
    await page.goto(`${site.origin}/events`);
    // The queued Parley.open() opened the panel once the widget ran.
    await page.locator(".panel").waitFor();
    expect(await waitForEvents(page, 2)).toEqual(["Loaded", "WidgetShown"]);
    await page.evaluate(() => (window as unknown as { Parley: { close(): void } }).Parley.close());
    await page.locator(".panel").waitFor({ state: "detached" });
    await page.getByRole("button", { name: "Open the chat" }).click();
    await startChat(page, "Noor");
    const chatId = (await savedChatId(page))!;
    const agent = await joinAsAgent(parley.url, tokens.ann!, chatId, "Ann");
    await page.getByText("Ann joined the chat").waitFor();
    await agent.sdk.LIVECHAT.endContact(agent.contact);
    await page.getByText("The chat has ended.").waitFor();
    await page.getByRole("button", { name: "Close the chat" }).first().click();
    const names = await waitForEvents(page, 9);
    expect(names).toEqual(["Loaded", "WidgetShown", "WidgetHidden", "WidgetClicked", "WidgetShown", "ChatStarted", "ChatOnline", "ChatFinished", "WidgetHidden"]);
    const events = await pageEvents(page);
    expect(events.filter((e) => e.chatId !== undefined).map((e) => [e.event, e.chatId])).toEqual([
      ["ChatStarted", chatId],
      ["ChatOnline", chatId],
      ["ChatFinished", chatId],
    ]);
    // The default survey (a 1–5 rating) follows: ChatFinished says so.
    expect(events.find((e) => e.event === "ChatFinished")?.survey).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { startedChat: string }).startedChat)).toBe(chatId);
    expect(await page.evaluate(() => (window as unknown as { finished: { survey: boolean } }).finished.survey)).toBe(true);
    // Without Parley.setAttributes, no call data is sent.
    expect(starts.map((body) => Object.keys(JSON.parse(body) as object))).toEqual([["nickname", "uri", "title", "userAgent", "context"]]);
    await agent.sdk.LIVECHAT.logout();
    await page.close();
  });

  it("sends what Parley.setAttributes gave as the chat's call data", async () => {
    site.pages.set("/attributes", {
      before: 'Parley.setAttributes({ customerNumber: "C-1042", "not a name": "x", tier: "gold" }); Parley.setAttributes({ visits: 3 });',
    });
    const page = await browser.newPage();
    await page.goto(`${site.origin}/attributes`);
    await openPanel(page);
    await page.getByLabel("Your name").fill("Ida");
    const [start] = await Promise.all([
      page.waitForRequest((request) => request.method() === "POST" && request.url().endsWith("/v1/contacts")),
      page.getByRole("button", { name: "Start the chat" }).click(),
    ]);
    const body = JSON.parse(start.postData() ?? "{}") as { callData?: Record<string, string> };
    expect(body.callData).toEqual({ customerNumber: "C-1042", tier: "gold", visits: "3" });
    await page.close();
  });
});

describe("languages", () => {
  const cases: { path: string; page: SitePage; locale?: string; open: string; start: string }[] = [
    { path: "/de", page: { lang: "de" }, open: "Chat öffnen", start: "Chat beginnen" },
    { path: "/pt", page: { lang: "pt-BR" }, open: "Abrir o chat", start: "Iniciar o chat" },
    { path: "/it", page: { lang: "de", attributes: 'data-lang="it"' }, open: "Apri la chat", start: "Inizia la chat" },
    { path: "/fr", page: { lang: "en", attributes: 'data-lang="fr"' }, open: "Ouvrir la discussion", start: "Commencer la discussion" },
    { path: "/browser", page: {}, locale: "es-ES", open: "Abrir el chat", start: "Iniciar el chat" },
    { path: "/other", page: { lang: "nl" }, locale: "nl-NL", open: "Open the chat", start: "Start the chat" },
  ];
  it.each(cases)("speaks the language of data-lang, else of the page, else of the browser: $path", async (item) => {
    site.pages.set(item.path, item.page);
    const context = await browser.newContext(item.locale === undefined ? {} : { locale: item.locale });
    const page = await context.newPage();
    await page.goto(`${site.origin}${item.path}`);
    await page.getByRole("button", { name: item.open }).click();
    await page.getByRole("button", { name: item.start }).waitFor();
    await context.close();
  });
});

describe("waiting for an agent", () => {
  it("keeps the greeting and shows the place in the queue and the estimated wait, live, until an agent joins", async () => {
    site.pages.set("/waiting", { lang: "en", server: relay.url });
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${site.origin}/waiting`);
    await openPanel(page);
    await startChat(page, "Maya");
    const chatId = (await savedChatId(page))!;
    const waiting = page.locator(".waiting");
    await waiting.getByText("Waiting for an agent").waitFor();
    await page.locator(".log").getByText("Hello! How can we help you today?").waitFor();
    await waitFor(() => relay.openSockets() >= 1, () => "the widget's socket through the relay");

    relay.inject({ t: "queuePosition", chatId, queue: "support", position: 2, etaSeconds: 180 });
    await waiting.getByText("You are number 2 in the queue.").waitFor();
    await waiting.getByText("Estimated wait: about 3 min.").waitFor();
    relay.inject({ t: "queuePosition", chatId, queue: "support", position: 1, etaSeconds: 40 });
    await waiting.getByText("You are number 1 in the queue.").waitFor();
    await waiting.getByText("Estimated wait: less than a minute.").waitFor();
    expect(await waiting.getAttribute("role")).toBe("status");
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 900, height: 720 });
    await page.screenshot({ path: `${SCREENSHOTS}widget-waiting.png` });

    const agent = await joinAsAgent(parley.url, tokens.ann!, chatId, "Ann");
    await page.getByText("Ann joined the chat").waitFor();
    await waiting.waitFor({ state: "detached" });
    // A late position after the agent joined changes nothing.
    relay.inject({ t: "queuePosition", chatId, queue: "support", position: 1, etaSeconds: 40 });
    await agent.contact.sendMessage("Hello Maya, I am Ann.");
    await page.getByText("Hello Maya, I am Ann.").waitFor();
    expect(await waiting.count()).toBe(0);
    await page.locator(".log").getByText("Hello! How can we help you today?").waitFor();
    await agent.sdk.LIVECHAT.logout();
    await page.close();
  });
});

describe("documents", () => {
  it("opens a document with a fresh link when clicked, after the first one expired", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${parley.url}/`);
    await openPanel(page);
    await startChat(page, "Omar");
    const agent = await joinAsAgent(parley.url, tokens.ann!, (await savedChatId(page))!, "Ann");
    await agent.contact.SendMultimediaMessage("DOCUMENT", { document: makePdf("Your invoice"), fileName: "invoice.pdf", documentType: "PDF" });
    const link = page.getByRole("link", { name: "Download invoice.pdf" });
    await link.waitFor();
    const first = (await link.getAttribute("href"))!;
    // The link the widget was given expires (here after 3 s; 5 minutes by default).
    await waitFor(async () => (await fetch(first)).status === 403, () => "the first signed link to expire");
    const media = first.slice(0, first.indexOf("?"));
    // The browser opens it in a new tab (which may turn into a download and close): its answer is read as it comes.
    const [download] = await Promise.all([
      context.waitForEvent("response", (response) => response.url().startsWith(`${media}?`) && response.url() !== first),
      link.click(),
    ]);
    // A newly signed link to the same file, which opens.
    expect(download.status()).toBe(200);
    await agent.sdk.LIVECHAT.logout();
    await context.close();
  });
});
