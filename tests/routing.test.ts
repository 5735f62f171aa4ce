/**
 * Queues and routing with real sockets, the real SDK and the real CLI: auto
 * routing's offers (a lapse moves the chat on, a decline moves it on, a late
 * accept is refused), capacity with 40 chats and 5 agents, the customers'
 * positions as chats ahead are taken (raw sockets), waiting limits, the
 * queues' REST routes, and two server processes on PostgreSQL and Redis that
 * never assign one of 200 chats twice.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLiveChatSdk, LiveChatError, type Contact, type LiveChatSdk } from "@parley/sdk";
import type { ChatListItem, ChatListResponse, ChatOffer, QueueInfo, StartContactResponse } from "@parley/protocol";
import { createParleyServer } from "@parley/server";
import { describePostgres } from "../packages/server/test/pg-support.js";
import { startCluster } from "./support/cluster.js";
import { RawSocket, type Frame } from "./support/raw-socket.js";
import { CLI, loginAgent, tempDataDir, TEST_SECRET } from "./support/server.js";
import { waitFor } from "./support/wait.js";

// Servers as processes, a cluster on PostgreSQL, offers that must lapse: generous on a loaded machine.
vi.setConfig({ testTimeout: 360_000, hookTimeout: 120_000 });

const run = promisify(execFile);
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

/** Runs the real CLI, as an operator would. */
async function parley(args: string[], storage: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args, ...storage]);
  return stdout;
}

interface AgentSpec {
  name: string;
  queues?: string;
  capacity?: number;
  role?: "admin";
}

interface Node {
  url: string;
  tokens: Record<string, string>;
}

/** Queues first (`queue add` arguments), then the agents, with the CLI; then one in-process node on SQLite. */
async function startNode(queues: string[][], agents: AgentSpec[]): Promise<Node> {
  const data = await tempDataDir();
  const storage = ["--data-dir", data.dir];
  for (const queue of queues) await parley(["queue", "add", ...queue], storage);
  for (const agent of agents) {
    const extra = [
      ...(agent.queues === undefined ? [] : ["--queues", agent.queues]),
      ...(agent.capacity === undefined ? [] : ["--capacity", String(agent.capacity)]),
      ...(agent.role === undefined ? [] : ["--role", agent.role]),
    ];
    await parley(["agent", "add", agent.name, "--password", `${agent.name}-password`, ...extra], storage);
  }
  const server = createParleyServer({
    dataDir: data.dir,
    secret: TEST_SECRET,
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    contactsPerMinute: 10_000,
    loginsPerMinute: 10_000,
    // A short grace period makes the desk's heartbeat (and routing's backstop pass) quick.
    agentGraceSeconds: 2,
    agentCapacity: 3,
  });
  const { url } = await server.listen();
  cleanups.push(() => data.remove(), () => server.close());
  const tokens: Record<string, string> = {};
  for (const agent of agents) tokens[agent.name] = await loginAgent(url, agent.name, `${agent.name}-password`);
  return { url, tokens };
}

interface Agent {
  sdk: LiveChatSdk;
  offers: ChatOffer[];
  withdrawn: string[];
}

async function agentOn(url: string, token: string): Promise<Agent> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: url });
  cleanups.push(() => sdk.LIVECHAT.logout());
  const agent: Agent = { sdk, offers: [], withdrawn: [] };
  sdk.LIVECHAT.on("offer", (offer) => agent.offers.push(offer));
  sdk.LIVECHAT.on("offerWithdrawn", ({ chatId }) => agent.withdrawn.push(chatId));
  await sdk.LIVECHAT.login(token, false, false, () => {});
  return agent;
}

/** An agent who accepts every offer at once; what each accept came to is recorded. */
async function eagerAgent(url: string, token: string): Promise<Agent & { accepted: string[]; refused: string[] }> {
  const agent = { ...(await agentOn(url, token)), accepted: [] as string[], refused: [] as string[] };
  agent.sdk.LIVECHAT.on("offer", (offer) => {
    agent.sdk.LIVECHAT.acceptOffer(offer.chatId).then(
      () => agent.accepted.push(offer.chatId),
      (error: unknown) => agent.refused.push(error instanceof LiveChatError ? error.code : String(error)),
    );
  });
  return agent;
}

