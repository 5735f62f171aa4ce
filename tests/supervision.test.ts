/**
 * Transfer, internal notes and supervision with real sockets, the real SDK and
 * a real server: a transfer with a note that the next agent reads first while
 * the customer sees only that they are being transferred; notes, whispers and
 * a monitor that never reach the customer — not their socket (read raw, frame
 * by frame), not their history, not the transcript; take-over, reassignment,
 * a transfer back to a queue, and the role refusals.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLiveChatSdk, LiveChatError, type Contact, type InternalNote, type LiveChatSdk } from "@parley/sdk";
import type { ChatListItem, ChatListResponse, ChatOffer, ContactTransferredEvent, StartContactResponse, SupervisionChatsResponse } from "@parley/protocol";
import { createParleyServer } from "@parley/server";
import { RawSocket, type Frame } from "./support/raw-socket.js";
import { TcpProxy } from "./support/tcp-proxy.js";
import { CLI, tempDataDir, TEST_SECRET } from "./support/server.js";
import { waitFor } from "./support/wait.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const run = promisify(execFile);
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

interface AgentSpec {
  name: string;
  role?: "agent" | "supervisor" | "admin";
  capacity?: number;
}

interface Desk {
  url: string;
  tokens: Record<string, string>;
  ids: Record<string, string>;
}

/**
 * A node on SQLite with the named agents (password `<name>-password`, nickname
 * the name capitalised), then the queues (`queue add` arguments) with the CLI.
 */
async function startDesk(agents: AgentSpec[], queues: string[][] = []): Promise<Desk> {
  const data = await tempDataDir();
  for (const { name, role, capacity } of agents) {
    const extra = [...(role === undefined ? [] : ["--role", role]), ...(capacity === undefined ? [] : ["--capacity", String(capacity)])];
    const nickname = name[0]!.toUpperCase() + name.slice(1);
    await run(process.execPath, [CLI, "agent", "add", name, "--password", `${name}-password`, "--nickname", nickname, "--data-dir", data.dir, ...extra]);
  }
  for (const queue of queues) await run(process.execPath, [CLI, "queue", "add", ...queue, "--data-dir", data.dir]);
  const server = createParleyServer({ dataDir: data.dir, secret: TEST_SECRET, port: 0, host: "127.0.0.1", logLevel: "silent", contactsPerMinute: 10_000, loginsPerMinute: 10_000 });
  const { url } = await server.listen();
  cleanups.push(() => data.remove(), () => server.close());
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const { name } of agents) {
    const response = await fetch(`${url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: name, password: `${name}-password` }),
    });
    const body = (await response.json()) as { token: string; agent: { id: string } };
    tokens[name] = body.token;
    ids[name] = body.agent.id;
  }
  return { url, tokens, ids };
}

async function agentOn(desk: Desk, name: string, serverUrl = desk.url): Promise<LiveChatSdk> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl });
  cleanups.push(() => Promise.resolve(sdk.LIVECHAT.logout()));
  await sdk.LIVECHAT.login(desk.tokens[name]!, false, false, () => {});
  return sdk;
}

/** A customer speaking the protocol by hand: every frame the server sends them is kept. */
async function rawCustomer(desk: Desk, nickname: string): Promise<{ socket: RawSocket; chatId: string; token: string }> {
  const response = await fetch(`${desk.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ nickname }) });
  const started = (await response.json()) as StartContactResponse;
  const socket = await RawSocket.connect(desk.url, started.token);
  cleanups.push(() => Promise.resolve(socket.terminate()));
  const joined = await socket.request({ t: "join", chatId: started.contact.id });
  expect(joined.ok).toBe(true);
  return { socket, chatId: started.contact.id, token: started.token };
}

/** Notes a contact hears, in order. */
function notesHeard(contact: Contact): InternalNote[] {
  const heard: InternalNote[] = [];
  contact.on("note", (note) => heard.push(note));
  return heard;
}

async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return error instanceof LiveChatError ? error.code : String(error);
  }
}

