/**
 * The desk's first slice, with real sockets and the real SDK: the server's
 * record of who handles which chat ("My chats" read back by a second session),
 * capacity, presence (set by hand, offline when the last socket goes, shared
 * by two nodes on PostgreSQL and Redis, and lost with a node that dies), and
 * the grace period after which a gone agent's chats are waiting again —
 * exactly once with two nodes, and across a restart of the only node.
 */
import { execFile } from "node:child_process";
import net from "node:net";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createLiveChatSdk, LiveChatError, type AgentPresence, type Contact, type LiveChatSdk } from "@parley/sdk";
import type { ChatListResponse, StartContactResponse } from "@parley/protocol";
import { createParleyServer } from "@parley/server";
import { describePostgres, freshDatabase, type TestDatabase } from "../packages/server/test/pg-support.js";
import { randomPrefix, removePrefix, TEST_REDIS_URL } from "../packages/server/test/redis-support.js";
import { addAgent, CLI, freePort, loginAgent, ServerProcess, tempDataDir, TEST_SECRET } from "./support/server.js";
import { waitFor } from "./support/wait.js";

// Each test starts servers (some as processes, two on PostgreSQL and Redis): generous on a loaded machine.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const run = promisify(execFile);

/** What a test opened, closed after it in reverse order. */
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

interface Node {
  url: string;
  dataDir: string;
  tokens: Record<string, string>;
}

/** One in-process node on SQLite with the named agents (password `<name>-password`). */
async function startNode(agents: string[], agentGraceSeconds = 120): Promise<Node> {
  const data = await tempDataDir();
  for (const name of agents) await addAgent(data.dir, name, `${name}-password`);
  const server = createParleyServer({
    dataDir: data.dir,
    secret: TEST_SECRET,
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    contactsPerMinute: 10_000,
    loginsPerMinute: 10_000,
    agentGraceSeconds,
  });
  const { url } = await server.listen();
  cleanups.push(() => data.remove(), () => server.close());
  const tokens: Record<string, string> = {};
  for (const name of agents) tokens[name] = await loginAgent(url, name, `${name}-password`);
  return { url, dataDir: data.dir, tokens };
}

async function sdkOn(url: string): Promise<LiveChatSdk> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: url });
  cleanups.push(() => sdk.LIVECHAT.logout());
  return sdk;
}

async function agentOn(url: string, token: string): Promise<LiveChatSdk> {
  const sdk = await sdkOn(url);
  await sdk.LIVECHAT.login(token, false, false, () => {});
  return sdk;
}

/** A customer's chat, started over the SDK; `log` records who joined and left, in order. */
async function customerOn(url: string, nickname: string): Promise<{ sdk: LiveChatSdk; contact: Contact; log: string[] }> {
  const sdk = await sdkOn(url);
  const contact = await sdk.LIVECHAT.startContact({ nickname });
  const log: string[] = [];
  contact.on("userAdded", (e) => log.push(`added:${e.user.nickname}`));
  contact.on("userLeft", (e) => log.push(`left:${e.user.nickname}`));
  contact.on("message", (e) => log.push(`message:${e.content.text}`));
  return { sdk, contact, log };
}

