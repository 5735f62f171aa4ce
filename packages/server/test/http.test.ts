import { ParleyMetrics } from "../src/metrics.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { DEFAULT_LIMITS } from "@parley/protocol";
import { createAgent } from "../src/auth/agents.js";
import { ApiKeys } from "../src/auth/api-keys.js";
import { TokenService } from "../src/auth/tokens.js";
import { FsBlobStore } from "../src/blobs/fs.js";
import { MemoryBus } from "../src/bus/memory.js";
import { ChatReplication } from "../src/chat/replication.js";
import { ChatService } from "../src/chat/service.js";
import { buildApp } from "../src/http/app.js";
import { createLogger } from "../src/logger.js";
import { ImageJobs } from "../src/media/image-jobs.js";
import { MediaLibrary } from "../src/media/library.js";
import { FanoutHub } from "../src/realtime/hub.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { SECRET, tempDir } from "./helpers.js";
import { AgentRoles } from "../src/auth/agent-roles.js";
import { TenantGate } from "../src/auth/tenant-gate.js";
import { TenantStatusWatch } from "../src/realtime/tenant-status.js";

describe("REST (in-process)", () => {
  let app: FastifyInstance;
  let store: SqliteStore;
  let chat: ChatService;
  let media: MediaLibrary;
  let blobs: FsBlobStore;
  let dir: ReturnType<typeof tempDir>;
  const tokens = new TokenService(SECRET);

  const appDeps = () => ({
    store,
    blobs,
    tenants: new TenantGate(store),
    roles: new AgentRoles(store),
    tenantStatus: new TenantStatusWatch(new MemoryBus(), new TenantGate(store), () => undefined, createLogger("silent")),
    chat,
    media,
    tokens,
    apiKeys: new ApiKeys({ stores: (tenant: string) => store.tenant(tenant) }),
    limits: DEFAULT_LIMITS,
    secret: SECRET,
    uploadsPerMinute: 60,
    contactsPerMinute: 3,
    loginsPerMinute: 5,
    metrics: new ParleyMetrics({ openConnections: () => 0, servedChats: () => 0, isBusConnected: () => true }),
    readiness: {},
  });

  beforeEach(async () => {
    dir = tempDir();
    store = new SqliteStore({ dataDir: dir.path });
    await store.migrate();
    const logger = createLogger("silent");
    const bus = new MemoryBus();
    const replication = new ChatReplication({ store, bus, logger });
    const hub = new FanoutHub({ source: replication, logger });
    blobs = new FsBlobStore({ dir: `${dir.path}/media` });
    const imageJobs = new ImageJobs({ concurrent: 2, queued: 32, perClient: 2 });
    media = new MediaLibrary({ store, blobs, limits: DEFAULT_LIMITS, spoolDir: `${dir.path}/spool`, secret: SECRET, imageJobs, imageTimeoutMs: 10_000 });
    chat = new ChatService({ store, bus, limits: DEFAULT_LIMITS, logger, media, replication, delivery: hub });
    app = buildApp({ ...appDeps(), logger, trustProxy: false });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    chat.close();
    await store.close();
    dir.remove();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: "POST", url, payload: typeof payload === "string" ? payload : JSON.stringify(payload), headers: { "content-type": "application/json", ...headers } });

  it("answers healthz and NOT_FOUND for unknown routes", async () => {
    expect((await app.inject("/healthz")).json()).toEqual({ status: "ok" });
    const missing = await app.inject("/nope");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("serves the SDK bundle with an ETag and answers a matching If-None-Match with 304", async () => {
    const first = await app.inject("/sdk/livechatsdk.js");
    expect(first.statusCode).toBe(200);
    expect(first.headers["content-type"]).toMatch(/^application\/javascript/);
    expect(first.body).toContain("LIVECHATSDK");
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await app.inject({ url: "/sdk/livechatsdk.js", headers: { "if-none-match": etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
  });

  it("starts a contact with a customer token for that chat", async () => {
    const response = await post("/v1/contacts", { nickname: "  Ann  ", uri: "https://shop.example/p", title: "Shop" });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ contact: { id: string }; user: { id: string; nickname: string; isAgent: boolean }; token: string }>();
    expect(body.contact.id).toMatch(/^CHAT_/);
    expect(body.user).toMatchObject({ nickname: "Ann", isAgent: false });
    expect(await tokens.verify(body.token)).toMatchObject({ role: "customer", chatId: body.contact.id, userId: body.user.id });
    const contact = await store.tenant("default").getContact(body.contact.id);
    expect(contact?.pageUri).toBe("https://shop.example/p");
    expect((await store.tenant("default").eventsAfter(body.contact.id, 0, 10)).map((e) => e.name)).toEqual(["userAdded"]);
  });

  it.each([
    ["bad JSON", "{nope", 400, "BAD_JSON"],
    ["an empty body", "", 400, "BAD_JSON"],
    ["a missing nickname", {}, 400, "VALIDATION_FAILED"],
    ["a wrong type", { nickname: 5 }, 400, "VALIDATION_FAILED"],
    ["an unknown field", { nickname: "A", admin: true }, 400, "VALIDATION_FAILED"],
    ["a blank nickname", { nickname: "   " }, 400, "NICKNAME_INVALID"],
    ["a control character", { nickname: "A\u0007" }, 400, "NICKNAME_INVALID"],
    ["a long nickname", { nickname: "x".repeat(65) }, 400, "NICKNAME_INVALID"],
  ])("refuses %s", async (_label, payload, status, code) => {
    const response = await post("/v1/contacts", payload);
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ error: { code } });
  });

  it("rate-limits contact creation per address with Retry-After", async () => {
    for (let i = 0; i < 3; i++) expect((await post("/v1/contacts", { nickname: "A" })).statusCode).toBe(201);
    const limited = await post("/v1/contacts", { nickname: "A" });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: "RATE_LIMITED", details: { retryAfterMs: expect.any(Number) } } });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await app.inject({ method: "POST", url: "/v1/contacts", payload: { nickname: "B" }, remoteAddress: "10.0.0.9" });
    expect(other.statusCode).toBe(201);
  });

  it("logs agents in, refusing bad credentials", async () => {
    await createAgent(store.tenant("default"), { username: "ann", password: "secret-pass", nickname: "Ann" });
    const ok = await post("/v1/auth/login", { username: "ann", password: "secret-pass" });
    expect(ok.statusCode).toBe(200);
    const body = ok.json<{ token: string; expiresAt: string; agent: { username: string } }>();
    expect(body.agent).toMatchObject({ username: "ann", nickname: "Ann" });
    expect(await tokens.verify(body.token)).toMatchObject({ role: "agent", username: "ann" });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    for (const creds of [{ username: "ann", password: "wrong-pass" }, { username: "bob", password: "secret-pass" }]) {
      const refused = await post("/v1/auth/login", creds);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ error: { code: "INVALID_CREDENTIALS" } });
    }
    expect((await post("/v1/auth/login", { username: "ann" })).json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });

  it("keys per-address limits on X-Forwarded-For only behind a trusted proxy", async () => {
    const fromClient = (ip: string) => post("/v1/contacts", { nickname: "Ann" }, { "x-forwarded-for": ip });
    // Not trusted (the default): a forged header does not buy a fresh allowance.
    for (let i = 0; i < 3; i++) expect((await fromClient(`203.0.113.${i}`)).statusCode).toBe(201);
    expect((await fromClient("203.0.113.99")).statusCode).toBe(429);

    const proxied = buildApp({ ...appDeps(), logger: createLogger("silent"), trustProxy: ["127.0.0.1"] });
    try {
      const send = (ip: string) =>
        proxied.inject({ method: "POST", url: "/v1/contacts", payload: { nickname: "Ann" }, headers: { "x-forwarded-for": ip } });
      for (let i = 0; i < 3; i++) expect((await send("198.51.100.1")).statusCode).toBe(201);
      expect((await send("198.51.100.1")).statusCode).toBe(429);
      // Another customer behind the same proxy has an allowance of its own.
      expect((await send("198.51.100.2")).statusCode).toBe(201);
    } finally {
      await proxied.close();
    }
  });

  it("rate-limits login attempts per address with Retry-After, right passwords included", async () => {
    await createAgent(store.tenant("default"), { username: "ann", password: "secret-pass" });
    // Guesses at another account, so the per-account backoff (login-backoff.test.ts) leaves "ann" alone.
    const guess = { username: "bob", password: "guess" };
    for (let i = 0; i < 5; i++) expect((await post("/v1/auth/login", guess)).statusCode).toBe(401);
    for (const creds of [guess, { username: "ann", password: "secret-pass" }]) {
      const limited = await post("/v1/auth/login", creds);
      expect(limited.statusCode).toBe(429);
      expect(limited.json()).toMatchObject({ error: { code: "RATE_LIMITED", details: { retryAfterMs: expect.any(Number) } } });
      const { retryAfterMs } = limited.json<{ error: { details: { retryAfterMs: number } } }>().error.details;
      // 5 per minute: one attempt comes back every 12 s, less whatever time the attempts took (scrypt is slow on a busy machine).
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(12_000);
      expect(Number(limited.headers["retry-after"])).toBe(Math.ceil(retryAfterMs / 1000));
    }
    // Counted before validation, like POST /v1/contacts.
    expect((await post("/v1/auth/login", { username: "ann" })).statusCode).toBe(429);
    // Another address is not affected, and the two routes have separate allowances.
    const other = await app.inject({ method: "POST", url: "/v1/auth/login", payload: { username: "ann", password: "secret-pass" }, remoteAddress: "10.0.0.9" });
    expect(other.statusCode).toBe(200);
    expect((await post("/v1/contacts", { nickname: "A" })).statusCode).toBe(201);
  });

  it("serves the back-office calls to agents only", async () => {
    const agent = await createAgent(store.tenant("default"), { username: "ann", password: "secret-pass" });
    const { token } = await tokens.issueAgent(agent);
    const started = (await post("/v1/contacts", { nickname: "C" })).json<{ contact: { id: string }; token: string }>();
    const chatId = started.contact.id;
    const auth = { authorization: `Bearer ${token}` };

    const sent = await post(`/livechat/default/sendTextMessageToActiveChat/${chatId}`, { text: "hello", nickname: "Ann" }, auth);
    expect(sent.json()).toMatchObject({ result: true, error: null, messageID: expect.stringMatching(/^MSG_/) });
    // A second call finds the agent in the chat already: it joins once.
    expect((await post(`/livechat/default/sendTextMessageToActiveChat/${chatId}`, { text: "again" }, auth)).json()).toMatchObject({ result: true });
    const events = await store.tenant("default").eventsAfter(chatId, 0, 10);
    expect(events.map((e) => e.name)).toEqual(["userAdded", "userAdded", "message", "message"]);
    const transcript = await app.inject({ url: `/livechat/default/getContactTranscriptByChatID/${chatId}?ctlivetoken=${token}` });
    expect(transcript.json()).toMatchObject({ result: true, isChatActive: true, chatTranscript: [{ messageType: "TEXT", content: { text: "hello" } }, { content: { text: "again" } }] });
    expect((await post("/livechat/default/endContactByChatID", { chatID: chatId }, { ctlivetoken: token })).json()).toMatchObject({ result: true });
    const after = await app.inject({ url: `/livechat/default/getContactTranscriptByChatID/${chatId}`, headers: auth });
    expect(after.json()).toMatchObject({ isChatActive: false });
    const late = await post(`/livechat/default/sendTextMessageToActiveChat/${chatId}`, { text: "late" }, auth);
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ result: false, code: "CONTACT_ENDED" });

    const noToken = await post(`/livechat/default/sendTextMessageToActiveChat/${chatId}`, { text: "x" });
    expect(noToken.statusCode).toBe(401);
    expect(noToken.json()).toMatchObject({ result: false, code: "AUTH_REQUIRED" });
    const customer = await post("/livechat/default/endContactByChatID", { chatID: chatId }, { authorization: `Bearer ${started.token}` });
    expect(customer.json()).toMatchObject({ result: false, code: "FORBIDDEN" });
  });
});