async function customerOn(url: string, nickname: string, queue?: string): Promise<{ contact: Contact; log: string[] }> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: url });
  cleanups.push(() => sdk.LIVECHAT.logout());
  const contact = await sdk.LIVECHAT.startContact(queue === undefined ? { nickname } : { nickname, queue });
  const log: string[] = [];
  contact.on("userAdded", (e) => log.push(`added:${e.user.nickname}`));
  contact.on("queueNotice", (e) => log.push(`notice:${e.then}:${e.text}`));
  contact.on("contactEnded", () => log.push("ended"));
  return { contact, log };
}

async function startChat(url: string, nickname: string, queue?: string): Promise<{ status: number; body: StartContactResponse & { error?: { code: string } } }> {
  const response = await fetch(`${url}/v1/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(queue === undefined ? { nickname } : { nickname, queue }),
  });
  return { status: response.status, body: (await response.json()) as StartContactResponse & { error?: { code: string } } };
}

async function chats(url: string, token: string, query: string): Promise<ChatListItem[]> {
  const response = await fetch(`${url}/v1/chats?${query}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as ChatListResponse).chats;
}

const lastPosition = (socket: RawSocket, chatId: string): number | undefined =>
  socket.frames.filter((f): f is Frame & { position: number } => f.t === "queuePosition" && f.chatId === chatId).at(-1)?.position;

