/**
 * Attacks on the socket with a customer token anyone can get (issue 11), each
 * run beside a normal customer–agent exchange: floods of every request frame,
 * work left behind by a closed socket, join/leave churn, and sockets piled up
 * per address and per token. The bounds are generous on purpose: on a server
 * without budgets each attack stalls the node for seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParleyServer } from "@parley/server";
import { createLiveChatSdk } from "@parley/sdk";
import { expectUnharmed, measureDuringAttack, openExchange, type AttackEffect, type Exchange } from "./support/attack.js";
import { RawSocket, type Frame } from "./support/raw-socket.js";
import { startServerWithAgents, tempDataDir, TEST_SECRET, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const SLOWEST_ROUND_TRIP_MS = 1_500;
const LONGEST_LOOP_STALL_MS = 500;
/** Long messages make each history page about 1.8 MB of JSON: the costly answer. */
const LONG_TEXT = "x".repeat(9_000);
const PAGE = 200;

/** Sends allowed fast enough to seed chats quickly; the budgets under test keep their defaults. */
const SEEDING_LIMITS = { messagesPerSecond: 5_000, messagesBurst: 5_000 };

interface StartedContact {
  chatId: string;
  userId: string;
  token: string;
}

async function startContact(serverUrl: string, nickname: string): Promise<StartedContact> {
  const response = await fetch(`${serverUrl}/v1/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname }),
  });
  if (response.status !== 201 && response.status !== 200) throw new Error(`start contact: ${response.status}`);
  const body = (await response.json()) as { contact: { id: string }; user: { id: string }; token: string };
  return { chatId: body.contact.id, userId: body.user.id, token: body.token };
}

/** A chat holding `count` messages (by default a full history page of long ones), and its customer's token. */
async function chatWithLongHistory(serverUrl: string, count = PAGE, text = LONG_TEXT): Promise<StartedContact & { messageIds: string[] }> {
  const contact = await startContact(serverUrl, "Seeder");
  const socket = await RawSocket.connect(serverUrl, contact.token);
  expect(await socket.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
  const rids: number[] = [];
  for (let i = 0; i < count; i++) {
    rids.push(socket.sendRequest({ t: "send", chatId: contact.chatId, clientId: `seed-${i}`, kind: "text", text }));
  }
  await waitFor(() => rids.every((rid) => socket.replyTo(rid) !== undefined), () => "every seeding send to be answered", 60_000);
  const replies = rids.map((rid) => socket.replyTo(rid) as Frame);
  expect(replies.every((reply) => reply.ok === true)).toBe(true);
  const messageIds = replies.map((reply) => (reply.result as { messageId?: string; id?: string }).messageId ?? (reply.result as { id: string }).id);
  socket.close();
  return { ...contact, messageIds };
}

function expectExchangeStayedFast(effect: AttackEffect): void {
  expectUnharmed(effect, { roundTripMs: SLOWEST_ROUND_TRIP_MS, loopHoldMs: LONGEST_LOOP_STALL_MS });
}

/**
 * The attacker runs in this process too: its frames go out in slices, one slice
 * a turn, so that its own writing is not measured as the server's stall.
 */
async function flood(count: number, sendOne: (i: number) => void): Promise<void> {
  for (let i = 0; i < count; i++) {
    sendOne(i);
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
}

const isRateLimited = (frame: Frame | undefined): boolean => (frame?.error as { code?: string } | undefined)?.code === "RATE_LIMITED";
const retryAfterOf = (frame: Frame): number => Number((frame.error as { details?: { retryAfterMs?: unknown } }).details?.retryAfterMs);

describe("every request frame has a budget per connection", () => {
  let server: InProcessServer;
  let tokens: Record<string, string>;
  let exchange: Exchange;

  beforeAll(async () => {
    ({ server, tokens } = await startServerWithAgents(["alice", "bob", "carol"], { limits: SEEDING_LIMITS }));
    exchange = await openExchange(server.url, tokens.alice!);
  });

  afterAll(async () => {
    await exchange?.close();
    await server?.close();
  });

  it("answers a flood of history pages with RATE_LIMITED once the answers' bytes are spent", async () => {
    const chat = await chatWithLongHistory(server.url);
    const attacker = await RawSocket.connect(server.url, chat.token);
    expect(await attacker.request({ t: "join", chatId: chat.chatId })).toMatchObject({ ok: true });
    const rids: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 60; i++) rids.push(attacker.sendRequest({ t: "history", chatId: chat.chatId, limit: PAGE }));
    await waitFor(() => rids.every((rid) => attacker.replyTo(rid) !== undefined), () => "every history frame to be answered", 60_000);
    const answeredWithinMs = Date.now() - started;
    const replies = rids.map((rid) => attacker.replyTo(rid) as Frame);
    const pages = replies.filter((reply) => reply.ok === true);
    const refused = replies.filter(isRateLimited);
    // 8 MiB of answers at once is five pages of 1.8 MB, then one every two seconds: the budget refills while
    // the flood is answered, so a slow machine lets more through (counted here as one a second, room to spare).
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.length).toBeLessThanOrEqual(Math.max(15, 6 + Math.ceil(answeredWithinMs / 1000)));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBe(rids.length - pages.length);
    for (const reply of refused) expect(retryAfterOf(reply)).toBeGreaterThan(0);
    attacker.close();
  }, 120_000);

  it("keeps the exchange fast while customers flood history and close their sockets mid-flood", async () => {
    const chat = await chatWithLongHistory(server.url);
    const effect = await measureDuringAttack(exchange, async () => {
      for (let wave = 0; wave < 4; wave++) {
        const attacker = await RawSocket.connect(server.url, chat.token);
        attacker.sendRequest({ t: "join", chatId: chat.chatId });
        await flood(300, () => attacker.sendRequest({ t: "history", chatId: chat.chatId, limit: PAGE }));
        await waitFor(() => attacker.frames.some((f) => f.t === "reply" && f.rid !== 1), () => "a first history answer", 60_000);
        attacker.terminate();
      }
    });
    expectExchangeStayedFast(effect);
  }, 120_000);

  it.each([
    ["receipt", (chat: StartedContact & { messageIds: string[] }) => ({ t: "receipt", chatId: chat.chatId, messageId: chat.messageIds[0], kind: "seen" })],
    ["typing", (chat: StartedContact) => ({ t: "typing", chatId: chat.chatId, bwrite: true })],
    ["media", (chat: StartedContact & { messageIds: string[] }) => ({ t: "media", chatId: chat.chatId, messageId: chat.messageIds[0] })],
    ["ping", () => ({ t: "ping" })],
    ["end", (chat: StartedContact) => ({ t: "end", chatId: chat.chatId })],
  ] as const)("refuses a flood of %s frames with RATE_LIMITED and keeps the exchange fast", async (type, frameFor) => {
    const chat = await chatWithLongHistory(server.url, 3, "a message to answer");
    const attacker = await RawSocket.connect(server.url, chat.token);
    expect(await attacker.request({ t: "join", chatId: chat.chatId })).toMatchObject({ ok: true });
    const FLOOD = 3_000;
    const effect = await measureDuringAttack(exchange, async () => {
      const frame = frameFor(chat as StartedContact & { messageIds: string[] });
      const rids: number[] = [];
      await flood(FLOOD, () => {
        if (type === "typing") attacker.send(frame);
        else rids.push(attacker.sendRequest(frame));
      });
      // The last frame's answer (or, for typing, a ping behind the flood) says the server read them all.
      const marker = attacker.sendRequest({ t: "ping" });
      await waitFor(() => attacker.replyTo(marker) !== undefined, () => `the server to read the ${type} flood`, 60_000);
      await waitFor(() => rids.every((rid) => attacker.replyTo(rid) !== undefined), () => `every ${type} frame to be answered`, 60_000);
    });
    expectExchangeStayedFast(effect);
    const limited = attacker.errorsWithCode("RATE_LIMITED");
    expect(limited.length, `RATE_LIMITED answers to ${type}`).toBeGreaterThan(0);
    for (const answer of limited) expect(retryAfterOf(answer)).toBeGreaterThan(0);
    if (type === "end") {
      // A burst of ends read before the first one committed ends the chat once, not once per frame.
      expect(attacker.frames.filter((f) => f.t === "event" && f.name === "contactEnded")).toHaveLength(1);
    }
    if (type === "typing") {
      // Frames without rid are told once per streak of refusals, not once per frame.
      expect(limited.length).toBeLessThan(FLOOD / 20);
    } else {
      expect(limited.length).toBeGreaterThan(FLOOD / 2);
    }
    attacker.close();
  }, 120_000);

  it("refuses a flood of watchChats from an agent with RATE_LIMITED and keeps the exchange fast", async () => {
    const attacker = await RawSocket.connect(server.url, tokens.carol!);
    const FLOOD = 1_000;
    const rids: number[] = [];
    const effect = await measureDuringAttack(exchange, async () => {
      await flood(FLOOD, () => rids.push(attacker.sendRequest({ t: "watchChats" })));
      await waitFor(() => rids.every((rid) => attacker.replyTo(rid) !== undefined), () => "every watchChats to be answered", 60_000);
    });
    expectExchangeStayedFast(effect);
    const replies = rids.map((rid) => attacker.replyTo(rid) as Frame);
    expect(replies.filter(isRateLimited).length).toBeGreaterThan(FLOOD / 2);
    expect(replies.filter((reply) => reply.ok === true).length).toBeGreaterThan(0);
    attacker.close();
  }, 120_000);

  it("limits leave/join churn: a loop stores a few events, not one per turn, and watching agents hear a few changes", async () => {
    const chat = await startContact(server.url, "Watched");
    const customer = await RawSocket.connect(server.url, chat.token);
    expect(await customer.request({ t: "join", chatId: chat.chatId })).toMatchObject({ ok: true });
    const watchers = [await RawSocket.connect(server.url, tokens.bob!), await RawSocket.connect(server.url, tokens.carol!)];
    for (const watcher of watchers) expect(await watcher.request({ t: "watchChats" })).toMatchObject({ ok: true });
    const attacker = await RawSocket.connect(server.url, tokens.alice!);
    expect(await attacker.request({ t: "join", chatId: chat.chatId, nickname: "Churn" })).toMatchObject({ ok: true });
    const TURNS = 200;
    const answers: Frame[] = [];
    const effect = await measureDuringAttack(exchange, async () => {
      for (let turn = 0; turn < TURNS; turn++) {
        answers.push(await attacker.request({ t: "leave", chatId: chat.chatId }));
        answers.push(await attacker.request({ t: "join", chatId: chat.chatId, nickname: "Churn" }));
      }
    });
    expectExchangeStayedFast(effect);
    expect(answers.filter(isRateLimited).length).toBeGreaterThan(TURNS / 2);
    // The customer, in the chat, receives each stored membership event: the default allows 6 leaves a minute.
    const marker = await customer.request({ t: "ping" });
    expect(marker.t).toBe("pong");
    const membershipEvents = customer.frames.filter((f) => f.t === "event" && (f.name === "userAdded" || f.name === "userRemoved"));
    expect(membershipEvents.length).toBeLessThanOrEqual(2 * 6 + 2);
    for (const watcher of watchers) {
      expect(watcher.frames.filter((f) => f.t === "chatFeed").length).toBeLessThanOrEqual(2 * 6 + 4);
      watcher.close();
    }
    attacker.close();
    customer.close();
  }, 120_000);

  it("does not store an event when a participant re-joins a chat it is in (resume)", async () => {
    const chat = await startContact(server.url, "Resumer");
    const first = await RawSocket.connect(server.url, chat.token);
    const joined = await first.request({ t: "join", chatId: chat.chatId });
    const lastSeq = (joined.result as { lastSeq: number }).lastSeq;
    first.terminate();
    const second = await RawSocket.connect(server.url, chat.token);
    const resumed = await second.request({ t: "join", chatId: chat.chatId, afterSeq: lastSeq });
    expect(resumed).toMatchObject({ ok: true, result: { lastSeq } });
    second.close();
  });
});

describe("work read from a socket that then closed is dropped", () => {
  let server: InProcessServer;
  let tokens: Record<string, string>;
  let exchange: Exchange;

  beforeAll(async () => {
    // Budgets opened wide, so that only the closed socket stands between the flood and the work.
    ({ server, tokens } = await startServerWithAgents(["alice"], {
      limits: { ...SEEDING_LIMITS, requestsPerSecond: 1_000_000, requestsBurst: 1_000_000, replyBytesPerSecond: 1e9, replyBytesBurst: 1e9 },
    }));
    exchange = await openExchange(server.url, tokens.alice!);
  }, 60_000);

  afterAll(async () => {
    await exchange?.close();
    await server?.close();
  });

  it("does not read or serialise history pages asked for by a socket that closed", async () => {
    const chat = await chatWithLongHistory(server.url);
    const effect = await measureDuringAttack(exchange, async () => {
      for (let wave = 0; wave < 3; wave++) {
        const attacker = await RawSocket.connect(server.url, chat.token);
        expect(await attacker.request({ t: "join", chatId: chat.chatId })).toMatchObject({ ok: true });
        for (let i = 0; i < 200; i++) attacker.sendRequest({ t: "history", chatId: chat.chatId, limit: PAGE });
        // Closed in the same turn: every frame is read by the server before it hears of the close.
        attacker.close();
        await waitFor(() => attacker.closed !== undefined, () => "the attacker's socket to close", 60_000);
      }
    });
    expectExchangeStayedFast(effect);
  }, 120_000);
});

describe("sockets per address and per token are capped", () => {
  it("closes sockets beyond socketsPerToken with 4430 TOO_MANY_SOCKETS, and takes one again once another closed", async () => {
    const { server, tokens } = await startServerWithAgents(["alice"], { limits: SEEDING_LIMITS });
    try {
      const exchange = await openExchange(server.url, tokens.alice!);
      const chat = await startContact(server.url, "Hoarder");
      const sockets: RawSocket[] = [];
      const effect = await measureDuringAttack(exchange, async () => {
        for (let i = 0; i < 30; i++) sockets.push(await RawSocket.connect(server.url, chat.token));
        await waitFor(() => sockets.every((s) => s.isWelcomed || s.closed !== undefined), () => "every socket welcomed or closed");
      });
      expectExchangeStayedFast(effect);
      expect(sockets.filter((s) => s.isWelcomed)).toHaveLength(20);
      const refused = sockets.filter((s) => !s.isWelcomed);
      expect(refused).toHaveLength(10);
      for (const socket of refused) {
        expect(socket.closed?.code).toBe(4430);
        expect(socket.errorsWithCode("TOO_MANY_SOCKETS")).toHaveLength(1);
      }
      const open = sockets.find((s) => s.isWelcomed) as RawSocket;
      open.close();
      await waitFor(() => open.closed !== undefined, () => "one socket to close");
      const again = await connectWhenAdmitted(server.url, chat.token);
      expect(again.isWelcomed).toBe(true);
      for (const socket of [...sockets, again]) socket.close();
      await exchange.close();
    } finally {
      await server.close();
    }
  }, 120_000);

  it("refuses upgrades beyond socketsPerAddress with 429 TOO_MANY_SOCKETS, keyed on the address Fastify computes", async () => {
    const data = await tempDataDir();
    const parley = createParleyServer({
      dataDir: data.dir,
      secret: TEST_SECRET,
      port: 0,
      host: "127.0.0.1",
      logLevel: "silent",
      trustProxy: true,
      limits: { socketsPerAddress: 3 },
    });
    const { url } = await parley.listen();
    const sockets: RawSocket[] = [];
    try {
      const from = (address: string) => ({ "x-forwarded-for": address });
      for (let i = 0; i < 3; i++) sockets.push(await RawSocket.open(url, from("203.0.113.7")));
      const refusal = await RawSocket.open(url, from("203.0.113.7")).then(
        () => undefined,
        (error: Error) => error,
      );
      expect(refusal?.message).toContain("429");
      const status = await upgradeStatus(url, "203.0.113.7");
      expect(status).toMatchObject({ status: 429, code: "TOO_MANY_SOCKETS" });
      // Another address behind the same proxy is not affected.
      sockets.push(await RawSocket.open(url, from("203.0.113.8")));
      // A closed socket gives its place back.
      const first = sockets[0] as RawSocket;
      first.close();
      await waitFor(() => first.closed !== undefined, () => "a socket to close");
      const reopened = await openWhenAdmitted(url, from("203.0.113.7"));
      sockets.push(reopened);
    } finally {
      for (const socket of sockets) socket.terminate();
      await parley.close();
      await data.remove();
    }
  }, 60_000);
});

/** The HTTP status and error code of a refused upgrade, read from the raw response. */
async function upgradeStatus(url: string, address: string): Promise<{ status: number; code: string }> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/socket`, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "x-forwarded-for": address,
      },
    });
    req.on("response", (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, code: (JSON.parse(body) as { error: { code: string } }).error.code }));
    });
    req.on("upgrade", () => reject(new Error("the upgrade was accepted")));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Opens a socket, trying again while the server has not yet counted the previous one's close:
 * the client sees its socket closed before the server has necessarily given the place back.
 */
