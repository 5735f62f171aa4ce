/**
 * The agent console at /console, in headless Chromium against a real server,
 * with customers driven by the Node SDK: the live queue, joining, every kind
 * of message both ways, typing, ticks, several chats, a chat taken by another
 * agent, ending, the read-only transcript, a reload, and axe-core checks.
 * The steps share one page and run in order, as an agent's shift would.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { createLiveChatSdk, type Contact, type ContactEventMap } from "@parley/sdk";
import type { StartContactResponse } from "@parley/protocol";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { chatTab, queueItem, timeline } from "./support/console.js";
import { makeExe, makePdf, makePng } from "./support/media-files.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { nextEvent } from "./support/wait.js";

const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/console-${name}.png`, import.meta.url));

let server: InProcessServer;
let tokens: Record<string, string>;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const logouts: (() => Promise<void>)[] = [];

/** A customer whose chat was started over REST, then driven by the Node SDK. */
async function customer(nickname: string, firstMessage?: string): Promise<Contact> {
  const response = await fetch(`${server.url}/v1/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname }),
  });
  const started = (await response.json()) as StartContactResponse;
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  await sdk.LIVECHAT.login(started.token, false, false, () => {});
  logouts.push(() => sdk.LIVECHAT.logout());
  const contact = await sdk.LIVECHAT.joinContact(started.contact.id, nickname);
  if (firstMessage !== undefined) await contact.sendMessage(firstMessage);
  return contact;
}

function next<N extends keyof ContactEventMap>(contact: Contact, name: N, matches: (event: ContactEventMap[N]) => boolean = () => true) {
  return nextEvent<ContactEventMap[N]>((listener) => {
    contact.on(name, listener);
    return () => contact.off(name, listener);
  }, matches);
}

beforeAll(async () => {
  // Typing is rate-limited per chat (2/s by default); this shift types faster than an agent would.
  ({ server, tokens } = await startServerWithAgents(["alice", "bob"], { limits: { typingPerSecond: 50 } }));
  browser = await launchChromium();
  // bypassCSP lets the test inject axe-core into a page whose policy allows only its own scripts.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true, bypassCSP: true });
  page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => pageErrors.push(String(error)));
});

afterAll(async () => {
  for (const logout of logouts) await logout().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

describe("the agent console", () => {
  let carla: Contact;

  it("logs an agent in from an accessible form, refusing a wrong password", async () => {
    const response = await page.goto(`${server.url}/console`);
    expect(response?.headers()["content-type"]).toMatch(/^text\/html/);
    expect(response?.headers()["cache-control"]).toBe("no-cache");
    await page.getByLabel("Username").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").getByText("Wrong username or password.").waitFor();
    await page.getByLabel("Password").fill("alice-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByText("Logged in as").waitFor();
    await page.locator(".state-connected").waitFor();
  });

  it("shows a new chat in the live queue with its first message, and joins it", async () => {
    carla = await customer("Carla", "Hello, my parcel is late");
    const item = queueItem(page, "Carla");
    await item.getByText("Hello, my parcel is late").waitFor();
    await item.getByText(/waiting (just now|\d+ min)/).waitFor();
    // The title badge announces it.
    await page.waitForFunction(() => document.title.startsWith("("));
    const joined = next(carla, "userAdded", (event) => event.user.isAgent);
    await item.getByRole("button", { name: "Join the chat with Carla" }).click();
    expect((await joined).user.nickname).toBe("alice");
    await page.getByRole("heading", { name: "Chat with Carla" }).waitFor();
    await timeline(page).getByText("Hello, my parcel is late").waitFor();
    await queueItem(page, "Carla").waitFor({ state: "detached" });
  });

  it("exchanges text and links, text never as HTML, only http(s) links as links", async () => {
    await carla.sendMessage("<b>bold?</b> see https://example.com/order?id=1 or javascript:alert(1)");
    const text = timeline(page).locator(".message.theirs", { hasText: "<b>bold?</b>" });
    await text.waitFor();
    expect(await text.locator("b").count()).toBe(0);
    const anchor = text.locator("a");
    expect(await anchor.count()).toBe(1);
    expect(await anchor.getAttribute("href")).toBe("https://example.com/order?id=1");
    expect(await anchor.getAttribute("target")).toBe("_blank");
    expect(await anchor.getAttribute("rel")).toBe("noopener noreferrer");

    await carla.SendLink("https://example.com/track/42");
    await timeline(page).locator("a[href='https://example.com/track/42']").waitFor();

    const reply = next(carla, "message");
    await page.getByLabel("Message to Carla").fill("Let me check, Carla.");
    await page.getByLabel("Message to Carla").press("Enter");
    expect((await reply).content.text).toBe("Let me check, Carla.");
    const link = next(carla, "link");
    await page.getByLabel("Message to Carla").fill("https://parley.example/help");
    await page.getByLabel("Message to Carla").press("Enter");
    expect((await link).content.url).toBe("https://parley.example/help");
  });

  it("brings the ticks of the agent's messages to seen, and marks the customer's seen", async () => {
    const mine = timeline(page).locator(".message.mine", { hasText: "Let me check, Carla." });
    await mine.locator("[data-tick='received'], [data-tick='seen']").waitFor();
    const id = await mine.getAttribute("data-id");
    await carla.markSeen(id as string);
    await mine.locator("[data-tick='seen']").waitFor();
    // The console has Carla's chat on screen: her next message is marked seen at once.
    const seen = next(carla, "messageSeen");
    const sent = await carla.sendMessage("Thanks!");
    expect((await seen).messageID).toBe(sent);
  });

  it("shows typing both ways", async () => {
    carla.isWriting(true);
    await page.locator(".conversation .typing").getByText("Carla (customer) is typing…").waitFor();
    carla.isWriting(false);
    await page.locator(".conversation .typing").getByText("Carla (customer) is typing…").waitFor({ state: "detached" });
    const typing = next(carla, "isWriting", (event) => event.bwrite);
    await page.getByLabel("Message to Carla").fill("I am writing");
    expect((await typing).user.nickname).toBe("alice");
    await page.getByLabel("Message to Carla").fill("");
  });

  it("exchanges images and PDFs both ways, and refuses a program with a clear message", async () => {
    const png = await makePng({ width: 64, height: 48 });
    await carla.SendMultimediaMessage("IMAGE", { img: new Uint8Array(png), caption: "", fileName: "parcel.png" });
    const thumb = timeline(page).getByRole("button", { name: "Open parcel.png full size" });
    await thumb.locator("img[alt='parcel.png']").waitFor();
    await thumb.click();
    const viewer = page.getByRole("dialog", { name: "parcel.png" });
    await viewer.locator("img").waitFor();
    expect(await viewer.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
    await page.keyboard.press("Escape");
    await viewer.waitFor({ state: "detached" });

    const pdf = makePdf();
    await carla.SendMultimediaMessage("DOCUMENT", { document: new Uint8Array(pdf), caption: "", fileName: "receipt.pdf" });
    const documentItem = timeline(page).locator(".document", { hasText: "receipt.pdf" });
    await documentItem.locator(".doc-type", { hasText: "PDF" }).waitFor();
    await documentItem.getByText(`${pdf.length} B`).waitFor();
    const download = page.waitForEvent("download");
    await documentItem.getByRole("button", { name: "Download receipt.pdf" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("receipt.pdf");
    expect(Buffer.compare(await readFile(await file.path()), pdf)).toBe(0);

    // A program named like a PDF is refused with the server's reason; nothing is sent.
    await page.locator("#composer-file").setInputFiles({ name: "setup.pdf", mimeType: "application/pdf", buffer: makeExe() });
    await page.locator(".composer [role=alert]").getByText("(MEDIA_TYPE_NOT_ALLOWED)").waitFor();
    expect(await timeline(page).getByText("setup.pdf").count()).toBe(0);

    // The agent sends an image with the file picker…
    const image = next(carla, "multimediaMessage", (event) => event.messageType === "IMAGE");
    await page.locator("#composer-file").setInputFiles({ name: "map.png", mimeType: "image/png", buffer: await makePng({ width: 120, height: 80 }) });
    expect((await image).content.fileName).toBe("map.png");
    // A file that went through clears the earlier refusal.
    await page.locator(".composer [role=alert]").waitFor({ state: "detached" });
    await timeline(page).locator(".message.mine img[alt='map.png']").waitFor();
    // …and a PDF by dropping it on the conversation.
    const documentSent = next(carla, "multimediaMessage", (event) => event.messageType === "DOCUMENT");
    await page.evaluate((bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], "terms.pdf", { type: "application/pdf" }));
      document.querySelector(".conversation")?.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, [...pdf]);
    expect((await documentSent).content.fileName).toBe("terms.pdf");
    await timeline(page).locator(".message.mine .document", { hasText: "terms.pdf" }).waitFor();

  });

  it("keeps several chats open, counting the unread ones", async () => {
    const dan = await customer("Dan", "Is the shop open on Sunday?");
    await queueItem(page, "Dan").getByRole("button", { name: "Join the chat with Dan" }).click();
    await page.getByRole("heading", { name: "Chat with Dan" }).waitFor();
    await carla.sendMessage("Are you still there?");
    await chatTab(page, "Carla").locator(".unread").getByText("1").waitFor();
    await dan.sendMessage("Hello?");
    await timeline(page).getByText("Hello?").waitFor();
    await chatTab(page, "Carla").click();
    await page.getByRole("heading", { name: "Chat with Carla" }).waitFor();
    await timeline(page).getByText("Are you still there?").waitFor();
    expect(await chatTab(page, "Carla").locator(".unread").count()).toBe(0);
    // Nothing was lost by switching: the earlier messages are all still there.
    await timeline(page).getByText("Let me check, Carla.").waitFor();
    await timeline(page).locator("img[alt='parcel.png']").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshot("conversation") });
  });

  it("removes from the queue a chat another agent takes", async () => {
    const eve = await customer("Eve", "I would like to change my order");
    await customer("Finn", "Do you ship to Norway?");
    await queueItem(page, "Eve").waitFor();
    await queueItem(page, "Finn").getByText("Do you ship to Norway?").waitFor();
    await page.screenshot({ path: screenshot("queue") });
    const bob = createLiveChatSdk();
    bob.init({ serverUrl: server.url });
    await bob.LIVECHAT.login(tokens.bob as string, false, false, () => {});
    logouts.push(() => bob.LIVECHAT.logout());
    await bob.LIVECHAT.joinContact(eve.contact.id, "Bob");
    await queueItem(page, "Eve").waitFor({ state: "detached" });
    await queueItem(page, "Finn").waitFor();
  });

  it("marks every name with its role, so a customer named like an agent never passes for one", async () => {
    // A customer calls itself "Support Team"; then an agent joins under that very name.
    const impostor = await customer("Support Team", "Your refund is approved, send your card number");
    const queued = queueItem(page, "Support Team");
    await queued.locator(".role-customer").getByText("Customer").waitFor();
    await queued.getByRole("button", { name: "Join the chat with Support Team (customer)" }).click();
    await page.getByRole("heading", { name: "Chat with Support Team" }).locator(".role-customer").waitFor();
    const bob = createLiveChatSdk();
    bob.init({ serverUrl: server.url });
    await bob.LIVECHAT.login(tokens.bob as string, false, false, () => {});
    logouts.push(() => bob.LIVECHAT.logout());
    const bobContact = await bob.LIVECHAT.joinContact(impostor.contact.id, "Support Team");
    await bobContact.sendMessage("This is the real support team");

    const byCustomer = timeline(page).locator(".message", { hasText: "Your refund is approved" });
    const byAgent = timeline(page).locator(".message", { hasText: "This is the real support team" });
    await byAgent.waitFor();
    // The same name, two roles, told apart in words (not by colour alone).
    expect(await byCustomer.locator(".author").textContent()).toBe("Support Team");
    expect(await byAgent.locator(".author").textContent()).toBe("Support Team");
    expect(await byCustomer.locator(".role").textContent()).toBe("Customer");
    expect(await byAgent.locator(".role").textContent()).toBe("Agent");
    const participants = page.locator(".conversation .participants li", { hasText: "Support Team" });
    await participants.nth(1).waitFor();
    expect((await participants.locator(".role").allTextContents()).sort()).toEqual(["Agent", "Customer"]);
    await page.locator(".conversation .timeline .notice-item", { hasText: "Support Team (agent) joined the chat" }).waitFor();
    await chatTab(page, "Support Team").locator(".role-customer").waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Back to Carla, who tries to forge a line of the transcript with a line break.
    await chatTab(page, "Carla").click();
    await page.getByRole("heading", { name: "Chat with Carla" }).waitFor();
    await carla.sendMessage("fine\n[2026-01-01T12:00:00.000Z] [agent] alice: your refund is approved");
    await timeline(page).getByText("your refund is approved").waitFor();
  });

  it("ends a chat, for the customer too", async () => {
    const ended = next(carla, "contactEnded");
    await page.getByRole("button", { name: "End chat" }).click();
    await page.getByRole("dialog", { name: "End the chat with Carla?" }).getByRole("button", { name: "End chat" }).click();
    expect((await ended).user?.nickname).toBe("alice");
    await page.getByText("This chat has ended.").waitFor();
    expect(await page.getByLabel("Message to Carla").count()).toBe(0);
    // It joins the ended list without a search.
    await page.locator(`.ended-list .chat-tab[data-chat-id='${carla.contact.id}']`).waitFor();
  });

  it("reopens the ended chat read-only from a search, and downloads its transcript", async () => {
    await page.getByLabel("Search by nickname or chat id").fill("carl");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    const result = page.locator(".ended-list .chat-tab", { hasText: "Carla" });
    await result.click();
    await page.getByRole("heading", { name: "Transcript (read-only)" }).waitFor();
    await page.locator(".read-only .timeline").getByText("Let me check, Carla.").waitFor();
    expect(await page.locator(".read-only textarea").count()).toBe(0);
    // Searching by the chat id finds it too.
    await page.getByLabel("Search by nickname or chat id").fill(carla.contact.id);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.locator(`.ended-list .chat-tab[data-chat-id='${carla.contact.id}']`).waitFor();
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download transcript" }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`transcript-${carla.contact.id}.txt`);
    const text = await readFile(await file.path(), "utf8");
    expect(text).toContain("[customer] Carla: Hello, my parcel is late");
    expect(text).toContain("[agent] alice: Let me check, Carla.");
    expect(text).toContain("[customer] Carla: [document: receipt.pdf]");
    // One message, one line: the line break Carla typed is written as \n, and forges no agent's line.
    const lines = text.split("\n");
    expect(lines.filter((line) => line.includes("your refund is approved"))).toEqual([
      expect.stringMatching(/^\[[^\]]+\] \[customer\] Carla: fine\\n\[2026-01-01T12:00:00\.000Z\] \[agent\] alice: your refund is approved$/),
    ]);
    expect(lines.filter((line) => line.startsWith("[2026-01-01T12:00:00.000Z]"))).toEqual([]);
  });

  it("keeps the login and the open chats across a reload", async () => {
    await page.reload();
    await page.getByText("Logged in as").waitFor();
    expect(await page.getByLabel("Password").count()).toBe(0);
    await chatTab(page, "Dan").click();
    await timeline(page).getByText("Is the shop open on Sunday?").waitFor();
    await queueItem(page, "Finn").waitFor();
    expect(pageErrors).toEqual([]);
  });

  it("logs out, and asks for a login again when the kept token is refused", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByLabel("Username").waitFor();
    await page.reload();
    await page.getByLabel("Username").waitFor();
    await page.evaluate(() => {
      const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
      localStorage.setItem("parley.console.login", JSON.stringify({ token: "forged.token.value", expiresAt, agent: { id: "USER_x", username: "x", nickname: "X" } }));
    });
    await page.reload();
    await page.getByText("Your session has ended. Please log in again.").waitFor();
    expect(await page.evaluate(() => localStorage.getItem("parley.console.login"))).toBeNull();
  });
});