describe("auto routing", () => {
  it("offers a chat to one agent; when the offer lapses it moves to the other, and the late accept is refused", async () => {
    const node = await startNode([["sales", "--mode", "auto", "--offer-seconds", "5"]], [{ name: "alice", queues: "sales" }, { name: "bob", queues: "sales" }]);
    const alice = await agentOn(node.url, node.tokens.alice!);
    const bob = await agentOn(node.url, node.tokens.bob!);
    const customer = await customerOn(node.url, "Carla", "sales");
    const chatId = customer.contact.contact.id;

    await waitFor(() => alice.offers.length + bob.offers.length > 0, () => "an offer");
    const [first, second] = alice.offers.length > 0 ? [alice, bob] : [bob, alice];
    expect(first.offers.map((o) => o.chatId)).toEqual([chatId]);
    expect(first.offers[0]).toMatchObject({ queue: "sales", nickname: "Carla", offerSeconds: 5 });
    // Offered to one agent at a time: the other hears nothing while it is open.
    expect(second.offers).toEqual([]);

    // The first agent lets it lapse: it moves on to the other agent.
    await waitFor(() => second.offers.length === 1, () => "the offer to move to the second agent", 30_000);
    expect(second.offers[0]!.chatId).toBe(chatId);
    await waitFor(() => first.withdrawn.includes(chatId), () => "the lapsed offer to be withdrawn");
    const late = await first.sdk.LIVECHAT.acceptOffer(chatId).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(LiveChatError);
    expect((late as LiveChatError).code).toBe("OFFER_EXPIRED");

    const contact = await second.sdk.LIVECHAT.acceptOffer(chatId);
    expect(contact.contact.id).toBe(chatId);
    const secondName = second === alice ? "alice" : "bob";
    await waitFor(() => customer.log.includes(`added:${secondName}`), () => `the customer to see ${secondName} join (log: ${customer.log.join(", ")})`);
    expect((await chats(node.url, node.tokens[secondName]!, "mine=true")).map((c) => c.id)).toEqual([chatId]);
    // Accepting again (a retry, another tab) answers as the first accept did, and joins nobody twice.
    expect((await second.sdk.LIVECHAT.acceptOffer(chatId)).contact.id).toBe(chatId);
    expect(customer.log.filter((entry) => entry.startsWith("added:"))).toEqual([`added:${secondName}`]);
  });

  it("a decline moves the chat on at once; an agent it is not offered to cannot take it", async () => {
    const node = await startNode([["sales", "--mode", "auto", "--offer-seconds", "60"]], [{ name: "alice", queues: "sales" }, { name: "bob", queues: "sales" }]);
    const alice = await agentOn(node.url, node.tokens.alice!);
    const bob = await agentOn(node.url, node.tokens.bob!);
    const customer = await customerOn(node.url, "Dmitri", "sales");
    const chatId = customer.contact.contact.id;

    await waitFor(() => alice.offers.length + bob.offers.length > 0, () => "an offer");
    const [first, second] = alice.offers.length > 0 ? [alice, bob] : [bob, alice];
    const notYours = await second.sdk.LIVECHAT.acceptOffer(chatId).catch((error: unknown) => error);
    expect((notYours as LiveChatError).code).toBe("OFFER_NOT_YOURS");

    await first.sdk.LIVECHAT.declineOffer(chatId);
    // Well before the 60 s offer could lapse.
    await waitFor(() => second.offers.length === 1, () => "the declined chat to be offered to the other agent", 20_000);
    expect(first.withdrawn).toContain(chatId);
    await second.sdk.LIVECHAT.acceptOffer(chatId);
    const active = await chats(node.url, node.tokens.alice!, "status=active");
    expect(active.map((c) => [c.id, c.agents.length])).toEqual([[chatId, 1]]);
  });

  it("an open offer rings again in a tab opened meanwhile and on a socket that reconnects, with its time unchanged", async () => {
    const node = await startNode([["sales", "--mode", "auto", "--offer-seconds", "300"]], [{ name: "alice", queues: "sales" }]);
    const first = await agentOn(node.url, node.tokens.alice!);
    const customer = await customerOn(node.url, "Hana", "sales");
    const chatId = customer.contact.contact.id;
    await waitFor(() => first.offers.length === 1, () => "the offer in the first tab");
    const rung = first.offers[0]!;

    // A second tab of the same agent, opened while the offer is open, rings for it too.
    const second = await agentOn(node.url, node.tokens.alice!);
    await waitFor(() => second.offers.length === 1, () => "the offer in the second tab");
    expect(second.offers[0]).toEqual(rung);
    // A socket closed and opened again (a reconnect) hears it again, right after its welcome.
    for (let attempt = 0; attempt < 2; attempt++) {
      const socket = await RawSocket.connect(node.url, node.tokens.alice!);
      cleanups.push(async () => socket.ws.close());
      await waitFor(() => socket.frames.some((f) => f.t === "offer"), () => `the offer on socket ${attempt + 1}`);
      expect(socket.frames.filter((f) => f.t === "offer")).toEqual([{ t: "offer", ...rung }]);
      socket.ws.close();
    }
    // The first tab's offer was never rung twice; accepting in the second tab withdraws it in both.
    expect(first.offers).toEqual([rung]);
    expect((await second.sdk.LIVECHAT.acceptOffer(chatId)).contact.id).toBe(chatId);
    await waitFor(() => first.withdrawn.includes(chatId) && second.withdrawn.includes(chatId), () => "the offer withdrawn in both tabs");
  });

  it("40 chats and 5 agents of capacity 8: every chat is assigned once, nobody above capacity", async () => {
    const names = ["ann", "ben", "cat", "dan", "eve"];
    const node = await startNode(
      [["support", "--mode", "auto"]],
      names.map((name) => ({ name, queues: "support", capacity: 8 })),
    );
    const agents = await Promise.all(names.map((name) => eagerAgent(node.url, node.tokens[name]!)));
    const started = await Promise.all(Array.from({ length: 40 }, (_, i) => startChat(node.url, `Customer ${i}`, "support")));
    expect(started.every((s) => s.status === 201)).toBe(true);

    const token = node.tokens.ann!;
    await waitFor(
      async () => (await chats(node.url, token, "status=active&limit=200")).length === 40,
      () => `every chat assigned (accepted ${agents.map((a) => a.accepted.length).join("/")}, refused ${agents.flatMap((a) => a.refused).join(",")})`,
      60_000,
    );
    expect(await chats(node.url, token, "status=waiting")).toEqual([]);
    const active = await chats(node.url, token, "status=active&limit=200");
    expect(active.every((chat) => chat.agents.length === 1)).toBe(true);
    for (const name of names) {
      const mine = await chats(node.url, node.tokens[name]!, "mine=true");
      expect(mine.length).toBe(8);
    }
    expect(agents.flatMap((a) => a.refused)).toEqual([]);
  });
});

