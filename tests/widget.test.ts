/**
 * The customer widget on the demo company page, in Chromium, against a real
 * server; the agent is the Node SDK on a real socket. One page goes through a
 * whole chat: start, an agent joins, text, links, images and documents both
 * ways, typing both ways, ticks up to "seen", a refused file, a reload that
 * brings everything back, going offline and back, and the end of the chat.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "./support/browser.js";
import { makeExe, makeJpeg, makeNoisyPng, makePdf, makePng } from "./support/media-files.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { joinAsAgent, keepAgentOnline, openPanel, savedChatId, startChat, type Agent } from "./support/widget.js";

const SCREENSHOTS = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));

let server: InProcessServer;
let tokens: Record<string, string>;
let online: (() => Promise<void>) | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let agent: Agent;
let chatId: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ server, tokens } = await startServerWithAgents(["ann"]));
  // An agent online: the widget offers the chat, not the offline form.
  online = await keepAgentOnline(server.url, tokens.ann!);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(String(error)));
});

afterAll(async () => {
  await online?.();
  await agent?.sdk.LIVECHAT.logout();
  await browser?.close();
  await server?.close();
});

/** The customer's own message bubbles and the agent's, inside the shadow root. */
const mine = () => page.locator(".msg.mine");
const theirs = () => page.locator(".msg.theirs");

/** Puts a file in the widget by dropping it on the panel, as a drag from the desktop does. */
async function dropFile(bytes: Buffer, name: string, type: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ([base64, fileName, mime]) => {
      const transfer = new DataTransfer();
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([data], fileName, { type: mime }));
      return transfer;
    },
    [bytes.toString("base64"), name, type] as const,
  );
  await page.locator(".panel").dispatchEvent("drop", { dataTransfer });
}

/** Pastes a file into the message field, as Ctrl+V of a copied screenshot does. */
async function pasteFile(bytes: Buffer, name: string, type: string): Promise<void> {
  await page.locator("#parley-text").evaluate(
    (field, [base64, fileName, mime]) => {
      const transfer = new DataTransfer();
      const data = Uint8Array.from(atob(base64!), (c) => c.charCodeAt(0));
      transfer.items.add(new File([data], fileName!, { type: mime }));
      field.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
    },
    [bytes.toString("base64"), name, type],
  );
}

