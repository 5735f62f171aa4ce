/**
 * Faults during traffic, at process level: two `parley serve` processes on
 * one PostgreSQL database and one Redis, four chats whose customer and agent
 * send without pause, each client given both nodes' URLs (half of them
 * preferring each node). Then one fault mid-stream — a node killed with
 * SIGKILL, Redis killed and restarted, the database's connections
 * terminated — and, once the senders are done, the counts: every
 * acknowledged message is stored once and reaches every recipient exactly
 * once, in order; a refused send is stored once or not at all.
 */
import { afterEach, expect, it } from "vitest";
import { describePostgres, terminateConnections } from "../packages/server/test/pg-support.js";
import { RedisProcess } from "../packages/server/test/redis-support.js";
import { countSide, startCluster, startTraffic, storedTexts, sentOrder, type Cluster, type Traffic } from "./support/cluster.js";
import { waitFor } from "./support/wait.js";

const CHATS = 4;
const MESSAGES = 30;
const AGENTS = ["alice", "bob"];

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function cluster(redisUrl?: string): Promise<Cluster> {
  const started = await startCluster(AGENTS, redisUrl);
  cleanups.push(() => started.close());
  return started;
}

async function traffic(of: Cluster): Promise<Traffic> {
  const started = await startTraffic(of, CHATS, AGENTS);
  cleanups.push(() => started.logout());
  return started;
}

/** The counts, for both directions of every chat, against the history read by the customer's SDK. */
async function expectCounts(t: Traffic): Promise<void> {
  for (const [i, chat] of t.chats.entries()) {
    const stored = await storedTexts(chat.customer.contact, chat.customerSdk);
    for (const [sender, recipient] of [
      [chat.customer, chat.agent],
      [chat.agent, chat.customer],
    ] as const) {
      const count = await countSide(sender, recipient, stored);
      const intended = sentOrder(sender.nickname, MESSAGES);
      // Every send ended one way or the other.
      expect([...count.acknowledged, ...count.refused].sort(), `chat ${i} ${sender.nickname}`).toEqual([...intended].sort());
      // Stored: in the order sent, each at most once, every acknowledged one among them.
      expect(count.stored, `stored texts of ${sender.nickname}`).toEqual(intended.filter((text) => count.stored.includes(text)));
      expect(new Set(count.stored).size).toBe(count.stored.length);
      for (const text of count.acknowledged) expect(count.stored).toContain(text);
      // Received: exactly what is stored, once each, in order.
      expect(count.received, `${recipient.nickname} received from ${sender.nickname}`).toEqual(count.stored);
    }
  }
}

describePostgres("faults during traffic between two server processes", () => {
  it("SIGKILL of a node: every client ends on the other node; nothing acknowledged is lost or doubled", async () => {
    const c = await cluster();
    const t = await traffic(c);
    const sending = t.run(MESSAGES);
    await waitFor(() => t.acknowledged() >= CHATS * 2 * 5, () => `some traffic before the kill, ${t.acknowledged()} acknowledged`, 60_000);
    await c.a.kill();
    await sending;
    await expectCounts(t);
    // Nothing was refused: the SDK re-sent on node B what node A never answered.
    expect(t.chats.flatMap((chat) => [...chat.customer.refused, ...chat.agent.refused])).toEqual([]);
    // Every SDK is connected, and node B holds all their sockets.
    for (const sdk of t.sdks) expect(sdk.LIVECHAT.state).toBe("connected");
    const metrics = await (await fetch(`${c.b.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^parley_connections_open ${t.sdks.length}$`, "m"));
  }, 120_000);

  it("Redis killed and restarted during traffic: recipients fill the gap from the store", async () => {
    const redis = await RedisProcess.start();
    cleanups.push(() => redis.kill());
    const c = await cluster(redis.url);
    const t = await traffic(c);
    const sending = t.run(MESSAGES);
    await waitFor(() => t.acknowledged() >= CHATS * 2 * 5, () => `some traffic before Redis goes, ${t.acknowledged()} acknowledged`, 60_000);
    await redis.kill();
    const atKill = t.acknowledged();
    // Sends go on without Redis: the store commits them and the node answers.
    await waitFor(() => t.acknowledged() >= atKill + CHATS * 2 * 3, () => `sends acknowledged while Redis is away, ${t.acknowledged() - atKill}`, 60_000);
    await redis.restart();
    await sending;
    await expectCounts(t);
    expect(t.chats.flatMap((chat) => [...chat.customer.refused, ...chat.agent.refused])).toEqual([]);
    await waitFor(() => t.sdks.every((sdk) => sdk.LIVECHAT.state === "connected"), () => "every SDK connected");
  }, 120_000);

  it("PostgreSQL connections terminated during traffic: the SDK writes refused sends again; each is stored and received exactly once", async () => {
    const c = await cluster();
    const t = await traffic(c);
    const sending = t.run(MESSAGES);
    let terminated = 0;
    for (const after of [5, 12, 20]) {
      await waitFor(() => t.acknowledged() >= CHATS * 2 * after, () => `traffic before termination, ${t.acknowledged()} acknowledged`, 60_000);
      terminated += await terminateConnections(c.database.name);
    }
    expect(terminated).toBeGreaterThan(0);
    await sending;
    await expectCounts(t);
    // A send the node answered with STORE_UNAVAILABLE (nothing changed) was written again by the
    // SDK, same client id, until it was stored: the application saw no refusal.
    expect(t.chats.flatMap((chat) => [...chat.customer.refused, ...chat.agent.refused])).toEqual([]);
    await waitFor(() => t.sdks.every((sdk) => sdk.LIVECHAT.state === "connected"), () => "every SDK connected");
  }, 120_000);
});
