/**
 * Tenants as the clients show them, in headless Chromium against a real
 * server whose tenants and agents were made with the real CLI: the widget's
 * `data-tenant` starts a chat in that company (its agents see it, another
 * company's do not) and keeps its saved chat apart; the console logs into a
 * second company and names it in the header; the super-administrator (an
 * admin of `default`) adds, edits, disables and enables a company; nobody
 * else is offered that view.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createLiveChatSdk, type Contact, type LiveChatSdk } from "@parley/sdk";
import type { ChatListResponse } from "@parley/protocol";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { queueItem } from "./support/console.js";
import { startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { addTenant, addTenantAgent, loginTo, tokenOf } from "./support/tenants.js";
import { openPanel, savedChatId, startChat } from "./support/widget.js";

const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}.png`, import.meta.url));

let server: InProcessServer;
let removeData: () => Promise<void>;
let dataDir: string;
let browser: Browser;
let shop: Server;
let shopUrl: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const logouts: (() => Promise<void>)[] = [];

/**
 * A company's shop on its own origin (a page the browser fetched for real: a routed one may not
 * open sockets to a local server), with the widget snippet naming the company (`/shop/acme`) or
 * not (`/shop/plain`).
 */
async function startShop(): Promise<void> {
  shop = createServer((request, response) => {
    const tenant = request.url?.split("/")[2] ?? "plain";
    const attribute = tenant === "plain" ? "" : ` data-tenant="${tenant}"`;
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><h1>Shop</h1><script src="${server.url}/widget.js" async${attribute}></script></body></html>`);
  });
  await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
}

/** A page of its own browser context, so each person keeps their own localStorage. */
async function newPage(): Promise<Page> {
  // bypassCSP lets axe-core be injected into the console, whose policy allows only its own scripts.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  return page;
}

/** An SDK session with an agent's token. */
async function agentSdk(token: string): Promise<LiveChatSdk> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  await sdk.LIVECHAT.login(token, false, false, () => {});
  logouts.push(() => sdk.LIVECHAT.logout());
  return sdk;
}

/** The ids of the chats an agent's `GET /v1/chats` lists with this status. */
async function listed(token: string, status: "waiting" | "active" | "ended"): Promise<string[]> {
  const response = await fetch(`${server.url}/v1/chats?status=${status}`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as ChatListResponse).chats.map((chat) => chat.id);
}

/** A chat started over REST, as a customer's page would (`tenant` left out: the server's choice). */
async function startContact(nickname: string, tenant?: string): Promise<string> {
  const response = await fetch(`${server.url}/v1/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(tenant === undefined ? { nickname } : { nickname, tenant }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { contact: { id: string } }).contact.id;
}

/** Logs in from the console's form as it is shown (the Company field only when it is). */
async function consoleLogin(page: Page, username: string): Promise<void> {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(`${username}-password`);
  await page.getByRole("button", { name: "Log in" }).click();
}

beforeAll(async () => {
  const data = await tempDataDir();
  dataDir = data.dir;
  removeData = data.remove;
  await addTenant(dataDir, "acme", ["--display-name", "Acme Inc."]);
  // root administers the install; dan is a plain agent of `default`; ann is acme's admin, and a
  // namesake ann works for `default`: the same username in two companies is two agents.
  await addTenantAgent(dataDir, "root", "default", "admin");
  await addTenantAgent(dataDir, "dan", "default");
  await addTenantAgent(dataDir, "ann", "acme", "admin");
  await addTenantAgent(dataDir, "ann", "default");
  server = await startServer({ dataDir });
  await startShop();
  browser = await launchChromium();
});

afterAll(async () => {
  for (const logout of logouts) await logout().catch(() => undefined);
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  shop?.close();
  await server?.close();
  await removeData?.();
});

describe("the widget's data-tenant", () => {
  let customer: Page;
  let chatId: string;
  let annSdk: LiveChatSdk;
  let annContact: Contact;
  let acmeAnn: string;
  let dan: string;

  it("starts the chat in that company: its agent sees and joins it, an agent of default does neither", async () => {
    // Acme's Ann online: the widget offers the chat, not the offline form.
    acmeAnn = await tokenOf(server.url, "acme", "ann");
    await agentSdk(acmeAnn);
    customer = await newPage();
    await customer.goto(`${shopUrl}/shop/acme`);
    await openPanel(customer);
    await startChat(customer, "Wendy");
    chatId = (await savedChatId(customer))!;
    expect(chatId).toMatch(/^CHAT_/);
    // The saved chat is kept under the company's own key.
    expect(await customer.evaluate(() => Object.keys(localStorage))).toContain(`parley:${server.url}#acme`);

    dan = await tokenOf(server.url, "default", "dan");
    expect(await listed(acmeAnn, "waiting")).toContain(chatId);
    expect(await listed(dan, "waiting")).not.toContain(chatId);

    const danSdk = await agentSdk(dan);
    await expect(danSdk.LIVECHAT.joinContact(chatId, "Dan")).rejects.toHaveProperty("code");

    annSdk = await agentSdk(acmeAnn);
    annContact = await annSdk.LIVECHAT.joinContact(chatId, "Ann");
    await customer.getByText("Ann joined the chat").waitFor();
    const received = new Promise<string>((resolve) => annContact.on("message", (event) => resolve(event.content.text)));
    const field = customer.locator("#parley-text");
    await field.fill("Hello from Acme's shop");
    await field.press("Enter");
    expect(await received).toBe("Hello from Acme's shop");
  });

  it("never resumes the company's chat on a page of the same site without data-tenant, and resumes it where the company is named", async () => {
    await customer.goto(`${shopUrl}/shop/plain`);
    await openPanel(customer);
    // No saved chat under this key: the name form, at once.
    await customer.getByLabel("Your name").waitFor();
    expect(await customer.locator("#parley-text").count()).toBe(0);

    await customer.goto(`${shopUrl}/shop/acme`);
    await openPanel(customer);
    await customer.locator(".msg.mine", { hasText: "Hello from Acme's shop" }).waitFor();
    expect(await savedChatId(customer)).toBe(chatId);
  });

  it("ends the chat, which then is among acme's ended chats only", async () => {
    await annSdk.LIVECHAT.endContact(annContact);
    await customer.getByText("The chat has ended.").waitFor();
    expect(await listed(acmeAnn, "ended")).toContain(chatId);
    expect(await listed(dan, "ended")).not.toContain(chatId);
  });
});

describe("the console in a second company", () => {
  let page: Page;

  it("logs into the company named by ?tenant=, names it in the header, and shows only its chats", async () => {
    // Started before the login, so the queue's first snapshot either holds them or not.
    await startContact("Dora");
    await startContact("Amos", "acme");
    page = await newPage();
    await page.goto(`${server.url}/console?tenant=acme`);
    expect(await page.getByLabel("Company").inputValue()).toBe("acme");
    expect(await seriousViolations(page)).toEqual([]);
    await consoleLogin(page, "ann");
    await page.getByText("Logged in as").waitFor();
    await page.locator(".state-connected").waitFor();
    await page.locator(".topbar .tenant", { hasText: "acme" }).waitFor();
    await queueItem(page, "Amos").waitFor();
    expect(await queueItem(page, "Dora").count()).toBe(0);
    // acme's admin administers acme only: no companies view.
    await page.locator(".topbar[data-companies='hidden']").waitFor();
    expect(await page.getByRole("button", { name: "Companies" }).count()).toBe(0);
  });

  it("reads a transcript of the company through its own :domain", async () => {
    const wendy = page.locator(".ended-list .chat-tab", { hasText: "Wendy" });
    await wendy.click();
    await page.getByRole("heading", { name: "Transcript (read-only)" }).waitFor();
    await page.locator(".read-only .timeline").getByText("Hello from Acme's shop").waitFor();
  });

  it("offers the last company again after logging out", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.goto(`${server.url}/console`);
    expect(await page.getByLabel("Company").inputValue()).toBe("acme");
  });

  it("tells an unknown company from a wrong password", async () => {
    await page.getByLabel("Company").fill("nobody-here");
    await consoleLogin(page, "ann");
    await page.getByRole("alert").getByText('There is no company named "nobody-here" here.').waitFor();
  });
});

describe("the companies view", () => {
  let page: Page;
  const row = (name: string) => page.locator(`.tenant-table tr[data-tenant='${name}']`);

  it("is not offered to an agent of default who is not an admin", async () => {
    const dan = await newPage();
    await dan.goto(`${server.url}/console`);
    await consoleLogin(dan, "dan");
    await dan.locator(".topbar[data-companies='hidden']").waitFor();
    expect(await dan.getByRole("button", { name: "Companies" }).count()).toBe(0);
    const refused = await fetch(`${server.url}/v1/tenants`, { headers: { authorization: `Bearer ${await tokenOf(server.url, "default", "dan")}` } });
    expect(refused.status).toBe(403);
  });

  it("is offered to an admin of default, whose login form is today's (no company field)", async () => {
    page = await newPage();
    await page.goto(`${server.url}/console`);
    await page.getByRole("button", { name: "Other company" }).waitFor();
    expect(await page.getByLabel("Company").count()).toBe(0);
    await consoleLogin(page, "root");
    await page.locator(".state-connected").waitFor();
    expect(await page.locator(".topbar .tenant").count()).toBe(0);
    await page.getByRole("button", { name: "Companies" }).click();
    await page.getByRole("heading", { name: "Companies" }).waitFor();
    await row("default").waitFor();
    await row("acme").getByText("Acme Inc.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("adds a company, and refuses a malformed or taken name with a reason", async () => {
    const add = page.locator(".tenant-form").last();
    await add.getByLabel("Name", { exact: true }).fill("Bad Name!");
    await add.getByRole("button", { name: "Add company" }).click();
    await add.getByRole("alert").getByText(/^Name: lowercase letters/).waitFor();

    await add.getByLabel("Name", { exact: true }).fill("acme");
    await add.getByRole("button", { name: "Add company" }).click();
    // The server's message and its code.
    await add.getByRole("alert").getByText(/\([A-Z_]+\)$/).waitFor();

    await add.getByLabel("Name", { exact: true }).fill("globex");
    await add.getByLabel("Display name").fill("Globex Corp");
    await add.getByLabel("Max agents").fill("2");
    await add.getByRole("button", { name: "Add company" }).click();
    await row("globex").getByText("Globex Corp").waitFor();
    await row("globex").getByText("Active").waitFor();
    await row("globex").getByText(/(at most 2|of 2)$/).waitFor();
    await page.screenshot({ path: screenshot("console-tenants") });
  });

  it("edits a company's retention", async () => {
    await page.getByRole("button", { name: "Edit acme" }).click();
    const edit = page.locator(".tenant-form").first();
    await edit.getByLabel("Keep chats (days)").fill("30");
    await edit.getByRole("button", { name: "Save" }).click();
    await row("acme").getByText("30 days").waitFor();
    const root = await tokenOf(server.url, "default", "root");
    const answer = (await (await fetch(`${server.url}/v1/tenants`, { headers: { authorization: `Bearer ${root}` } })).json()) as
      | { tenants: { name: string; retentionDays: number | null }[] }
      | { name: string; retentionDays: number | null }[];
    const tenants = Array.isArray(answer) ? answer : answer.tenants;
    expect(tenants.find((t) => t.name === "acme")?.retentionDays).toBe(30);
  });

  it("disables a company: its agents cannot log in, its widget cannot start a chat; enabling lets them back", async () => {
    await addTenantAgent(dataDir, "gus", "globex");
    expect((await loginTo(server.url, "globex", "gus")).status).toBe(200);
    await page.getByRole("button", { name: "Disable globex" }).click();
    await row("globex").getByText("Disabled").waitFor();
    const refused = await loginTo(server.url, "globex", "gus");
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe("TENANT_DISABLED");

    const gus = await newPage();
    await gus.goto(`${server.url}/console?tenant=globex`);
    await consoleLogin(gus, "gus");
    await gus.getByRole("alert").getByText("This company's account is disabled.").waitFor();

    await gus.goto(`${shopUrl}/shop/globex`);
    await openPanel(gus);
    await gus.getByLabel("Your name").fill("Greta");
    await gus.getByRole("button", { name: "Start the chat" }).click();
    await gus.getByText("The chat is not available at the moment (TENANT_DISABLED).").waitFor();

    await page.getByRole("button", { name: "Enable globex" }).click();
    await row("globex").getByText("Active").waitFor();
    expect((await loginTo(server.url, "globex", "gus")).status).toBe(200);
  });

  it("raised no error in any page", () => {
    expect(pageErrors).toEqual([]);
  });
});
