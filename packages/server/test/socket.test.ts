/** Real sockets on port 0 with raw ws clients sending raw frames. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgent } from "../src/auth/agents.js";
import { TokenService } from "../src/auth/tokens.js";
import { RawClient, SECRET, startContact, startServer, type Frame, type Running } from "./helpers.js";

const isEvent = (name: string, chatId?: string) => (f: Frame) => f.t === "event" && f.name === name && (chatId === undefined || f.chatId === chatId);
const errorCode = (f: Frame) => (f.error as { code: string }).code;

describe("WebSocket sessions", () => {
  let run: Running;
  let agentToken: string;
  let tokens: TokenService;

  beforeAll(async () => {
    run = await startServer({ limits: { maxTextLength: 100, maxFrameBytes: 4096, messagesPerSecond: 1, messagesBurst: 5 } });
    const agent = await createAgent(run.server.store.tenant("default"), { username: "ann", password: "secret-pass", nickname: "Ann" });
    tokens = new TokenService(SECRET);
    agentToken = (await tokens.issueAgent(agent)).token;
  });
  afterAll(async () => {
    await run.stop();
  });

  /** A customer and an agent in a fresh chat, both joined. */
  async function chatPair() {
    const contact = await startContact(run.url, "Carl");
    const customer = await RawClient.connect(run.wsUrl, contact.token);
    const agent = await RawClient.connect(run.wsUrl, agentToken);
    const joinedCustomer = await customer.client.request({ t: "join", chatId: contact.chatId });
    expect(joinedCustomer).toMatchObject({ ok: true });
    const joinedAgent = await agent.client.request({ t: "join", chatId: contact.chatId, nickname: "Ann (support)" });
    expect(joinedAgent).toMatchObject({ ok: true });
    await customer.client.next(isEvent("userAdded", contact.chatId));
    return { chatId: contact.chatId, customer: customer.client, agent: agent.client, customerToken: contact.token, customerUserId: contact.userId };
  }

  /** Proof the server still serves others: a fresh pair exchanges a message. */
  async function serverStillServes(): Promise<void> {
    const pair = await chatPair();
    const reply = await pair.customer.request({ t: "send", chatId: pair.chatId, clientId: "still-ok", kind: "text", text: "still there?" });
    expect(reply).toMatchObject({ ok: true });
    const event = await pair.agent.next(isEvent("message", pair.chatId));
    expect(event.data).toMatchObject({ content: { text: "still there?" } });
    pair.customer.close();
    pair.agent.close();
  }

  it("welcomes, joins, exchanges messages, receipts and typing", async () => {
    const contact = await startContact(run.url, "Carl");
    const { client: customer, welcome } = await RawClient.connect(run.wsUrl, contact.token);
    expect(welcome).toMatchObject({ identity: { role: "customer", chatId: contact.chatId, userId: contact.userId }, limits: { maxTextLength: 100 } });
    const first = await customer.request({ t: "join", chatId: contact.chatId });
    expect(first).toMatchObject({ ok: true, result: { lastSeq: 1, contact: { id: contact.chatId, status: "active" }, history: { messages: [], hasMore: false } } });

    const { client: agent } = await RawClient.connect(run.wsUrl, agentToken);
    const joined = await agent.request({ t: "join", chatId: contact.chatId, nickname: "Ann" });
    expect(joined).toMatchObject({ ok: true, result: { lastSeq: 2, user: { nickname: "Ann", isAgent: true, channel: "agent" } } });
    const added = await customer.next(isEvent("userAdded"));
    expect(added).toMatchObject({ seq: 2, data: { chatId: contact.chatId, user: { nickname: "Ann", isAgent: true } } });

    const sent = await customer.request({ t: "send", chatId: contact.chatId, clientId: "c1", kind: "text", text: "hi" });
    expect(sent).toMatchObject({ ok: true, result: { seq: 3, duplicate: false } });
    const id = (sent.result as { id: string }).id;
    const message = await agent.next(isEvent("message"));
    expect(message).toMatchObject({ seq: 3, data: { id, chatId: contact.chatId, messageType: "TEXT", content: { text: "hi", user: { id: contact.userId, nickname: "Carl", isAgent: false } } } });
    // The sender's own session gets its event too.
    await customer.next(isEvent("message"));

    const receipt = await agent.request({ t: "receipt", chatId: contact.chatId, messageId: id, kind: "received" });
    expect(receipt).toMatchObject({ ok: true, result: { seq: 4 } });
    expect(await customer.next(isEvent("messageReceived"))).toMatchObject({ data: { messageID: id } });
    expect(await agent.request({ t: "receipt", chatId: contact.chatId, messageId: id, kind: "received" })).toMatchObject({ result: { seq: null } });

    const link = await agent.request({ t: "send", chatId: contact.chatId, clientId: "l1", kind: "link", url: "https://example.com/x" });
    expect(link).toMatchObject({ ok: true, result: { seq: 5 } });
    expect(await customer.next(isEvent("link"))).toMatchObject({ data: { messageType: "LINK", content: { url: "https://example.com/x" } } });

    agent.send({ t: "typing", chatId: contact.chatId, bwrite: true });
    expect(await customer.next((f) => f.t === "signal")).toMatchObject({ name: "isWriting", data: { bwrite: true, user: { nickname: "Ann" } } });
    agent.send({ t: "typing", chatId: contact.chatId, bwrite: false });
    expect(await customer.next((f) => f.t === "signal")).toMatchObject({ data: { bwrite: false } });

    const history = await agent.request({ t: "history", chatId: contact.chatId, limit: 1 });
    expect(history).toMatchObject({ ok: true, result: { hasMore: true, messages: [{ data: { messageType: "LINK", seq: 5 } }] } });
    agent.send({ t: "ping", rid: 99 });
    expect(await agent.next((f) => f.t === "pong")).toEqual({ t: "pong", rid: 99 });
    customer.close();
    agent.close();
  });

  it("stops typing by itself when the writer's socket closes", async () => {
    const pair = await chatPair();
    pair.agent.send({ t: "typing", chatId: pair.chatId, bwrite: true });
    await pair.customer.next((f) => f.t === "signal" && (f.data as { bwrite: boolean }).bwrite);
    pair.agent.close();
    expect(await pair.customer.next((f) => f.t === "signal")).toMatchObject({ data: { bwrite: false } });
    pair.customer.close();
  });

  it("returns the original message for a repeated clientId", async () => {
    const pair = await chatPair();
    const frame = { t: "send", chatId: pair.chatId, clientId: "same", kind: "text", text: "once" };
    const first = await pair.customer.request(frame);
    const again = await pair.customer.request(frame);
    expect(again.result).toEqual({ ...(first.result as object), duplicate: true });
    const page = await pair.agent.request({ t: "history", chatId: pair.chatId });
    expect((page.result as { messages: unknown[] }).messages).toHaveLength(1);
    pair.customer.close();
    pair.agent.close();
  });

  it("refuses a repeated clientId carrying another message with CLIENT_ID_REUSED and changes nothing", async () => {
    const pair = await chatPair();
    const send = (extra: Record<string, unknown>) => pair.customer.request({ t: "send", chatId: pair.chatId, clientId: "k1", ...extra });
    const first = await send({ kind: "text", text: "pay 10" });
    expect(first).toMatchObject({ ok: true, result: { duplicate: false } });
    await pair.agent.next(isEvent("message", pair.chatId));
    for (const other of [{ kind: "text", text: "pay 1000" }, { kind: "text", text: "pay 10 " }, { kind: "link", url: "https://example.com/pay" }]) {
      const refused = await send(other);
      expect(refused).toMatchObject({ ok: false, error: { code: "CLIENT_ID_REUSED", details: { clientId: "k1" } } });
    }
    // The identical repeat still returns the original.
    expect((await send({ kind: "text", text: "pay 10" })).result).toEqual({ ...(first.result as object), duplicate: true });
    // The same clientId is the agent's own to use: it is per sender.
    expect(await pair.agent.request({ t: "send", chatId: pair.chatId, clientId: "k1", kind: "link", url: "https://example.com/pay" })).toMatchObject({ ok: true, result: { duplicate: false } });
    // Nothing else was stored or broadcast: the next event the agent sees is its own link.
    const firstSeq = (first.result as { seq: number }).seq;
    expect(await pair.agent.next((f) => f.t === "event" && (f.seq as number) > firstSeq)).toMatchObject({ name: "link", seq: firstSeq + 1 });
    const page = await pair.agent.request({ t: "history", chatId: pair.chatId });
    expect((page.result as { messages: { data: { content: unknown } }[] }).messages.map((m) => m.data.content)).toMatchObject([{ text: "pay 10" }, { url: "https://example.com/pay" }]);
    pair.customer.close();
    pair.agent.close();
  });

  it.each([
    ["malformed JSON", "{oops", "BAD_JSON"],
    ["an unknown frame type", JSON.stringify({ t: "dance" }), "UNKNOWN_FRAME"],
    ["a missing field", JSON.stringify({ t: "send" }), "INVALID_FRAME"],
  ])("answers %s with an error frame and stays open", async (_label, raw, code) => {
    const pair = await chatPair();
    pair.customer.send(raw);
    const error = await pair.customer.next((f) => f.t === "error");
    expect(errorCode(error)).toBe(code);
    expect(await pair.customer.request({ t: "history", chatId: pair.chatId })).toMatchObject({ ok: true });
    pair.customer.close();
    pair.agent.close();
    await serverStillServes();
  });

  it("answers bad requests with coded replies and changes nothing", async () => {
    const pair = await chatPair();
    const c = pair.customer;
    const send = (extra: Record<string, unknown>) => c.request({ t: "send", chatId: pair.chatId, clientId: `x${Math.random()}`.replace(".", ""), kind: "text", text: "ok", ...extra });
    expect(errorCode(await c.request({ t: "join", chatId: 42 }))).toBe("INVALID_FRAME");
    expect((await c.request({ t: "join", chatId: 42 })).error).toMatchObject({ details: { path: "/chatId" } });
    expect(errorCode(await c.request({ t: "dance" }))).toBe("UNKNOWN_FRAME");
    expect(errorCode(await send({ text: "x".repeat(101) }))).toBe("TEXT_TOO_LONG");
    expect(errorCode(await send({ text: "   " }))).toBe("TEXT_EMPTY");
    expect(errorCode(await send({ kind: "link", text: undefined, url: "javascript:alert(1)" }))).toBe("INVALID_URL");
    expect(errorCode(await send({ kind: "link", text: undefined, url: "/relative" }))).toBe("INVALID_URL");
    expect(errorCode(await c.request({ t: "receipt", chatId: pair.chatId, messageId: "MSG_eaa2e7c0-9c26-40db-b720-d777ab68078d", kind: "seen" }))).toBe("MESSAGE_NOT_FOUND");
    const otherChat = "CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d";
    expect(errorCode(await send({ chatId: otherChat }))).toBe("CONTACT_NOT_FOUND");
    // A chat that exists but that this session has not joined.
    const strangers = await startContact(run.url, "Stranger");
    expect(errorCode(await send({ chatId: strangers.chatId }))).toBe("NOT_A_PARTICIPANT");
    expect(errorCode(await pair.agent.request({ t: "join", chatId: otherChat }))).toBe("CONTACT_NOT_FOUND");
    c.send({ t: "hello", token: "x", v: 1 });
    expect(errorCode(await c.next((f) => f.t === "error"))).toBe("ALREADY_AUTHENTICATED");
    // Soft limit: a frame over maxFrameBytes (4096) is refused, the socket stays open.
    c.send({ t: "send", rid: 500, chatId: pair.chatId, clientId: "big", kind: "text", text: "x".repeat(5000) });
    expect(errorCode(await c.next((f) => f.t === "error"))).toBe("FRAME_TOO_LARGE");
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(errorCode(await c.next((f) => f.t === "error"))).toBe("BINARY_NOT_SUPPORTED");
    // Nothing was stored by any of it.
    const page = await c.request({ t: "history", chatId: pair.chatId });
    expect(page.result).toMatchObject({ messages: [] });
    c.close();
    pair.agent.close();
    await serverStillServes();
  });

  it("closes with 1009 above the hard frame limit, without harming others", async () => {
    const pair = await chatPair();
    pair.customer.send("x".repeat(4 * 4096 + 10));
    expect((await pair.customer.whenClosed()).code).toBe(1009);
    pair.agent.close();
    await serverStillServes();
  });

  it("rate-limits sends per connection", async () => {
    const pair = await chatPair();
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) => pair.agent.request({ t: "send", chatId: pair.chatId, clientId: `r${i}`, kind: "text", text: `m${i}` })),
    );
    const limited = replies.filter((r) => r.ok === false);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.error).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterMs: expect.any(Number) } });
    pair.customer.close();
    pair.agent.close();
    await serverStillServes();
  });

  it("refuses frames before hello (4400) and bad tokens (4401, 4402)", async () => {
    const early = await RawClient.open(run.wsUrl);
    early.send({ t: "join", rid: 1, chatId: "CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d" });
    expect(errorCode(await early.next((f) => f.t === "error"))).toBe("HELLO_REQUIRED");
    expect((await early.whenClosed()).code).toBe(4400);

    const agent = await run.server.store.tenant("default").findAgentByUsername("ann");
    if (agent === undefined) throw new Error("no agent");
    const cases: [string, number, string][] = [
      ["not-a-token", 4401, "AUTH_INVALID_TOKEN"],
      [(await new TokenService("forged-secret-0123456789-abcdefghijklmn").issueAgent(agent)).token, 4401, "AUTH_INVALID_TOKEN"],
      [(await tokens.issueAgent(agent, -60)).token, 4402, "AUTH_TOKEN_EXPIRED"],
    ];
    for (const [token, code, errorName] of cases) {
      const client = await RawClient.open(run.wsUrl);
      client.send({ t: "hello", token, v: 1 });
      expect(errorCode(await client.next((f) => f.t === "error"))).toBe(errorName);
      expect((await client.whenClosed()).code).toBe(code);
    }
    await serverStillServes();
  });

  it("stores one contactEnded when the customer and the agent end the chat at the same moment", async () => {
    const pair = await chatPair();
    const [byCustomer, byAgent] = await Promise.all([
      pair.customer.request({ t: "end", chatId: pair.chatId }),
      pair.agent.request({ t: "end", chatId: pair.chatId }),
    ]);
    // Both are answered ok; the one that lost the race changed nothing.
    expect([byCustomer, byAgent].map((reply) => reply.ok)).toEqual([true, true]);
    const seqs = [byCustomer, byAgent].map((reply) => (reply.result as { seq: number | null }).seq);
    expect(seqs.filter((seq) => seq === null)).toHaveLength(1);
    const events = await run.server.store.tenant("default").eventsAfter(pair.chatId, 0, 100);
    expect(events.filter((event) => event.name === "contactEnded")).toHaveLength(1);
  });

  it("lets a customer token open its own chat only", async () => {
    const mine = await startContact(run.url, "Me");
    const theirs = await startContact(run.url, "Them");
    const { client } = await RawClient.connect(run.wsUrl, mine.token);
    expect(errorCode(await client.request({ t: "join", chatId: theirs.chatId }))).toBe("FORBIDDEN");
    expect(await client.request({ t: "join", chatId: mine.chatId })).toMatchObject({ ok: true });
    client.close();
    await serverStillServes();
  });

  it("ends a chat: refuses sends, typing and new joins, but replays to a resuming participant", async () => {
    const pair = await chatPair();
    await pair.customer.request({ t: "send", chatId: pair.chatId, clientId: "before", kind: "text", text: "bye" });
    const ended = await pair.agent.request({ t: "end", chatId: pair.chatId });
    expect(ended).toMatchObject({ ok: true, result: { seq: expect.any(Number) } });
    const event = await pair.customer.next(isEvent("contactEnded"));
    expect(event.data).toMatchObject({ chatId: pair.chatId, reason: "endedByParticipant", user: { isAgent: true } });
    expect(errorCode(await pair.customer.request({ t: "send", chatId: pair.chatId, clientId: "after", kind: "text", text: "x" }))).toBe("CONTACT_ENDED");
    pair.customer.send({ t: "typing", chatId: pair.chatId, bwrite: true });
    expect(errorCode(await pair.customer.next((f) => f.t === "error"))).toBe("CONTACT_ENDED");
    expect(await pair.agent.request({ t: "end", chatId: pair.chatId })).toMatchObject({ result: { seq: null } });

    const other = await run.server.tokens.issue({ userId: "USER_00000000-0000-4000-8000-000000000001", tenant: "default", role: "agent", nickname: "Bob", username: "bob" }, 60);
    const { client: bob } = await RawClient.connect(run.wsUrl, other.token);
    expect(errorCode(await bob.request({ t: "join", chatId: pair.chatId }))).toBe("CONTACT_ENDED");

    // The customer reconnects and resumes from seq 2: everything up to the end is replayed before the reply.
    pair.customer.close();
    const { client: again } = await RawClient.connect(run.wsUrl, pair.customerToken);
    const rid = 77;
    again.send({ t: "join", rid, chatId: pair.chatId, afterSeq: 2 });
    const reply = await again.next((f) => f.t === "reply" && f.rid === rid);
    expect(reply).toMatchObject({ ok: true });
    const replayed = again.unconsumed.filter((f) => f.t === "event").map((f) => [f.seq, f.name]);
    const lastSeq = (reply.result as { lastSeq: number }).lastSeq;
    expect(replayed).toEqual([
      [3, "message"],
      [4, "contactEnded"],
    ]);
    expect(lastSeq).toBe(4);
    again.close();
    bob.close();
    pair.agent.close();
  });

  it("resumes after a drop: missed events replay in order, then live ones follow, each once", async () => {
    const pair = await chatPair();
    pair.customer.close();
    // Four missed plus one live message: within this server's burst of five.
    for (let i = 0; i < 4; i++) {
      await pair.agent.request({ t: "send", chatId: pair.chatId, clientId: `m${i}`, kind: "text", text: `missed ${i}` });
    }
    const { client } = await RawClient.connect(run.wsUrl, pair.customerToken);
    client.send({ t: "join", rid: 1, chatId: pair.chatId, afterSeq: 2 });
    // A live event sent while the resume runs must come after the reply, exactly once.
    const live = pair.agent.request({ t: "send", chatId: pair.chatId, clientId: "live", kind: "text", text: "live" });
    const reply = await client.next((f) => f.t === "reply" && f.rid === 1);
    expect(await live).toMatchObject({ ok: true });
    const last = await client.next((f) => f.t === "event" && (f.data as { content?: { text?: string } }).content?.text === "live").catch(() => undefined);
    const lastSeq = (reply.result as { lastSeq: number }).lastSeq;
    const before = client.unconsumed.filter((f) => f.t === "event").map((f) => f.seq as number);
    const all = [...before, ...(last === undefined ? [] : [last.seq as number])].sort((a, b) => a - b);
    expect(all).toEqual([3, 4, 5, 6, 7]);
    expect(lastSeq).toBeGreaterThanOrEqual(6);
    client.close();
    pair.agent.close();
  });

  it("limits participants per chat", async () => {
    const small = await startServer({ limits: { maxParticipants: 2 } });
    try {
      const contact = await startContact(small.url);
      const agents = await Promise.all(
        [1, 2].map((n) => small.server.tokens.issue({ userId: `USER_00000000-0000-4000-8000-00000000000${n}`, tenant: "default", role: "agent", nickname: `A${n}`, username: `a${n}` }, 60)),
      );
      const [first, second] = await Promise.all(agents.map((a) => RawClient.connect(small.wsUrl, a.token)));
      expect(await first?.client.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
      expect(errorCode((await second?.client.request({ t: "join", chatId: contact.chatId })) as Frame)).toBe("PARTICIPANTS_LIMIT");
      first?.client.close();
      second?.client.close();
    } finally {
      await small.stop();
    }
  });
});