describe("positions", () => {
  it("each waiting customer hears their place, and it moves up as chats ahead are taken", async () => {
    const node = await startNode([], [{ name: "alice" }]);
    const started = [];
    for (const nickname of ["Ana", "Bea", "Cid"]) started.push((await startChat(node.url, nickname)).body);
    const sockets = await Promise.all(started.map((s) => RawSocket.connect(node.url, s.token)));
    cleanups.push(async () => sockets.forEach((s) => s.ws.close()));
    const ids = started.map((s) => s.contact.id);
    await waitFor(() => ids.every((id, i) => lastPosition(sockets[i]!, id) === i + 1), () => "positions 1, 2, 3");
    const first = sockets[1]!.frames.find((f) => f.t === "queuePosition")!;
    expect(first).toMatchObject({ chatId: ids[1], queue: "default", etaSeconds: null });

    const alice = await agentOn(node.url, node.tokens.alice!);
    await alice.sdk.LIVECHAT.joinContact(ids[0]!);
    await waitFor(
      () => lastPosition(sockets[0]!, ids[0]!) === 0 && lastPosition(sockets[1]!, ids[1]!) === 1 && lastPosition(sockets[2]!, ids[2]!) === 2,
      () => "the taken chat at 0 and the others one place up",
    );
    // A customer's socket hears of its own chat only.
    for (const [i, socket] of sockets.entries()) {
      expect(socket.frames.filter((f) => f.t === "queuePosition").every((f) => f.chatId === ids[i])).toBe(true);
    }
  });
});

describe("waiting limits", () => {
  it("tell: the customer is told (a stored event) and keeps waiting; close: told, then the chat ends", async () => {
    const node = await startNode(
      [
        ["patient", "--wait-limit-seconds", "1", "--wait-limit-action", "tell", "--wait-limit-message", "Still busy, sorry"],
        ["strict", "--wait-limit-seconds", "1", "--wait-limit-action", "close", "--wait-limit-message", "Closed for now"],
      ],
      [{ name: "alice" }],
    );
    const told = await customerOn(node.url, "Ema", "patient");
    const closed = await customerOn(node.url, "Fay", "strict");
    await waitFor(() => told.log.includes("notice:wait:Still busy, sorry"), () => `the notice (log: ${told.log.join(", ")})`);
    await waitFor(() => closed.log.includes("ended"), () => `the close (log: ${closed.log.join(", ")})`);
    expect(closed.log).toEqual(["notice:close:Closed for now", "ended"]);

    const waiting = await chats(node.url, node.tokens.alice!, "status=waiting");
    expect(waiting.map((c) => c.id)).toEqual([told.contact.contact.id]);
    expect(waiting[0]).toMatchObject({ queue: "patient", firstWaitAt: waiting[0]!.createdAt });
    // Told once per wait, not at every pass: an agent joining and the next notice are the only ways on.
    const alice = await agentOn(node.url, node.tokens.alice!);
    await alice.sdk.LIVECHAT.joinContact(told.contact.contact.id);
    expect(told.log.filter((entry) => entry.startsWith("notice:"))).toHaveLength(1);
  });

  it("an unknown queue is refused with QUEUE_NOT_FOUND and starts nothing", async () => {
    const node = await startNode([], [{ name: "alice" }]);
    const refused = await startChat(node.url, "Gil", "nowhere");
    expect(refused.status).toBe(404);
    expect(refused.body.error?.code).toBe("QUEUE_NOT_FOUND");
    expect(await chats(node.url, node.tokens.alice!, "")).toEqual([]);
  });
});

describe("/v1/queues", () => {
  it("admins create, change and remove queues; agents list them; default stays", async () => {
    const node = await startNode([], [{ name: "root", role: "admin" }, { name: "alice" }]);
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${node.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as { queue?: QueueInfo; queues?: QueueInfo[]; error?: { code: string } } };
    };
    const admin = node.tokens.root!;
    const agent = node.tokens.alice!;
    const created = await call(admin, "POST", "/v1/queues", { name: "vip", mode: "auto", offerSeconds: 20 });
    expect(created.status).toBe(201);
    expect(created.body.queue).toMatchObject({ name: "vip", mode: "auto", offerSeconds: 20, waitLimitSeconds: null, members: [] });
    expect((await call(admin, "POST", "/v1/queues", { name: "vip" })).body.error?.code).toBe("QUEUE_EXISTS");
    expect((await call(agent, "POST", "/v1/queues", { name: "mine" })).body.error?.code).toBe("ROLE_FORBIDDEN");
    expect((await call(admin, "POST", "/v1/queues", { name: "Bad Name" })).status).toBe(400);

    const listed = await call(agent, "GET", "/v1/queues");
    expect(listed.body.queues?.map((q) => q.name)).toEqual(["default", "vip"]);
    const patched = await call(admin, "PATCH", "/v1/queues/vip", { waitLimitSeconds: 300, waitLimitAction: "tell" });
    expect(patched.body.queue).toMatchObject({ mode: "auto", waitLimitSeconds: 300, waitLimitAction: "tell" });
    expect((await call(admin, "PATCH", "/v1/queues/none", { mode: "auto" })).body.error?.code).toBe("QUEUE_NOT_FOUND");
    expect((await call(admin, "DELETE", "/v1/queues/default")).body.error?.code).toBe("QUEUE_IN_USE");
    expect((await call(admin, "DELETE", "/v1/queues/vip")).status).toBe(200);
    expect((await call(agent, "GET", "/v1/queues")).body.queues?.map((q) => q.name)).toEqual(["default"]);
  });
});