/** What the customer could ever read of their chat: the stored events replayed from seq 0 and the back-office transcript. */
async function everythingTheCustomerCanRead(desk: Desk, chatId: string, token: string, adminToken: string): Promise<string> {
  const replay = await RawSocket.connect(desk.url, token);
  cleanups.push(() => Promise.resolve(replay.terminate()));
  const joined = await replay.request({ t: "join", chatId, afterSeq: 0 });
  const history = await replay.request({ t: "history", chatId, limit: 100 });
  const transcript = await fetch(`${desk.url}/livechat/default/getContactTranscriptByChatID/${chatId}`, { headers: { authorization: `Bearer ${adminToken}` } });
  return JSON.stringify([replay.frames, joined, history, await transcript.text()]);
}

async function chatList(desk: Desk, name: string, query: string): Promise<ChatListItem[]> {
  const response = await fetch(`${desk.url}/v1/chats?${query}`, { headers: { authorization: `Bearer ${desk.tokens[name]}` } });
  return ((await response.json()) as ChatListResponse).chats;
}

const eventNames = (frames: Frame[]): string[] => frames.filter((f) => f.t === "event").map((f) => String(f.name));

describe("transfer", () => {
  it("hands the chat to another agent with a note the target reads first; the customer sees the transfer, never the note", async () => {
    const desk = await startDesk([{ name: "alice" }, { name: "bob" }, { name: "boss", role: "admin" }]);
    const customer = await rawCustomer(desk, "Carla");
    const alice = await agentOn(desk, "alice");
    const bob = await agentOn(desk, "bob");
    const aliceChat = await alice.LIVECHAT.joinContact(customer.chatId);
    customer.socket.send({ t: "send", rid: 900, chatId: customer.chatId, clientId: "c1", kind: "text", text: "my order is late" });
    await waitFor(() => customer.socket.replyTo(900) !== undefined, () => "the customer's message");
    await aliceChat.sendMessage("let me check");
    const noteText = "Order 1234: refund approved by billing, secret-transfer-note";

    const result = await aliceChat.transfer({ agentId: desk.ids.bob!, note: noteText });
    expect(result.note).toMatchObject({ kind: "transfer", text: noteText, transfer: { agentId: desk.ids.bob, nickname: "Bob" } });
    expect(await codeOf(aliceChat.sendMessage("still here?"))).toBe("NOT_JOINED");

    // Bob is in the chat now: his My chats has it, and opening it gives the note before anything else.
    const mine = await fetch(`${desk.url}/v1/chats?mine=true`, { headers: { authorization: `Bearer ${desk.tokens.bob}` } });
    expect(((await mine.json()) as { chats: { id: string }[] }).chats.map((c) => c.id)).toEqual([customer.chatId]);
    const bobChat = await bob.LIVECHAT.joinContact(customer.chatId);
    expect(bobChat.notes.map((n) => n.text)).toEqual([noteText]);
    expect(bobChat.participants.map((p) => p.nickname).sort()).toEqual(["Bob", "Carla"]);
    // History is whole: both messages, in order.
    expect(bobChat.history.messages.map((m) => ("text" in m.data.content ? m.data.content.text : ""))).toEqual(["my order is late", "let me check"]);

    // The customer saw the transfer, Bob arrive and Alice leave — and nothing of the note.
    await waitFor(() => eventNames(customer.socket.frames).includes("userLeft"), () => "Alice's userLeft at the customer");
    const names = eventNames(customer.socket.frames);
    expect(names.slice(names.indexOf("contactTransferred"))).toEqual(["contactTransferred", "userAdded", "userLeft"]);
    const transferred = customer.socket.frames.find((f) => f.name === "contactTransferred")!.data as ContactTransferredEvent;
    expect(transferred).toMatchObject({ to: "agent", queue: null, user: { nickname: "Alice" } });
    expect(Object.keys(transferred).sort()).toEqual(["chatId", "queue", "to", "ts", "user"]);
    const everything = await everythingTheCustomerCanRead(desk, customer.chatId, customer.token, desk.tokens.boss!);
    expect(everything).not.toContain("secret-transfer-note");
    expect(JSON.stringify(customer.socket.frames)).not.toContain("secret-transfer-note");
    expect(customer.socket.frames.filter((f) => f.t === "note")).toEqual([]);

    // The original way still works: Bob leaves, Alice joins again.
    await bob.LIVECHAT.leave(bobChat);
    const again = await alice.LIVECHAT.joinContact(customer.chatId);
    expect(again.notes.map((n) => n.kind)).toEqual(["transfer"]);
  });

  it("refuses an unknown agent, a full one, two targets or none, yourself, and a chat you are not in, changing nothing", async () => {
    const desk = await startDesk([{ name: "alice" }, { name: "bob", capacity: 1 }, { name: "carol" }]);
    const first = await rawCustomer(desk, "Dora");
    const second = await rawCustomer(desk, "Emil");
    const alice = await agentOn(desk, "alice");
    const bob = await agentOn(desk, "bob");
    const carol = await agentOn(desk, "carol");
    const aliceChat = await alice.LIVECHAT.joinContact(first.chatId);
    await bob.LIVECHAT.joinContact(second.chatId);
    const before = first.socket.frames.length;

    expect(await codeOf(aliceChat.transfer({ agentId: "USER_00000000-0000-4000-8000-000000000000" }))).toBe("AGENT_NOT_FOUND");
    expect(await codeOf(aliceChat.transfer({ agentId: desk.ids.bob! }))).toBe("AGENT_CAPACITY_FULL");
    expect(await codeOf(aliceChat.transfer({ agentId: desk.ids.alice! }))).toBe("TRANSFER_INVALID");
    expect(await codeOf(aliceChat.transfer({ agentId: desk.ids.carol!, queue: "billing" } as never))).toBe("TRANSFER_INVALID");
    expect(await codeOf(aliceChat.transfer({} as never))).toBe("TRANSFER_INVALID");
    expect(await codeOf(aliceChat.transfer({ agentId: desk.ids.carol!, note: "x".repeat(20_000) }))).toBe("TEXT_TOO_LONG");

    // Carol is an agent, not in the chat: a transfer of hers is refused even once she opened it.
    const raw = await RawSocket.connect(desk.url, desk.tokens.carol!);
    cleanups.push(() => Promise.resolve(raw.terminate()));
    const notJoined = await raw.request({ t: "transfer", chatId: first.chatId, agentId: desk.ids.carol });
    expect((notJoined.error as { code: string }).code).toBe("NOT_A_PARTICIPANT");
    const carolChat = await carol.LIVECHAT.joinContact(second.chatId);
    await carol.LIVECHAT.leave(carolChat);

    // Nothing reached the customer, and Alice still has the chat.
    expect(first.socket.frames.slice(before).filter((f) => f.t === "event")).toEqual([]);
    await aliceChat.sendMessage("still with you");
  });

  it("sends a chat to an auto queue: the customer waits there with a position, its next member is offered it and reads the note first", async () => {
    const desk = await startDesk([{ name: "alice" }, { name: "bob" }, { name: "sam", role: "supervisor" }], [["billing", "--mode", "auto", "--offer-seconds", "300", "--members", "bob"]]);
    const customer = await rawCustomer(desk, "Farid");
    const alice = await agentOn(desk, "alice");
    const bob = await agentOn(desk, "bob");
    const offers: ChatOffer[] = [];
    bob.LIVECHAT.on("offer", (offer) => offers.push(offer));
    const aliceChat = await alice.LIVECHAT.joinContact(customer.chatId);
    customer.socket.send({ t: "send", rid: 901, chatId: customer.chatId, clientId: "c1", kind: "text", text: "I need an invoice copy" });
    await waitFor(() => customer.socket.replyTo(901) !== undefined, () => "the customer's message");
    const before = await chatList(desk, "alice", "status=active");
    const noteText = "Invoice 88 for March, secret-queue-note";

    // An unknown queue is refused, and the chat stays with Alice.
    expect(await codeOf(aliceChat.transfer({ queue: "nowhere", note: noteText }))).toBe("QUEUE_NOT_FOUND");
    expect((await chatList(desk, "alice", "mine=true")).map((c) => c.id)).toEqual([customer.chatId]);

    const result = await aliceChat.transfer({ queue: "billing", note: noteText });
    expect(result.note).toMatchObject({ kind: "transfer", text: noteText, transfer: { queue: "billing" } });
    // The customer is told they are being transferred, then waits with a place in the billing queue.
    await waitFor(() => eventNames(customer.socket.frames).includes("userLeft"), () => "Alice's userLeft");
    const transferred = customer.socket.frames.find((f) => f.name === "contactTransferred")!.data as ContactTransferredEvent;
    expect(transferred).toMatchObject({ to: "queue", queue: "billing" });
    await waitFor(
      () => customer.socket.frames.some((f) => f.t === "queuePosition" && f.queue === "billing" && f.position === 1),
      () => `the customer's place in billing (frames: ${JSON.stringify(customer.socket.frames.filter((f) => f.t === "queuePosition"))})`,
    );

    // Billing routes it: its member Bob is offered it (Alice, not a member, is not).
    await waitFor(() => offers.some((o) => o.chatId === customer.chatId), () => "the offer to Bob", 30_000);
    expect(offers.find((o) => o.chatId === customer.chatId)).toMatchObject({ queue: "billing", nickname: "Farid" });
    const waiting = await chatList(desk, "sam", "status=waiting");
    // Waiting in billing, its first wait kept: the waiting clock runs from when the customer first waited.
    expect(waiting.map((c) => [c.id, c.queue, c.firstWaitAt])).toEqual([[customer.chatId, "billing", before[0]!.firstWaitAt]]);
    const view = await fetch(`${desk.url}/v1/supervision/chats`, { headers: { authorization: `Bearer ${desk.tokens.sam}` } });
    const { chats } = (await view.json()) as SupervisionChatsResponse;
    expect(chats).toEqual([expect.objectContaining({ id: customer.chatId, status: "waiting", queue: "billing", agents: [], handleSeconds: 0 })]);

    // Bob accepts: the note is the first thing he reads, the history is whole, the customer sees him arrive.
    const bobChat = await bob.LIVECHAT.acceptOffer(customer.chatId);
    expect(bobChat.notes.map((n) => [n.kind, n.text])).toEqual([["transfer", noteText]]);
    expect(bobChat.history.messages.map((m) => ("text" in m.data.content ? m.data.content.text : ""))).toEqual(["I need an invoice copy"]);
    await waitFor(() => customer.socket.frames.some((f) => f.name === "userAdded" && JSON.stringify(f.data).includes("Bob")), () => "Bob's userAdded at the customer");
    await waitFor(
      () => customer.socket.frames.filter((f) => f.t === "queuePosition").at(-1)?.position === 0,
      () => "the customer's position back to 0 once Bob has the chat",
    );
    expect(JSON.stringify(customer.socket.frames)).not.toContain("secret-queue-note");
  });
});