describe("socket lifecycle", () => {
  it("closes a silent socket with 4408 and all sockets with 4503 on shutdown", async () => {
    const run = await startServer({ helloTimeoutMs: 100 });
    try {
      const silent = await RawClient.open(run.wsUrl);
      expect((await silent.whenClosed()).code).toBe(4408);
      const contact = await startContact(run.url);
      const { client } = await RawClient.connect(run.wsUrl, contact.token);
      await client.request({ t: "join", chatId: contact.chatId });
      const closed = client.whenClosed();
      await run.server.close();
      expect((await closed).code).toBe(4503);
    } finally {
      await run.stop();
    }
  });
});

describe("hello deadlines", () => {
  it("closes each socket that stays silent past its own deadline, and none that said hello in time", async () => {
    const run = await startServer({ helloTimeoutMs: 300 });
    try {
      const contact = await startContact(run.url);
      const first = await RawClient.open(run.wsUrl);
      const { client: greeted } = await RawClient.connect(run.wsUrl, contact.token);
      const last = await RawClient.open(run.wsUrl);
      expect((await first.whenClosed()).code).toBe(4408);
      expect((await last.whenClosed()).code).toBe(4408);
      // The last silent socket connected after the greeted one: its deadline has passed too, yet it is open.
      expect(greeted.closed).toBeUndefined();
      expect(await greeted.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
      greeted.close();
    } finally {
      await run.stop();
    }
  });
});

describe("backpressure and heartbeats", () => {
  /** A server with an agent; `agent(name)` logs in another agent and opens a socket for it. */
  async function serverWithChat(options: Parameters<typeof startServer>[0]) {
    const run = await startServer(options);
    const tokens = new TokenService(SECRET);
    const agent = async (username: string) => {
      const record = await createAgent(run.server.store.tenant("default"), { username, password: "secret-pass", nickname: username });
      const { client } = await RawClient.connect(run.wsUrl, (await tokens.issueAgent(record)).token);
      return client;
    };
    const contact = await startContact(run.url, "Carl");
    return { run, agent, contact };
  }

  it("closes a socket that stops reading with 4429 while the others receive every message", async () => {
    const MESSAGES = 160;
    const TEXT_LENGTH = 100_000;
    // 16 MB in all: well above what the kernel's socket buffers absorb (a few MB on loopback) plus the high watermark.
    const { run, agent, contact } = await serverWithChat({
      limits: { maxTextLength: TEXT_LENGTH, messagesPerSecond: 10_000, messagesBurst: 10_000 },
      watermarks: { lowBytes: 16 * 1024, highBytes: 256 * 1024 },
    });
    try {
      const { client: slow } = await RawClient.connect(run.wsUrl, contact.token);
      expect(await slow.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
      const sender = await agent("sender");
      const watcher = await agent("watcher");
      const joined = await sender.request({ t: "join", chatId: contact.chatId });
      expect(await watcher.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
      const firstSeq = (joined.result as { lastSeq: number }).lastSeq + 2;
      // The slow client has said hello and joined; now it stops reading (ws's public pause()).
      slow.ws.pause();

      // Sent one at a time, each awaited by both fast participants before the next: their queues stay
      // near empty (they share this process's event loop), while the slow one's grows without bound.
      const sent: number[] = [];
      for (let i = 0; i < MESSAGES; i++) {
        const text = `${String(i).padStart(4, "0")}${"x".repeat(TEXT_LENGTH - 4)}`;
        const reply = await sender.request({ t: "send", chatId: contact.chatId, clientId: `bp${i}`, kind: "text", text });
        expect(reply).toMatchObject({ ok: true, result: { seq: firstSeq + i } });
        sent.push(firstSeq + i);
        for (const fast of [sender, watcher]) {
          const event = await fast.next(isEvent("message", contact.chatId));
          expect(event.seq).toBe(firstSeq + i);
          expect((event.data as { content: { text: string } }).content.text.slice(0, 4)).toBe(String(i).padStart(4, "0"));
        }
      }
      // Every fast participant got every message, in order, and is still connected.
      expect(sender.closed).toBeUndefined();
      expect(watcher.closed).toBeUndefined();

      // Reading again, the slow client drains what was queued before the close, then gets the close frame.
      slow.ws.resume();
      expect(await slow.whenClosed(15_000)).toMatchObject({ code: 4429 });
      // What it did get is an in-order, gap-free prefix: stored events are never dropped, only cut off
      // (the client resumes from its last seq).
      const got = slow.unconsumed.filter(isEvent("message", contact.chatId)).map((f) => f.seq as number);
      expect(got.length).toBeLessThan(MESSAGES);
      expect(got).toEqual(sent.slice(0, got.length));

      // The others were never disturbed: a message still reaches both.
      expect(await watcher.request({ t: "send", chatId: contact.chatId, clientId: "after", kind: "text", text: "still here" })).toMatchObject({ ok: true });
      for (const fast of [sender, watcher]) expect(await fast.next(isEvent("message", contact.chatId))).toMatchObject({ seq: firstSeq + MESSAGES });
      sender.close();
      watcher.close();
    } finally {
      await run.stop();
    }
  });

  it("paces a long resume to the client's reading instead of closing it", async () => {
    const MESSAGES = 120;
    const TEXT_LENGTH = 100_000;
    // 12 MB to replay through a 256 KiB high watermark: written at once, it would trip 4429.
    const { run, agent, contact } = await serverWithChat({
      limits: { maxTextLength: TEXT_LENGTH, messagesPerSecond: 10_000, messagesBurst: 10_000 },
      watermarks: { lowBytes: 16 * 1024, highBytes: 256 * 1024 },
    });
    try {
      const sender = await agent("sender");
      expect(await sender.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
      const seqs: number[] = [];
      for (let i = 0; i < MESSAGES; i++) {
        const text = `${String(i).padStart(4, "0")}${"x".repeat(TEXT_LENGTH - 4)}`;
        const reply = await sender.request({ t: "send", chatId: contact.chatId, clientId: `r${i}`, kind: "text", text });
        seqs.push((reply.result as { seq: number }).seq);
      }
      const { client: resumer } = await RawClient.connect(run.wsUrl, contact.token);
      const reply = await resumer.request({ t: "join", chatId: contact.chatId, afterSeq: 0 }, 60_000);
      expect(reply).toMatchObject({ ok: true, result: { lastSeq: seqs[seqs.length - 1] } });
      const replayed = resumer.unconsumed.filter(isEvent("message", contact.chatId)).map((f) => f.seq as number);
      expect(replayed).toEqual(seqs);
      expect(resumer.closed).toBeUndefined();
      resumer.close();
      sender.close();
    } finally {
      await run.stop();
    }
  });

  it("closes a socket that stops answering pings with 4410 and keeps the ones that answer", async () => {
    const { run, agent, contact } = await serverWithChat({ limits: { heartbeatMs: 200 } });
    try {
      // autoPong: false (a public ws option) makes this client read everything but answer no ping.
      const { client: deaf } = await RawClient.connect(run.wsUrl, contact.token, { autoPong: false });
      expect(await deaf.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
      const healthy = await agent("ann");
      expect(await healthy.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
      expect(await deaf.whenClosed()).toMatchObject({ code: 4410 });
      // The one that answers went through the same beats and is still served.
      expect(healthy.closed).toBeUndefined();
      expect(await healthy.request({ t: "send", chatId: contact.chatId, clientId: "hb", kind: "text", text: "still here" })).toMatchObject({ ok: true });
      healthy.close();
    } finally {
      await run.stop();
    }
  });
});