async function listChats(url: string, token: string, query: string): Promise<{ status: number; body: ChatListResponse & { error?: { code: string } } }> {
  const response = await fetch(`${url}/v1/chats?${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as ChatListResponse & { error?: { code: string } } };
}

const myChatIds = async (url: string, token: string): Promise<string[]> => (await listChats(url, token, "mine=true")).body.chats.map((c) => c.id);

/** Presence events an agent's session hears while it watches the chat feed. */
async function watchPresence(sdk: LiveChatSdk): Promise<AgentPresence[]> {
  const heard: AgentPresence[] = [];
  sdk.LIVECHAT.on("presence", (presence) => heard.push(presence));
  await sdk.LIVECHAT.watchChats(() => {});
  return heard;
}

const lastStatusOf = (heard: AgentPresence[], agentId: string): string | undefined => heard.filter((p) => p.agentId === agentId).at(-1)?.status;

async function agentId(url: string, name: string): Promise<string> {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: name, password: `${name}-password` }),
  });
  return ((await response.json()) as { agent: { id: string } }).agent.id;
}

describe("ownership", () => {
  it("a second session of the agent reads My chats from the server, and a leave takes the chat out", async () => {
    const node = await startNode(["alice", "bob"]);
    const first = await agentOn(node.url, node.tokens.alice!);
    const { contact } = await customerOn(node.url, "Carla");
    const other = await customerOn(node.url, "Dmitri");
    await first.LIVECHAT.joinContact(contact.contact.id, "Alice");
    await (await agentOn(node.url, node.tokens.bob!)).LIVECHAT.joinContact(other.contact.contact.id, "Bob");

    // Another tab or device: a new session, no memory of the first one.
    const second = await agentOn(node.url, node.tokens.alice!);
    expect(await myChatIds(node.url, node.tokens.alice!)).toEqual([contact.contact.id]);
    const mine = (await listChats(node.url, node.tokens.alice!, "mine=true")).body.chats[0]!;
    expect(mine.agents).toEqual([expect.objectContaining({ nickname: "Alice", isPresent: true })]);
    // The second session opens it as its own: no new join is stored, the history is there.
    const resumed = await second.LIVECHAT.joinContact(contact.contact.id, "Alice");
    expect(resumed.contact.id).toBe(contact.contact.id);

    await first.LIVECHAT.leave(contact.contact.id);
    expect(await myChatIds(node.url, node.tokens.alice!)).toEqual([]);
    expect(await myChatIds(node.url, node.tokens.bob!)).toEqual([other.contact.contact.id]);
  });

  it("refuses mine=true with other filters, and for a customer", async () => {
    const node = await startNode(["alice"]);
    const refused = await listChats(node.url, node.tokens.alice!, "mine=true&status=active");
    expect(refused.status).toBe(400);
    expect(refused.body.error?.code).toBe("VALIDATION_FAILED");
    const started = (await (
      await fetch(`${node.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ nickname: "Eve" }) })
    ).json()) as StartContactResponse;
    expect((await listChats(node.url, started.token, "mine=true")).status).toBe(403);
  });
});

describe("capacity", () => {
  it("refuses a join past the agent's capacity (3), and admits it again once a chat is left", async () => {
    const node = await startNode(["alice"]);
    const alice = await agentOn(node.url, node.tokens.alice!);
    const chats = await Promise.all(["C1", "C2", "C3", "C4"].map((name) => customerOn(node.url, name)));
    for (const { contact } of chats.slice(0, 3)) await alice.LIVECHAT.joinContact(contact.contact.id, "Alice");

    const fourth = chats[3]!.contact.contact.id;
    const error = await alice.LIVECHAT.joinContact(fourth, "Alice").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LiveChatError);
    expect((error as LiveChatError).code).toBe("AGENT_CAPACITY_FULL");
    expect((error as LiveChatError).details).toEqual({ capacity: 3 });
    // Nothing was stored: the customer saw no join, the chat still waits.
    expect(chats[3]!.log).toEqual([]);

    // A chat the agent is in already is never refused (another tab opening it).
    const tab = await agentOn(node.url, node.tokens.alice!);
    await tab.LIVECHAT.joinContact(chats[0]!.contact.contact.id, "Alice");

    await alice.LIVECHAT.leave(chats[0]!.contact.contact.id);
    await alice.LIVECHAT.joinContact(fourth, "Alice");
    await waitFor(() => chats[3]!.log.includes("added:Alice"), () => `the customer to see Alice join; saw ${chats[3]!.log.join(", ")}`);
  });
});

