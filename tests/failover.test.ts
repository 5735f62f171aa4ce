/**
 * Node failure, at process level: two `parley serve` processes on one
 * PostgreSQL database and one Redis, four chats whose customer and agent send
 * without pause, each client given both nodes' URLs (half of them preferring
 * each node). One node is killed with SIGKILL mid-stream; every client ends on
 * the other node and, once the senders are done, the counts hold: every
 * acknowledged message is stored once and reaches the other side exactly once,
 * in order, and nothing is stored twice.
 */
import { afterEach, expect, it } from "vitest";
import { describePostgres } from "../packages/server/test/pg-support.js";
import { expectCounts, startCluster, startTraffic, type Cluster, type Traffic } from "./support/cluster.js";
import { waitFor } from "./support/wait.js";

const CHATS = 4;
const MESSAGES = 20;
const AGENTS = ["alice", "bob"];

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function cluster(): Promise<Cluster> {
  const started = await startCluster(AGENTS);
  cleanups.push(() => started.close());
  return started;
}

async function traffic(of: Cluster): Promise<Traffic> {
  const started = await startTraffic(of, CHATS, AGENTS);
  cleanups.push(() => started.logout());
  return started;
}

describePostgres("a node killed during traffic between two server processes", () => {
  it("SIGKILL of a node: every client ends on the other node; nothing acknowledged is lost or doubled", async () => {
    const c = await cluster();
    const t = await traffic(c);
    const sending = t.run(MESSAGES);
    await waitFor(() => t.acknowledged() >= CHATS * 2 * 5, () => `some traffic before the kill, ${t.acknowledged()} acknowledged`, 60_000);
    await c.a.kill();
    await sending;
    await expectCounts(t, MESSAGES);
    // Nothing was refused: the SDK re-sent on node B what node A never answered.
    expect(t.chats.flatMap((chat) => [...chat.customer.refused, ...chat.agent.refused])).toEqual([]);
    // Every SDK is connected, and node B holds all their sockets.
    for (const sdk of t.sdks) expect(sdk.LIVECHAT.state).toBe("connected");
    const metrics = await (await fetch(`${c.b.url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^parley_connections_open ${t.sdks.length}$`, "m"));
  }, 120_000);
});