describePostgres("two nodes on PostgreSQL and Redis", () => {
  it("200 chats arriving at once on both nodes: every chat is assigned, none twice", async () => {
    const names = Array.from({ length: 8 }, (_, i) => `agent${i}`);
    const cluster = await startCluster(names);
    cleanups.push(() => cluster.close());
    // Long offers: on a loaded machine an accept may take a while to arrive (a lapse is tested above).
    await parley(["queue", "add", "rush", "--mode", "auto", "--offer-seconds", "300", "--members", names.join(",")], ["--data-dir", cluster.a.dataDir, "--database-url", cluster.database.url]);
    const agents = await Promise.all(names.map((name, i) => eagerAgent(i % 2 === 0 ? cluster.a.url : cluster.b.url, cluster.tokens[name]!)));

    // All at once; a start the loaded node turns away for now (429, 503, a dropped connection) is sent again, as a widget would.
    const turnedAway: string[] = [];
    const startRush = async (i: number): Promise<Awaited<ReturnType<typeof startChat>>> => {
      for (let attempt = 1; ; attempt++) {
        const result = await startChat(i % 2 === 0 ? cluster.a.url : cluster.b.url, `Rush ${i}`, "rush").catch((error: unknown) => ({ status: 0, body: { error: { code: String(error) } } }) as Awaited<ReturnType<typeof startChat>>);
        if (result.status === 201 || ![0, 429, 503].includes(result.status) || attempt === 5) return result;
        turnedAway.push(`${result.status}:${result.body.error?.code ?? ""}`);
      }
    };
    const started = await Promise.all(Array.from({ length: 200 }, (_, i) => startRush(i)));
    expect(started.filter((s) => s.status !== 201).map((s) => `${s.status}:${s.body.error?.code ?? ""}`), `turned away first: ${turnedAway.join(",")}`).toEqual([]);
    const ids = new Set(started.map((s) => s.body.contact.id));
    const token = cluster.tokens.agent0!;
    // The server's final state decides, however late the accepts' answers arrive on a loaded machine.
    await waitFor(
      async () => (await chats(cluster.b.url, token, "status=active&limit=200")).filter((chat) => chat.agents.length > 0).length === 200,
      () => `every chat assigned (accepted ${agents.map((a) => a.accepted.length).join("/")}, refused ${agents.flatMap((a) => a.refused).join(",")})`,
      240_000,
    );
    expect(await chats(cluster.a.url, token, "status=waiting")).toEqual([]);
    // Never assigned twice: each chat has exactly one agent in it, read on either node...
    for (const url of [cluster.a.url, cluster.b.url]) {
      const active = await chats(url, token, "status=active&limit=200");
      expect(new Set(active.map((chat) => chat.id))).toEqual(ids);
      expect(active.filter((chat) => chat.agents.length !== 1)).toEqual([]);
    }
    // ...and the agents' own lists split the 200 chats between them, none in two lists.
    const mine = await Promise.all(names.map(async (name) => (await chats(cluster.a.url, cluster.tokens[name]!, "mine=true")).map((chat) => chat.id)));
    const everyMine = mine.flat();
    expect(everyMine).toHaveLength(200);
    expect(new Set(everyMine)).toEqual(ids);
    // Every accept answered so far names a chat that agent has, none accepted twice; a refusal only says
    // the offer had moved on, or that its answer was too late to wait for (the chat is then assigned all the same).
    agents.forEach((agent, i) => expect(agent.accepted.filter((chatId) => !mine[i]!.includes(chatId))).toEqual([]));
    const accepted = agents.flatMap((a) => a.accepted);
    expect(accepted).toHaveLength(new Set(accepted).size);
    expect(agents.flatMap((a) => a.refused).filter((code) => code !== "OFFER_EXPIRED" && code !== "REQUEST_TIMEOUT")).toEqual([]);
  });
});