it("an agent added with --capacity 1 is refused a second chat; a wrong --capacity is refused before anything is stored", async () => {
  const node = await startNode(["alice"]);
  const dataDir = node.dataDir;
  await run(process.execPath, [CLI, "agent", "add", "solo", "--password", "solo-password", "--capacity", "1", "--data-dir", dataDir]);
  const refused = await run(process.execPath, [CLI, "agent", "add", "none", "--password", "none-password", "--capacity", "0", "--data-dir", dataDir]).then(
    () => "created",
    (error: { stderr: string }) => error.stderr,
  );
  expect(refused).toContain("--capacity must be an integer between 1 and 100000");
  expect(await loginAgent(node.url, "none", "none-password").catch(() => "refused")).toBe("refused");

  const solo = await agentOn(node.url, await loginAgent(node.url, "solo", "solo-password"));
  const [first, second] = await Promise.all([customerOn(node.url, "Jo"), customerOn(node.url, "Kim")]);
  await solo.LIVECHAT.joinContact(first.contact.contact.id, "Solo");
  await expect(solo.LIVECHAT.joinContact(second.contact.contact.id, "Solo")).rejects.toMatchObject({ code: "AGENT_CAPACITY_FULL", details: { capacity: 1 } });
  // Alice has no capacity of her own: the install's default (3) applies.
  const alice = await agentOn(node.url, node.tokens.alice!);
  await alice.LIVECHAT.joinContact(second.contact.contact.id, "Alice");
});