describe("the customer widget on the demo page", () => {
  it("serves the company page with the one-line snippet and a link to the console", async () => {
    await page.goto(`${server.url}/`);
    expect(await page.locator('script[src="/widget.js"][async]').count()).toBe(1);
    expect(await page.locator('a[href="/console"]').count()).toBeGreaterThan(0);
    // Nothing of the widget is in the page's own DOM: it lives in a shadow root.
    expect(await page.evaluate(() => document.querySelectorAll(".panel, .launcher").length)).toBe(0);
  });

  it("starts a chat, and says who joined when an agent joins", async () => {
    await openPanel(page);
    await startChat(page, "Carla", "carla@example.com");
    chatId = (await savedChatId(page))!;
    expect(chatId).toMatch(/^CHAT_/);
    agent = await joinAsAgent(server.url, tokens.ann!, chatId, "Ann");
    await page.getByText("Ann joined the chat").waitFor();
  });

  it("sends text as text, Enter sends and Shift+Enter is a new line, links are links", async () => {
    const field = page.locator("#parley-text");
    await field.fill("<b>Hello</b>, my order: https://shop.example.com/orders/42.");
    await field.press("Enter");
    await waitFor(() => agent.of("message").length === 1, () => "the agent to get the first message");
    expect((agent.of("message")[0]!.content as { text: string }).text).toBe("<b>Hello</b>, my order: https://shop.example.com/orders/42.");
    const first = mine().first();
    await first.getByText("<b>Hello</b>, my order:", { exact: false }).waitFor();
    expect(await first.locator("b").count()).toBe(0);
    const link = first.locator("a");
    expect(await link.getAttribute("href")).toBe("https://shop.example.com/orders/42");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer");

    await field.type("line one");
    await field.press("Shift+Enter");
    await field.type("line two");
    await field.press("Enter");
    await waitFor(() => agent.of("message").length === 2, () => "the two-line message");
    expect((agent.of("message")[1]!.content as { text: string }).text).toBe("line one\nline two");

    // A lone URL goes as a link message.
    await field.fill("https://example.com/photo-of-the-bike");
    await field.press("Enter");
    await waitFor(() => agent.of("link").length === 1, () => "the customer's link");
  });

  it("shows delivered, then seen, ticks on the customer's messages", async () => {
    const status = () => mine().first().locator(".ticks").getAttribute("data-status");
    await waitFor(() => agent.of("message").length >= 1, () => "message");
    await page.locator('.msg.mine .ticks[data-status="received"]').first().waitFor();
    await agent.contact.markSeen(agent.of("message")[0]!.id as string);
    await page.locator('.msg.mine .ticks[data-status="seen"]').first().waitFor();
    expect(await status()).toBe("seen");
  });

  it("shows the agent typing, and tells the agent when the customer types", async () => {
    agent.contact.isWriting(true);
    await page.getByText("Ann is typing…").waitFor();
    await page.locator("#parley-text").type("I am wri");
    await waitFor(
      () => agent.of("isWriting").some((event) => event.bwrite === true && (event.user as { nickname: string }).nickname === "Carla"),
      () => "the agent to see the customer typing",
    );
    await page.locator("#parley-text").fill("");
  });

  it("receives text, links, an image and a PDF from the agent", async () => {
    const trackId = await agent.contact.sendMessage("Track it at https://example.com/track, or javascript:alert(1)");
    await agent.contact.SendLink("https://example.com/returns");
    await agent.contact.SendMultimediaMessage("IMAGE", { img: await makePng({ width: 400, height: 300 }), fileName: "wheel.png" });
    const invoice = makePdf();
    await agent.contact.SendMultimediaMessage("DOCUMENT", { document: invoice, fileName: "invoice.pdf" });
    const text = theirs().filter({ hasText: "Track it at" });
    await text.waitFor();
    expect(await text.locator("a").count()).toBe(1);
    expect(await text.locator("a").getAttribute("href")).toBe("https://example.com/track");
    await theirs().locator('a[href="https://example.com/returns"]').waitFor();
    // Shown in the open panel of a visible page: the widget marks it seen.
    await waitFor(() => agent.of("messageSeen").some((r) => r.messageID === trackId), () => "the agent's message to be seen");
    const image = theirs().locator(".thumb img");
    await image.waitFor();
    expect(await image.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    const documentLink = theirs().locator("a.file");
    await documentLink.waitFor();
    expect(await documentLink.getAttribute("href")).toContain(`/v1/contacts/${chatId}/messages/`);
    expect(await documentLink.getAttribute("download")).toBe("invoice.pdf");
    const download = await fetch((await documentLink.getAttribute("href"))!);
    expect(Buffer.from(await download.arrayBuffer()).equals(invoice)).toBe(true);
    // The image opens full size, and Escape closes the view.
    await theirs().locator(".thumb").click();
    await page.locator(".viewer img").waitFor();
    await page.keyboard.press("Escape");
    await page.locator(".viewer").waitFor({ state: "detached" });
    await page.screenshot({ path: `${SCREENSHOTS}widget-desktop.png` });
  });

  it("counts what arrives while the panel is closed, and marks it seen only once shown", async () => {
    await page.locator(".close").click();
    await page.locator(".panel").waitFor({ state: "detached" });
    const id = await agent.contact.sendMessage("Are you still there?");
    await page.locator(".launcher .badge").getByText("1").waitFor();
    expect(agent.of("messageSeen").some((r) => r.messageID === id)).toBe(false);
    await openPanel(page);
    await waitFor(() => agent.of("messageSeen").some((r) => r.messageID === id), () => "the message to be seen once the panel opened");
    expect(await page.locator(".launcher .badge").count()).toBe(0);
  });

  it("sends images and documents by picker, drag and drop and paste, with an upload progress bar", async () => {
    // Record every progress bar the widget shows while files go out.
    await page.evaluate(() => {
      const root = document.getElementById("parley-widget")!.shadowRoot!;
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        root.querySelectorAll("progress").forEach((bar) => seen.push(bar.value));
      }).observe(root, { childList: true, subtree: true, attributes: true });
    });
    // Large enough to be uploaded over HTTP rather than inline.
    const large = await makeNoisyPng(420, 420);
    expect(large.length).toBeGreaterThan(256 * 1024);
    await page.locator('input[type="file"]').setInputFiles({ name: "frame.png", mimeType: "image/png", buffer: large });
    await dropFile(makePdf(), "receipt.pdf", "application/pdf");
    await pasteFile(await makeJpeg({ width: 64, height: 48 }), "screenshot.jpg", "image/jpeg");
    await waitFor(() => agent.of("multimediaMessage").length === 3, () => "the agent to get three files");
    const received = agent.of("multimediaMessage").map((m) => `${m.messageType as string}:${(m.content as { fileName: string }).fileName}`);
    expect(received.sort()).toEqual(["DOCUMENT:receipt.pdf", "IMAGE:frame.png", "IMAGE:screenshot.jpg"]);
    expect(await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen.length)).toBeGreaterThan(0);
    await page.locator(".msg.mine .thumb img").nth(1).waitFor();
    await page.locator(".msg.mine a.file").waitFor();
  });

  it("says clearly when a file is refused", async () => {
    await page.locator('input[type="file"]').setInputFiles({ name: "setup.exe", mimeType: "application/octet-stream", buffer: makeExe() });
    const alert = page.getByRole("alert");
    await alert.getByText("setup.exe was not sent").waitFor();
    expect(await alert.textContent()).toContain("only PNG or JPEG images and PDF");
  });

  it("brings the whole conversation back after a reload", async () => {
    const before = await mine().count();
    const beforeTheirs = await theirs().count();
    await page.reload();
    await openPanel(page);
    await page.locator("#parley-text").waitFor();
    await page.getByText("line one").waitFor();
    expect(await mine().count()).toBe(before);
    expect(await theirs().count()).toBe(beforeTheirs);
    await page.getByText("Ann joined the chat").waitFor();
    // Ticks, images (thumbnails fetched again) and documents come back too.
    expect(await mine().first().locator(".ticks").getAttribute("data-status")).toBe("seen");
    await theirs().locator(".thumb img").waitFor();
    expect(await theirs().locator(".thumb img").getAttribute("src")).toMatch(/^data:image\/(png|jpeg);base64,/);
    await page.locator(".msg.mine .thumb img").nth(1).waitFor();
    await theirs().locator("a.file").waitFor();
    expect(await savedChatId(page)).toBe(chatId);
  });

  it("shows an offline banner, queues what is sent meanwhile, and resumes", async () => {
    await context.setOffline(true);
    await page.getByText("You are offline").waitFor();
    await page.locator("#parley-text").fill("sent while offline");
    await page.locator("#parley-text").press("Enter");
    // Held in the SDK's queue while offline, not lost and not yet committed.
    await page.locator('.msg.mine').last().locator('.ticks[data-status="pending"]').waitFor();
    expect(agent.of("message").some((m) => (m.content as { text: string }).text === "sent while offline")).toBe(false);
    await context.setOffline(false);
    await waitFor(
      () => agent.of("message").some((m) => (m.content as { text: string }).text === "sent while offline"),
      () => "the queued message to reach the agent",
    );
    await page.getByText("You are offline").waitFor({ state: "detached" });
    await page.locator(".msg.mine").last().locator('.ticks:not([data-status="pending"])').waitFor();
  });

  it("shows the end of the chat, and starts a new one", async () => {
    await agent.sdk.LIVECHAT.endContact(agent.contact);
    await page.getByText("The chat has ended.").waitFor();
    expect(await page.locator("#parley-text").count()).toBe(0);
    await page.getByRole("button", { name: "Start a new chat" }).click();
    await startChat(page, "Carla");
    const next = await savedChatId(page);
    expect(next).toMatch(/^CHAT_/);
    expect(next).not.toBe(chatId);
    expect(pageErrors).toEqual([]);
  });
});