async function openWhenAdmitted(url: string, headers: Record<string, string>): Promise<RawSocket> {
  let socket: RawSocket | undefined;
  let refusal: unknown;
  await waitFor(
    async () => {
      socket = await RawSocket.open(url, headers).catch((error: unknown) => {
        refusal = error;
        return undefined;
      });
      return socket !== undefined;
    },
    () => `an upgrade to be admitted again (last refusal: ${String(refusal)})`,
    30_000,
  );
  return socket as RawSocket;
}

/** Connects and says hello, trying again while the server refuses with TOO_MANY_SOCKETS for a place not yet given back. */
async function connectWhenAdmitted(url: string, token: string): Promise<RawSocket> {
  let socket: RawSocket | undefined;
  await waitFor(
    async () => {
      socket = await RawSocket.connect(url, token);
      if (socket.isWelcomed || socket.errorsWithCode("TOO_MANY_SOCKETS").length === 0) return true;
      socket.terminate();
      return false;
    },
    () => "a socket to be welcomed again once another closed",
    30_000,
  );
  return socket as RawSocket;
}

describe("the SDK within the budgets", () => {
  it("fetches a whole history larger than the answer budget: refused pages are asked again after retryAfterMs", async () => {
    const { server, tokens } = await startServerWithAgents(["alice"], {
      limits: { ...SEEDING_LIMITS, maxHistoryPage: 50, replyBytesBurst: 600_000, replyBytesPerSecond: 2_000_000 },
    });
    try {
      const chat = await chatWithLongHistory(server.url);
      const sdk = createLiveChatSdk();
      sdk.init({ serverUrl: server.url });
      await sdk.LIVECHAT.login(tokens.alice!, false, false, () => {});
      await sdk.LIVECHAT.joinContact(chat.chatId, "Alice");
      // Four pages of about 450 KB each against a 600 KB budget: the second page is refused at first.
      const history = await sdk.LIVECHAT.getChatHistory(chat.chatId);
      expect(history.messages).toHaveLength(PAGE);
      expect(history.messages.map((entry) => entry.data.seq)).toEqual([...history.messages.map((entry) => entry.data.seq)].sort((a, b) => a - b));
      await sdk.LIVECHAT.logout();
    } finally {
      await server.close();
    }
  }, 120_000);
});
