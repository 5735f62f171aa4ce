/**
 * The agents' view of all chats: the paged REST list (`GET /v1/chats`) and
 * the realtime chat feed (`watchChats`, `chatFeed` frames), on a real server
 * with real sockets, and across two nodes sharing a store and a bus.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgent } from "../src/auth/agents.js";
import { MemoryBroker, MemoryBus } from "../src/bus/memory.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { RawClient, SECRET, startContact, startServer, tempDir, type Frame, type Running } from "./helpers.js";

interface ListBody {
  chats: { id: string; status: string; nickname: string; firstMessage: { kind: string; text: string } | null; agents: { nickname: string; isPresent: boolean }[]; lastSeq: number }[];
  nextCursor: string | null;
}

let running: Running;
let agentToken: string;
let otherAgentToken: string;

beforeAll(async () => {
  running = await startServer({ contactsPerMinute: 10_000 });
  const ann = await createAgent(running.server.store.tenant("default"), { username: "ann", password: "secret-pass", nickname: "Ann" });
  const bob = await createAgent(running.server.store.tenant("default"), { username: "bob", password: "secret-pass", nickname: "Bob" });
  agentToken = (await running.server.tokens.issueAgent(ann)).token;
  otherAgentToken = (await running.server.tokens.issueAgent(bob)).token;
});
afterAll(async () => {
  await running?.stop();
});

const list = async (query: string, token: string | null = agentToken) => {
  const response = await fetch(`${running.url}/v1/chats${query}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as ListBody & { error?: { code: string; details?: { path?: string } } } };
};

describe("GET /v1/chats", () => {
  it("is for agents only", async () => {
    expect(await list("", null)).toMatchObject({ status: 401, body: { error: { code: "AUTH_REQUIRED" } } });
    const customer = await startContact(running.url, "Nosy");
    expect(await list("", customer.token)).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
    expect(await list("", "not-a-token")).toMatchObject({ status: 401 });
  });

  it("refuses bad queries with a coded error", async () => {
    for (const query of ["?status=open", "?limit=0", "?limit=201", "?limit=abc", "?cursor=bm9wZQ", "?colour=red", "?q="]) {
      const { status, body } = await list(query);
      expect([query, status, body.error?.code]).toEqual([query, 400, "VALIDATION_FAILED"]);
    }
    expect((await list("?cursor=bm9wZQ")).body.error?.details?.path).toBe("/cursor");
  });

  it("pages newest first without loss or repeat, and filters by status and search", async () => {
    const prefix = `Pager${Date.now()}`;
    const started: string[] = [];
    for (let i = 0; i < 5; i++) started.push((await startContact(running.url, `${prefix}-${i}`)).chatId);
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const { status, body } = await list(`?q=${prefix}&limit=2${cursor === "" ? "" : `&cursor=${cursor}`}`);
      expect(status).toBe(200);
      expect(body.chats.length).toBeLessThanOrEqual(2);
      seen.push(...body.chats.map((c) => c.id));
      cursor = body.nextCursor;
    }
    expect(seen).toEqual([...started].reverse());

    // A message, then an agent: the chat moves from waiting to active, and keeps its first message.
    const chatId = started[0] as string;
    const customer = await startContact(running.url, `${prefix}-talker`);
    const { client } = await RawClient.connect(running.wsUrl, customer.token);
    await client.request({ t: "join", chatId: customer.chatId });
    await client.request({ t: "send", chatId: customer.chatId, clientId: "a", kind: "text", text: "Where is my parcel?" });
    await client.request({ t: "send", chatId: customer.chatId, clientId: "b", kind: "link", url: "https://example.com/order/1" });
    let found = (await list(`?q=${encodeURIComponent(customer.chatId)}`)).body.chats;
    expect(found).toMatchObject([{ id: customer.chatId, status: "waiting", firstMessage: { kind: "text", text: "Where is my parcel?" }, lastSeq: 3 }]);
    const { client: agent } = await RawClient.connect(running.wsUrl, agentToken);
    await agent.request({ t: "join", chatId: customer.chatId });
    found = (await list(`?status=active&q=${prefix}-talker`)).body.chats;
    expect(found).toMatchObject([{ id: customer.chatId, status: "active", agents: [{ nickname: "Ann", isPresent: true }] }]);
    expect((await list(`?status=waiting&q=${prefix}-talker`)).body.chats).toEqual([]);
    await agent.request({ t: "end", chatId: customer.chatId });
    expect((await list(`?status=ended&q=${prefix.toLowerCase()}`)).body.chats.map((c) => c.id)).toEqual([customer.chatId]);
    expect((await list(`?status=waiting&q=${prefix}`)).body.chats.map((c) => c.id)).toContain(chatId);
    client.close();
    agent.close();
  });
});

describe("the chat feed", () => {
  const feedFrame = (client: RawClient, chatId: string, change: string) =>
    client.next((f) => f.t === "chatFeed" && f.change === change && ((f.chat as { id?: string } | undefined)?.id ?? f.chatId) === chatId);

  it("is for agents only", async () => {
    const customer = await startContact(running.url, "Peeker");
    const { client } = await RawClient.connect(running.wsUrl, customer.token);
    expect(await client.request({ t: "watchChats" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await client.request({ t: "watchChats", extra: 1 })).toMatchObject({ ok: false, error: { code: "INVALID_FRAME" } });
    client.close();
  });

  it("gives a snapshot of open chats, then every start, message, join, leave and end", async () => {
    const before = await startContact(running.url, "Early");
    const { client: watcher } = await RawClient.connect(running.wsUrl, agentToken);
    const snapshot = await watcher.request({ t: "watchChats" });
    const chats = (snapshot.result as { chats: { id: string; status: string }[] }).chats;
    expect(chats.find((c) => c.id === before.chatId)).toMatchObject({ status: "waiting" });
    expect(chats.every((c) => c.status !== "ended")).toBe(true);

    const contact = await startContact(running.url, "Fiona");
    expect(await feedFrame(watcher, contact.chatId, "started")).toMatchObject({ chat: { nickname: "Fiona", status: "waiting", agents: [], lastSeq: 1 } });
    const { client: customer } = await RawClient.connect(running.wsUrl, contact.token);
    await customer.request({ t: "join", chatId: contact.chatId });
    await customer.request({ t: "send", chatId: contact.chatId, clientId: "x", kind: "text", text: "Hello?" });
    expect(await feedFrame(watcher, contact.chatId, "message")).toMatchObject({ lastSeq: 2, message: { kind: "text", text: "Hello?", user: { nickname: "Fiona" } } });

    const { client: bob } = await RawClient.connect(running.wsUrl, otherAgentToken);
    await bob.request({ t: "join", chatId: contact.chatId });
    expect(await feedFrame(watcher, contact.chatId, "updated")).toMatchObject({ chat: { status: "active", agents: [{ nickname: "Bob", isPresent: true }], lastSeq: 3 } });
    // Messages of a chat an agent has are not the queue's business.
    await customer.request({ t: "send", chatId: contact.chatId, clientId: "y", kind: "text", text: "Hi Bob" });
    await bob.request({ t: "leave", chatId: contact.chatId });
    const left = await feedFrame(watcher, contact.chatId, "updated");
    expect(left).toMatchObject({ chat: { status: "waiting", agents: [{ nickname: "Bob", isPresent: false }], lastSeq: 5 } });
    await customer.request({ t: "end", chatId: contact.chatId });
    expect(await feedFrame(watcher, contact.chatId, "ended")).toMatchObject({ chat: { status: "ended", lastSeq: 6 } });
    expect(watcher.unconsumed.filter((f: Frame) => f.t === "chatFeed" && f.change === "message" && f.chatId === contact.chatId)).toEqual([]);
    for (const c of [watcher, customer, bob]) c.close();
  });
});

it("feeds agents on one node the chats started and taken on another", async () => {
  const dir = tempDir();
  const store = new SqliteStore({ dataDir: dir.path });
  const broker = new MemoryBroker();
  const a = await startServer({ store, bus: new MemoryBus({ broker }), secret: SECRET });
  const b = await startServer({ store, bus: new MemoryBus({ broker }), secret: SECRET });
  try {
    const agent = await createAgent(store.tenant("default"), { username: "cid", password: "secret-pass", nickname: "Cid" });
    const token = (await b.server.tokens.issueAgent(agent)).token;
    const { client: watcher } = await RawClient.connect(b.wsUrl, token);
    expect(await watcher.request({ t: "watchChats" })).toMatchObject({ ok: true, result: { chats: [] } });
    const contact = await startContact(a.url, "Remote");
    expect(await watcher.next((f) => f.t === "chatFeed" && f.change === "started")).toMatchObject({ chat: { id: contact.chatId, nickname: "Remote" } });
    const { client: taker } = await RawClient.connect(a.wsUrl, (await a.server.tokens.issueAgent(agent)).token);
    await taker.request({ t: "join", chatId: contact.chatId });
    expect(await watcher.next((f) => f.t === "chatFeed" && f.change === "updated")).toMatchObject({ chat: { id: contact.chatId, status: "active" } });
    watcher.close();
    taker.close();
  } finally {
    await a.stop();
    await b.stop();
    await store.close();
    dir.remove();
  }
});

it("drops malformed chat feed messages from the bus, and passes well-formed ones to the watchers of their tenant", async () => {
  const broker = new MemoryBroker();
  const node = await startServer({ bus: new MemoryBus({ broker }), secret: SECRET });
  const other = new MemoryBus({ broker });
  try {
    const agent = await createAgent(node.server.store.tenant("default"), { username: "dee", password: "secret-pass", nickname: "Dee" });
    const { client: watcher } = await RawClient.connect(node.wsUrl, (await node.server.tokens.issueAgent(agent)).token);
    await watcher.request({ t: "watchChats" });
    const chat = { id: "CHAT_00000000-0000-4000-8000-00000000000a", status: "waiting", nickname: "Zed", createdAt: "2026-01-01T00:00:00.000Z", endedAt: null, agents: [], lastSeq: 1 };
    await other.publish("chat-feed", { tenant: "default", update: { change: "started", chat: { ...chat, id: "not-a-chat-id" } } });
    await other.publish("chat-feed", { tenant: "default", update: { change: "exploded", chat } });
    await other.publish("chat-feed", "garbage");
    // Without a tenant, or another tenant's: never to this tenant's watchers.
    await other.publish("chat-feed", { change: "started", chat });
    await other.publish("chat-feed", { tenant: "acme", update: { change: "started", chat: { ...chat, nickname: "Other" } } });
    await other.publish("chat-feed", { tenant: "default", update: { change: "started", chat } });
    const frame = await watcher.next((f) => f.t === "chatFeed");
    expect(frame).toEqual({ t: "chatFeed", change: "started", chat });
    expect(watcher.unconsumed.filter((f) => f.t === "chatFeed")).toEqual([]);
    watcher.close();
  } finally {
    await other.close();
    await node.stop();
  }
});
