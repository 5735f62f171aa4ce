/**
 * Attacks on identity, over a real server: nicknames that forge lines, hide
 * text or pass for an agent; start pages that are scripts; password guessing
 * against one account from many addresses; and reading chats as an agent who
 * never joined them (the one access rule, auth/access.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePdf } from "../../../tests/support/media-files.js";
import { createAgent } from "../src/auth/agents.js";
import { RawClient, startContact, startServer, type Frame, type Running } from "./helpers.js";

const errorCode = (f: Frame) => (f.error as { code: string }).code;

describe("identity", () => {
  let run: Running;
  let aliceToken: string;
  let strangerToken: string;
  /** Each request from its own address, so the per-address limits never hide what is tested. */
  let address = 0;
  const nextAddress = () => `10.1.${Math.floor(address / 250)}.${(address++ % 250) + 1}`;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${run.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": nextAddress(), ...headers },
      body: JSON.stringify(body),
    });
  const startChat = (body: Record<string, unknown>) => post("/v1/contacts", body);
  const chatCount = async () => (await run.server.store.tenant("default").countContactsByState()).active;

  beforeAll(async () => {
    run = await startServer({ trustProxy: true });
    await createAgent(run.server.store.tenant("default"), { username: "alice", password: "alice-pass", nickname: "Alice Martin" });
    await createAgent(run.server.store.tenant("default"), { username: "support", password: "support-pass", nickname: "Support Team" });
    await createAgent(run.server.store.tenant("default"), { username: "stranger", password: "stranger-pass", nickname: "Sam" });
    const login = async (username: string, password: string) =>
      ((await (await post("/v1/auth/login", { username, password })).json()) as { token: string }).token;
    aliceToken = await login("alice", "alice-pass");
    strangerToken = await login("stranger", "stranger-pass");
  });
  afterAll(async () => {
    await run.stop();
  });

  describe("nicknames", () => {
    it.each([
      ["a right-to-left override", "Carla\u202Enimda"],
      ["a bidi isolate", "Carla\u2066x\u2069"],
      ["a zero-width space", "Ali\u200Bce"],
      ["a zero-width joiner", "Ca\u200Drla"],
      ["a zero-width joiner after an emoji, before a letter", "Carla \u{1F469}\u200Dx"],
      ["a byte order mark inside", "Car\uFEFFla"],
      ["a line separator", "Carla\u2028[12:00] Agent: hi"],
      ["a paragraph separator", "Carla\u2029x"],
      ["a newline inside", "Carla\n[12:00] Alice Martin: hi"],
      ["a tab", "Car\tla"],
      ["a no-break space", "Car\u00A0la"],
      ["two spaces in a row", "Carla  Smith"],
      ["a private-use character", "Carla\uE000"],
      ["a tag character", "Carla\u{E0041}"],
    ])("refuses %s, creating nothing", async (_label, nickname) => {
      const before = await chatCount();
      const response = await startChat({ nickname });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string; details: { maxLength: number } } };
      expect(body.error).toMatchObject({ code: "NICKNAME_INVALID", details: { maxLength: 64 } });
      // The message says what is allowed.
      expect(body.error.message).toContain("1 to 64 characters");
      expect(await chatCount()).toBe(before);
    });

    it("accepts an emoji joined by a zero-width joiner (one pictograph)", async () => {
      const response = await startChat({ nickname: "Carla \u{1F469}\u200D\u{1F4BB}" });
      expect(response.status).toBe(201);
    });

    it("stores nicknames NFC-normalised and trimmed, single inner spaces allowed", async () => {
      const response = await startChat({ nickname: "  Jose\u0301 Ramos  " });
      expect(response.status).toBe(201);
      expect(((await response.json()) as { user: { nickname: string } }).user.nickname).toBe("Jos\u00e9 Ramos");
    });

    it.each([
      ["an agent's display name", "Alice Martin"],
      ["an agent's username", "support"],
      ["another case", "SUPPORT TEAM"],
      ["Cyrillic look-alikes", "\u0410lic\u0435 M\u0430rtin"],
      ["Greek look-alikes", "\u0391lice \u039Cartin"],
      ["digits for letters", "A1ice Mart1n"],
      ["full-width letters", "\uFF33upport \uFF34eam"],
      ["an accent added", "Alicé Martin"],
      ["other spacing", "Support_Team"],
    ])("refuses %s as a customer's nickname (NICKNAME_RESERVED), creating nothing", async (_label, nickname) => {
      const before = await chatCount();
      const response = await startChat({ nickname });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ error: { code: "NICKNAME_RESERVED" } });
      expect(await chatCount()).toBe(before);
    });

    it("refuses an agent's look-alike when a customer rejoins under another name, but lets agents join as they like", async () => {
      const contact = await startContact(run.url, "Carla");
      const customer = await RawClient.connect(run.wsUrl, contact.token);
      expect(await customer.client.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
      expect(await customer.client.request({ t: "leave", chatId: contact.chatId })).toMatchObject({ ok: true });
      const renamed = await customer.client.request({ t: "join", chatId: contact.chatId, nickname: "Supp0rt Team" });
      expect(errorCode(renamed)).toBe("NICKNAME_RESERVED");
      expect(await customer.client.request({ t: "join", chatId: contact.chatId, nickname: "Carla B" })).toMatchObject({
        ok: true,
        result: { user: { nickname: "Carla B", isAgent: false } },
      });
      // An agent may join under a team name: its role travels with it.
      const agent = await RawClient.connect(run.wsUrl, aliceToken);
      const joined = await agent.client.request({ t: "join", chatId: contact.chatId, nickname: "Support Team" });
      expect(joined).toMatchObject({ ok: true, result: { user: { nickname: "Support Team", isAgent: true } } });
      customer.client.close();
      agent.client.close();
    });

    it("refuses format characters in an agent's join nickname too", async () => {
      const contact = await startContact(run.url, "Dora");
      const agent = await RawClient.connect(run.wsUrl, aliceToken);
      const refused = await agent.client.request({ t: "join", chatId: contact.chatId, nickname: "Alice\u200B" });
      expect(errorCode(refused)).toBe("NICKNAME_INVALID");
      agent.client.close();
    });
  });

  describe("start uri", () => {
    it.each([
      ["javascript:", "javascript:alert(document.cookie)"],
      ["JavaScript: with spaces", " JaVaScRiPt:alert(1)"],
      ["data:", "data:text/html,<script>alert(1)</script>"],
      ["file:", "file:///etc/passwd"],
      ["a relative path", "/pricing"],
      ["not a URL", "not a url"],
    ])("refuses %s with INVALID_URL, creating nothing", async (_label, uri) => {
      const before = await chatCount();
      const response = await startChat({ nickname: "Eve", uri });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: "INVALID_URL" } });
      expect(await chatCount()).toBe(before);
    });

    it("keeps an http(s) start page", async () => {
      const response = await startChat({ nickname: "Eve", uri: "https://shop.example/cart?x=1" });
      expect(response.status).toBe(201);
      const { contact } = (await response.json()) as { contact: { id: string } };
      expect((await run.server.store.tenant("default").getContact(contact.id))?.pageUri).toBe("https://shop.example/cart?x=1");
    });
  });

  describe("login backoff per account", () => {
    it("after 5 failures refuses further attempts for that username from any address, known or not", async () => {
      for (const username of ["alice", "nobody-here"]) {
        // Every attempt from another address, all at once: the per-address limit never applies,
        // and attempts in flight count before their passwords are checked.
        const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => post("/v1/auth/login", { username, password: `guess-${i}` })));
        const codes = await Promise.all(responses.map(async (r) => ((await r.json()) as { error: { code: string } }).error.code));
        expect(codes.filter((code) => code === "INVALID_CREDENTIALS")).toHaveLength(5);
        expect(codes.filter((code) => code === "RATE_LIMITED")).toHaveLength(3);
        const limited = responses.find((r) => r.status === 429);
        expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
      }
      // Another account is not affected.
      expect((await post("/v1/auth/login", { username: "support", password: "support-pass" })).status).toBe(200);
    });
  });

  describe("one read rule: any agent may read any chat, a customer only its own", () => {
    it("serves every route to an agent who never joined, and refuses another chat's customer", async () => {
      // A chat between a customer and Alice, with a document; the stranger agent never joins it.
      const contact = await startContact(run.url, "Fiona");
      const other = await startContact(run.url, "Gus");
      const customer = await RawClient.connect(run.wsUrl, contact.token);
      await customer.client.request({ t: "join", chatId: contact.chatId });
      const alice = await RawClient.connect(run.wsUrl, aliceToken);
      await alice.client.request({ t: "join", chatId: contact.chatId });
      const sent = await alice.client.request({
        t: "send",
        chatId: contact.chatId,
        clientId: "doc-1",
        kind: "media",
        messageType: "DOCUMENT",
        data: makePdf().toString("base64"),
        fileName: "offer.pdf",
      });
      const messageId = (sent.result as { id: string }).id;
      const participants = async () => (await run.server.store.tenant("default").getContact(contact.chatId))?.participants.map((p) => p.userId);
      const before = await participants();

      const asStranger = { authorization: `Bearer ${strangerToken}` };
      const routes = [
        `/v1/chats?q=${contact.chatId}`,
        `/v1/contacts/${contact.chatId}/messages/${messageId}/media`,
        `/livechat/default/downloadDocument/${contact.chatId}/${messageId}`,
        `/livechat/downloadDocument/${contact.chatId}/${messageId}`,
        `/livechat/default/getContactTranscriptByChatID/${contact.chatId}`,
      ];
      const statuses = await Promise.all(routes.map(async (path) => [path, (await fetch(`${run.url}${path}`, { headers: asStranger })).status]));
      expect(statuses).toEqual(routes.map((path) => [path, 200]));
      // Over the socket: joining to read history is allowed, and so is its signed link.
      const stranger = await RawClient.connect(run.wsUrl, strangerToken);
      expect(await stranger.client.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
      expect(await stranger.client.request({ t: "history", chatId: contact.chatId })).toMatchObject({ ok: true });
      const link = await stranger.client.request({ t: "media", chatId: contact.chatId, messageId, format: "link" });
      const path = (link.result as { url: string }).url;
      expect((await fetch(`${run.url}${path}`)).status).toBe(200);
      // Reading over REST added nobody; the socket join did (it is a join).
      expect((await participants())?.length).toBe((before?.length ?? 0) + 1);

      // Another chat's customer reads none of it; nor does it list chats or use the back office.
      const asOtherCustomer = { authorization: `Bearer ${other.token}` };
      const refused = await Promise.all(routes.map(async (path) => (await fetch(`${run.url}${path}`, { headers: asOtherCustomer })).status));
      expect(refused).toEqual([403, 403, 403, 403, 403]);
      // The chat's own customer reads its file, and not the back office.
      const own = { authorization: `Bearer ${contact.token}` };
      expect((await fetch(`${run.url}${routes[1]}`, { headers: own })).status).toBe(200);
      expect((await fetch(`${run.url}${routes[4]}`, { headers: own })).status).toBe(403);
      for (const client of [customer, alice, stranger]) client.client.close();
    });
  });
});