describe("presence and the grace period on one node", () => {
  it("tells watching agents a status set by hand, and offline when the last socket closes", async () => {
    const node = await startNode(["alice", "bob"]);
    const bob = await agentOn(node.url, node.tokens.bob!);
    const heard = await watchPresence(bob);
    const aliceId = await agentId(node.url, "alice");

    const alice = await agentOn(node.url, node.tokens.alice!);
    const aliceTab = await agentOn(node.url, node.tokens.alice!);
    await waitFor(() => lastStatusOf(heard, aliceId) === "available", () => `bob to see alice available; heard ${JSON.stringify(heard)}`);
    expect(await alice.LIVECHAT.setStatus("away")).toBe("away");
    await waitFor(() => lastStatusOf(heard, aliceId) === "away", () => `bob to see alice away; heard ${JSON.stringify(heard)}`);

    // One of two tabs closed: still away, not offline.
    await alice.LIVECHAT.logout();
    expect(await aliceTab.LIVECHAT.setStatus("available")).toBe("available");
    await waitFor(() => lastStatusOf(heard, aliceId) === "available", () => `bob to see alice available again; heard ${JSON.stringify(heard)}`);
    expect(heard.filter((p) => p.agentId === aliceId).map((p) => p.status)).toEqual(["available", "away", "available"]);
    await aliceTab.LIVECHAT.logout();
    await waitFor(() => lastStatusOf(heard, aliceId) === "offline", () => `bob to see alice offline; heard ${JSON.stringify(heard)}`);

    // A customer has no status to set.
    const { sdk } = await customerOn(node.url, "Carla");
    await expect(sdk.LIVECHAT.setStatus("away")).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("returns a gone agent's chat to the queue after the grace period, and the next agent gets the whole history", async () => {
    const node = await startNode(["alice", "bob", "carol"], 1);
    const { contact, log } = await customerOn(node.url, "Dana");
    const alice = await agentOn(node.url, node.tokens.alice!);
    const carol = await agentOn(node.url, node.tokens.carol!);
    const aliceContact = await alice.LIVECHAT.joinContact(contact.contact.id, "Alice");
    await carol.LIVECHAT.joinContact(contact.contact.id, "Carol");
    await contact.sendMessage("my order is late");
    await aliceContact.sendMessage("let me look");

    // Alice's tab closes; Carol stays connected through the same time.
    await alice.LIVECHAT.logout();
    await waitFor(() => log.includes("left:Alice"), () => `the customer to see Alice leave; saw ${log.join(", ")}`, 30_000);
    expect(await myChatIds(node.url, node.tokens.alice!)).toEqual([]);
    // Carol was online all along: still in the chat.
    expect(await myChatIds(node.url, node.tokens.carol!)).toEqual([contact.contact.id]);
    await carol.LIVECHAT.leave(contact.contact.id);
    const waiting = await listChats(node.url, node.tokens.bob!, "status=waiting");
    expect(waiting.body.chats.map((c) => c.id)).toContain(contact.contact.id);

    const bob = await agentOn(node.url, node.tokens.bob!);
    const joined = await bob.LIVECHAT.joinContact(contact.contact.id, "Bob");
    const history = await bob.LIVECHAT.getChatHistory(joined);
    expect(history.messages.map((m) => (m.data.content as { text?: string }).text)).toEqual(["my order is late", "let me look"]);
    expect(log).toEqual(["added:Alice", "added:Carol", "message:let me look", "left:Alice", "left:Carol", "added:Bob"]);
  });
});

/**
 * A TCP gate in front of a node, on a port of its own: shut, it cuts the
 * connections through it and refuses new ones (the agent's network is gone);
 * opened again, it forwards as before.
 */
class Gate {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, "127.0.0.1");
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.server = server;
  }

  async shut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

it("an agent whose network was gone past the grace period does not take the chat back when it returns", async () => {
  const node = await startNode(["alice", "bob"], 1);
  const gate = new Gate(await freePort(), Number(new URL(node.url).port));
  await gate.open();
  cleanups.push(() => gate.shut());
  const { contact, log } = await customerOn(node.url, "Lou");
  const alice = createLiveChatSdk({ maxReconnectDelayMs: 1_000 });
  alice.init({ serverUrl: gate.url });
  cleanups.push(() => alice.LIVECHAT.logout());
  await alice.LIVECHAT.login(node.tokens.alice!, false, false, () => {});
  const refusals: string[] = [];
  alice.LIVECHAT.on("error", (error) => refusals.push(`${error.code}:${error.chatId ?? ""}`));
  await alice.LIVECHAT.joinContact(contact.contact.id, "Alice");

  await gate.shut();
  await waitFor(() => log.includes("left:Alice"), () => `the customer to see Alice leave; saw ${log.join(", ")}`, 30_000);
  await gate.open();
  // Her SDK reconnects and resumes the chat it still holds: refused, nothing stored.
  await waitFor(() => refusals.includes(`NOT_A_PARTICIPANT:${contact.contact.id}`), () => `alice's resume to be refused; got ${refusals.join(", ")}`, 30_000);
  const bob = await agentOn(node.url, node.tokens.bob!);
  await bob.LIVECHAT.joinContact(contact.contact.id, "Bob");
  await waitFor(() => log.includes("added:Bob"), () => `the customer to see Bob join; saw ${log.join(", ")}`);
  expect(log).toEqual(["added:Alice", "left:Alice", "added:Bob"]);
  expect(await myChatIds(node.url, node.tokens.alice!)).toEqual([]);
});

describe("the grace period across a restart", () => {
  it("returns the chat of an agent who left before the node restarted", async () => {
    const data = await tempDataDir();
    cleanups.push(() => data.remove());
    await addAgent(data.dir, "alice", "alice-password");
    const port = await freePort();
    // Long enough for the node to stop and start again inside it: the deadline must come from the store.
    const env = { PARLEY_AGENT_GRACE_SECONDS: "3" };
    let node = new ServerProcess(port, data.dir, env);
    cleanups.push(() => node.stop());
    await node.start();
    const token = await loginAgent(node.url, "alice", "alice-password");
    const { contact, log } = await customerOn(node.url, "Erin");
    const alice = await agentOn(node.url, token);
    await alice.LIVECHAT.joinContact(contact.contact.id, "Alice");
    await alice.LIVECHAT.logout();

    expect(await node.stop()).toBe(0);
    expect(log).not.toContain("left:Alice");
    node = new ServerProcess(port, data.dir, env);
    await node.start();
    // The customer's SDK reconnects by itself and resumes: the leave arrives as a live event.
    await waitFor(() => log.includes("left:Alice"), () => `the customer to see Alice leave after the restart; saw ${log.join(", ")}`, 30_000);
    expect(await myChatIds(node.url, token)).toEqual([]);
  });
});

describePostgres("presence and the grace period on two nodes", () => {
  let database: TestDatabase;
  let prefix: string;
  let a: ServerProcess;
  let b: ServerProcess;
  let tokens: Record<string, string>;
  const dirs: { remove: () => Promise<void> }[] = [];

  beforeAll(async () => {
    database = await freshDatabase();
    prefix = randomPrefix();
    const env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, PARLEY_REDIS_PREFIX: prefix, PARLEY_AGENT_GRACE_SECONDS: "1" };
    const [dirA, dirB] = [await tempDataDir(), await tempDataDir()];
    dirs.push(dirA, dirB);
    a = new ServerProcess(await freePort(), dirA.dir, env);
    b = new ServerProcess(await freePort(), dirB.dir, env);
    await a.start();
    await b.start();
    tokens = {};
    for (const name of ["alice", "bob", "carol"]) {
      await addAgent(dirA.dir, name, `${name}-password`, database.url);
      tokens[name] = await loginAgent(a.url, name, `${name}-password`);
    }
  }, 120_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    for (const dir of dirs) await dir.remove();
    await database?.drop();
    if (prefix !== undefined) await removePrefix(TEST_REDIS_URL, prefix);
  });

  it("an agent on node A is seen away and then offline by an agent on node B; their chat returns once", async () => {
    const bob = await agentOn(b.url, tokens.bob!);
    const heard = await watchPresence(bob);
    const aliceId = await agentId(a.url, "alice");
    const { contact, log } = await customerOn(b.url, "Fay");

    const alice = await agentOn(a.url, tokens.alice!);
    await alice.LIVECHAT.joinContact(contact.contact.id, "Alice");
    await waitFor(() => lastStatusOf(heard, aliceId) === "available", () => `bob on B to see alice available; heard ${JSON.stringify(heard)}`);
    await alice.LIVECHAT.setStatus("away");
    await waitFor(() => lastStatusOf(heard, aliceId) === "away", () => `bob on B to see alice away; heard ${JSON.stringify(heard)}`);
    // Her status is the same whichever node she opens a socket on.
    const aliceOnB = await agentOn(b.url, tokens.alice!);
    expect(await aliceOnB.LIVECHAT.setStatus("away")).toBe("away");
    await aliceOnB.LIVECHAT.logout();
    await alice.LIVECHAT.logout();
    await waitFor(() => lastStatusOf(heard, aliceId) === "offline", () => `bob on B to see alice offline; heard ${JSON.stringify(heard)}`);

    // Both nodes sweep; one returns the chat.
    await waitFor(() => log.includes("left:Alice"), () => `the customer to see Alice leave; saw ${log.join(", ")}`, 30_000);
    await bob.LIVECHAT.joinContact(contact.contact.id, "Bob");
    await waitFor(() => log.includes("added:Bob"), () => `the customer to see Bob join; saw ${log.join(", ")}`);
    expect(log).toEqual(["added:Alice", "left:Alice", "added:Bob"]);
  });

  it("the agents of a node that dies go offline on the other node, and their chats return", async () => {
    const dir = await tempDataDir();
    dirs.push(dir);
    const carolNode = new ServerProcess(await freePort(), dir.dir, {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      PARLEY_REDIS_PREFIX: prefix,
      PARLEY_AGENT_GRACE_SECONDS: "1",
    });
    await carolNode.start();
    cleanups.push(() => carolNode.stop());
    const bob = await agentOn(b.url, tokens.bob!);
    const heard = await watchPresence(bob);
    const carolId = await agentId(a.url, "carol");
    const { contact, log } = await customerOn(b.url, "Gus");
    const carol = await agentOn(carolNode.url, tokens.carol!);
    await carol.LIVECHAT.joinContact(contact.contact.id, "Carol");
    await waitFor(() => lastStatusOf(heard, carolId) === "available", () => `bob to see carol available; heard ${JSON.stringify(heard)}`);

    // Nobody closes carol's socket cleanly: her node is gone, and with it the counts it repeated.
    await carolNode.kill();
    await waitFor(() => lastStatusOf(heard, carolId) === "offline", () => `bob to see carol offline; heard ${JSON.stringify(heard)}`);
    await waitFor(() => log.includes("left:Carol"), () => `the customer to see Carol leave; saw ${log.join(", ")}`, 30_000);
    expect(log.filter((entry) => entry === "left:Carol")).toHaveLength(1);
  });
});
