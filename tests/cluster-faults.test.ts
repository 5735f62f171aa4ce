/**
 * Redis and PostgreSQL faults during traffic, at process level: two
 * `parley serve` processes on one database and one Redis, four chats whose
 * customer and agent send without pause, each client given both nodes' URLs.
 * Mid-stream a private `redis-server` is killed and restarted, or the
 * database's connections are terminated; once the senders are done, every
 * acknowledged message is stored once and reaches the other side exactly
 * once, in order, and nothing is stored twice.
 */
import { afterEach, expect, it } from "vitest";
import { describePostgres, terminateConnections } from "../packages/server/test/pg-support.js";
import { RedisProcess } from "../packages/server/test/redis-support.js";
import { expectCounts, startCluster, startTraffic, type Cluster, type Traffic } from "./support/cluster.js";
import { waitFor } from "./support/wait.js";

const CHATS = 4;
const MESSAGES = 20;
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

describePostgres("Redis and PostgreSQL faults during traffic between two server processes", () => {
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
    await expectCounts(t, MESSAGES);
    expect(t.chats.flatMap((chat) => [...chat.customer.refused, ...chat.agent.refused])).toEqual([]);
    await waitFor(() => t.sdks.every((sdk) => sdk.LIVECHAT.state === "connected"), () => "every SDK connected");
  }, 120_000);

  it("PostgreSQL connections terminated during traffic: the SDK writes refused sends again; each is stored and received exactly once", async () => {
    const c = await cluster();
    const t = await traffic(c);
    const sending = t.run(MESSAGES);
    let terminated = 0;
    for (const after of [4, 9, 14]) {
      await waitFor(() => t.acknowledged() >= CHATS * 2 * after, () => `traffic before termination, ${t.acknowledged()} acknowledged`, 60_000);
      terminated += await terminateConnections(c.database.name);
    }
    expect(terminated).toBeGreaterThan(0);
    await sending;
    await expectCounts(t, MESSAGES);
    // A send the node answered with STORE_UNAVAILABLE (nothing changed) was written again by the
    // SDK, same client id, until it was stored: the application saw no refusal.
    expect(t.chats.flatMap((chat) => [...chat.customer.refused, ...chat.agent.refused])).toEqual([]);
    await waitFor(() => t.sdks.every((sdk) => sdk.LIVECHAT.state === "connected"), () => "every SDK connected");
  }, 120_000);
});