describe("notes, whispers and monitoring", () => {
  it("reach agents and supervisors live and on resume, never the customer's socket, history or transcript", async () => {
    const desk = await startDesk([{ name: "alice" }, { name: "bob" }, { name: "sam", role: "supervisor" }, { name: "boss", role: "admin" }]);
    const customer = await rawCustomer(desk, "Greta");
    const alice = await agentOn(desk, "alice");
    const sam = await agentOn(desk, "sam");
    const aliceChat = await alice.LIVECHAT.joinContact(customer.chatId);
    const aliceHeard = notesHeard(aliceChat);
    const before = customer.socket.frames.length;

    // Sam monitors: nothing is stored, the customer sees no one join, the participants stay as they were.
    const watched = await sam.LIVECHAT.monitor(customer.chatId);
    expect(watched.isMonitor).toBe(true);
    expect(watched.participants.map((p) => p.nickname).sort()).toEqual(["Alice", "Greta"]);
    const samHeard = notesHeard(watched);
    const samMessages: string[] = [];
    watched.on("message", (m) => samMessages.push(m.content.text));

    const note = await aliceChat.sendNote("secret-note: asked twice for a discount");
    expect(note).toMatchObject({ kind: "note", author: { nickname: "Alice" } });
    const whisper = await watched.sendNote("secret-whisper: give 10%");
    expect(whisper.kind).toBe("whisper");
    await waitFor(() => aliceHeard.length === 1 && samHeard.length === 1, () => "the whisper at Alice and the note at Sam");
    expect(aliceHeard[0]!.text).toBe("secret-whisper: give 10%");
    expect(samHeard[0]!.text).toBe("secret-note: asked twice for a discount");

    // The monitor reads the chat live, and cannot speak in it.
    await aliceChat.sendMessage("I can offer 10%");
    await waitFor(() => samMessages.includes("I can offer 10%"), () => "Alice's message at the monitor");
    expect(await codeOf(watched.sendMessage("hello from the shadows"))).toBe("NOT_A_PARTICIPANT");

    // Another agent joining later, and Alice resuming in a new session, are given every note.
    const bob = await agentOn(desk, "bob");
    const bobChat = await bob.LIVECHAT.joinContact(customer.chatId);
    expect(bobChat.notes.map((n) => n.kind)).toEqual(["note", "whisper"]);
    await bob.LIVECHAT.leave(bobChat);

    // The customer: only Alice's message and Bob's coming and going arrived — no note, whisper or monitor.
    await waitFor(() => eventNames(customer.socket.frames).includes("userLeft"), () => "Bob's userLeft");
    const arrived = customer.socket.frames.slice(before);
    const kinds = new Set(arrived.filter((f) => f.t !== "reply").map((f) => `${f.t}:${String(f.name ?? "")}`));
    expect([...kinds].sort()).toEqual(["event:message", "event:userAdded", "event:userLeft", ...(kinds.has("event:messageReceived") ? ["event:messageReceived"] : [])].sort());
    expect(arrived.filter((f) => f.t === "note")).toEqual([]);
    const addedNames = arrived.filter((f) => f.name === "userAdded").map((f) => (f.data as { user: { nickname: string } }).user.nickname);
    expect(addedNames).toEqual(["Bob"]);
    const everything = await everythingTheCustomerCanRead(desk, customer.chatId, customer.token, desk.tokens.boss!);
    for (const secret of ["secret-note", "secret-whisper", "Sam"]) {
      expect(everything, secret).not.toContain(secret);
      expect(JSON.stringify(customer.socket.frames), secret).not.toContain(secret);
    }
    // A customer may not write a note, even in their own chat.
    const byCustomer = await customer.socket.request({ t: "note", chatId: customer.chatId, text: "am I an agent?" });
    expect((byCustomer.error as { code: string }).code).toBe("FORBIDDEN");
  });

  it("lets a supervisor take over and reassign, and refuses agents every supervisor's power with ROLE_FORBIDDEN", async () => {
    const desk = await startDesk([{ name: "alice" }, { name: "bob" }, { name: "sam", role: "supervisor" }]);
    const customer = await rawCustomer(desk, "Hana");
    const other = await rawCustomer(desk, "Ivan");
    const alice = await agentOn(desk, "alice");
    const bob = await agentOn(desk, "bob");
    const sam = await agentOn(desk, "sam");
    await alice.LIVECHAT.joinContact(customer.chatId);
    await alice.LIVECHAT.joinContact(other.chatId);

    // An agent: no monitor, no supervision view, no take-over.
    expect(await codeOf(bob.LIVECHAT.monitor(customer.chatId))).toBe("ROLE_FORBIDDEN");
    const refused = await fetch(`${desk.url}/v1/supervision/chats`, { headers: { authorization: `Bearer ${desk.tokens.bob}` } });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("ROLE_FORBIDDEN");
    const bobChat = await bob.LIVECHAT.joinContact(other.chatId);
    expect(await codeOf(bobChat.takeOver("mine now"))).toBe("ROLE_FORBIDDEN");
    await bob.LIVECHAT.leave(bobChat);
    const byCustomer = await fetch(`${desk.url}/v1/supervision/chats`, { headers: { authorization: `Bearer ${customer.token}` } });
    expect(byCustomer.status).toBe(403);

    // The supervisor's view: both chats active with Alice, times measured.
    const view = (await (await fetch(`${desk.url}/v1/supervision/chats`, { headers: { authorization: `Bearer ${desk.tokens.sam}` } })).json()) as SupervisionChatsResponse;
    expect(view.chats.map((c) => [c.status, c.agents.map((a) => a.nickname)])).toEqual([
      ["active", ["Alice"]],
      ["active", ["Alice"]],
    ]);

    // Take-over: Sam joins, Alice leaves, the note is kept for the agents.
    const watched = await sam.LIVECHAT.monitor(customer.chatId);
    await watched.takeOver("escalated: I handle this one");
    expect(watched.isMonitor).toBe(false);
    await waitFor(() => eventNames(customer.socket.frames).includes("userLeft"), () => "Alice's userLeft after the take-over");
    const added = customer.socket.frames.filter((f) => f.name === "userAdded").map((f) => (f.data as { user: { nickname: string } }).user.nickname);
    expect(added).toEqual(["Alice", "Sam"]);
    await watched.sendMessage("Hello, I am the supervisor");
    await waitFor(() => JSON.stringify(customer.socket.frames).includes("Hello, I am the supervisor"), () => "Sam's message at the customer");
    expect(JSON.stringify(customer.socket.frames)).not.toContain("escalated");

    // Reassign: Sam monitors Ivan's chat and hands it from Alice to Bob.
    const ivan = await sam.LIVECHAT.monitor(other.chatId);
    await ivan.transfer({ agentId: desk.ids.bob!, note: "Bob knows this product" });
    expect(ivan.isMonitor).toBe(true);
    await waitFor(() => eventNames(other.socket.frames).includes("userLeft"), () => "Alice's userLeft after the reassignment");
    const present = (await (await fetch(`${desk.url}/v1/supervision/chats`, { headers: { authorization: `Bearer ${desk.tokens.sam}` } })).json()) as SupervisionChatsResponse;
    expect(present.chats.find((c) => c.id === other.chatId)?.agents.map((a) => a.nickname)).toEqual(["Bob"]);
    expect(JSON.stringify(other.socket.frames)).not.toContain("Bob knows");
  });

  it("gives an agent the notes written while their socket was down, once, when the SDK resumes", async () => {
    const desk = await startDesk([{ name: "alice" }, { name: "sam", role: "supervisor" }]);
    const proxy = await TcpProxy.start(Number(new URL(desk.url).port));
    cleanups.push(() => proxy.close());
    const customer = await rawCustomer(desk, "Jana");
    const alice = await agentOn(desk, "alice", proxy.url);
    const aliceChat = await alice.LIVECHAT.joinContact(customer.chatId);
    const heard = notesHeard(aliceChat);
    const watched = await (await agentOn(desk, "sam")).LIVECHAT.monitor(customer.chatId);

    const states: string[] = [];
    alice.LIVECHAT.on("state", (context) => states.push(context.state));
    expect(proxy.dropAll()).toBeGreaterThan(0);
    await watched.sendNote("written while Alice was away");
    await waitFor(() => heard.length > 0, () => "the whisper at Alice after her resume", 30_000);
    // Handed once, whether it came live after the reconnect or with the resume's notes.
    await aliceChat.sendNote("back");
    expect(heard.map((n) => n.text)).toEqual(["written while Alice was away"]);
    expect(aliceChat.notes.map((n) => n.text)).toEqual(["written while Alice was away", "back"]);
    expect(states).toContain("connected");
  });
});
