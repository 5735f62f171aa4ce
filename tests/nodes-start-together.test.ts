/**
 * Several `parley serve` processes started at the same moment on one new
 * PostgreSQL database: every node starts and stays up, whatever the order in
 * which they migrate and look for agents; exactly one demo agent exists, one
 * node prints its password, and that password logs in on every node. And the
 * same for two processes sharing one SQLite data directory.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { describePostgres, freshDatabase, queryDatabase, type TestDatabase } from "../packages/server/test/pg-support.js";
import { CLI, freePort, loginAgent, ServerProcess, tempDataDir } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const NODES = 3;
const run = promisify(execFile);

interface Nodes {
  nodes: ServerProcess[];
  /** Each node's `start()`: fulfilled once it answers /healthz. */
  started: Promise<PromiseSettledResult<void>[]>;
  close(): Promise<void>;
}

/** Starts `NODES` nodes at once on `database`, each with its own data directory; without a database, `count` nodes on one SQLite data directory. */
async function startNodes(database: TestDatabase | undefined, count = NODES): Promise<Nodes> {
  const shared = database === undefined ? await tempDataDir() : undefined;
  const dirs = shared === undefined ? await Promise.all(Array.from({ length: count }, () => tempDataDir())) : [shared];
  const nodes: ServerProcess[] = [];
  for (let i = 0; i < count; i++) {
    const dir = shared ?? dirs[i]!;
    nodes.push(new ServerProcess(await freePort(), dir.dir, database === undefined ? {} : { DATABASE_URL: database.url }));
  }
  return {
    nodes,
    started: Promise.allSettled(nodes.map((node) => node.start())),
    close: async () => {
      for (const node of nodes) await node.stop();
      for (const dir of dirs) await dir.remove();
    },
  };
}

const outputs = (nodes: ServerProcess[]): string => nodes.map((node) => node.output).join("\n---\n");

/** Every node up and ready, one demo agent, its password printed by one node only, and it logs in everywhere. */
async function expectAllUpWithOneDemoAgent({ nodes, started }: Nodes, agentNames: () => Promise<string[]>): Promise<void> {
  expect((await started).map((result) => result.status), outputs(nodes)).toEqual(nodes.map(() => "fulfilled"));
  // The demo agent is made after the node listens: wait until each has said how it started, or died.
  await waitFor(
    () => nodes.every((node) => node.hasExited || /Parley is running/.test(node.output)),
    () => `every node to announce its start:\n${outputs(nodes)}`,
    60_000,
  );
  expect(nodes.map((node) => node.hasExited), outputs(nodes)).toEqual(nodes.map(() => false));
  for (const node of nodes) expect((await fetch(`${node.url}/readyz`)).status).toBe(200);

  expect(await agentNames()).toEqual(["demo"]);
  const printed = nodes.flatMap((node) => [...node.output.matchAll(/password: (\S+)/g)].map((match) => match[1]!));
  expect(printed, outputs(nodes)).toHaveLength(1);
  for (const node of nodes) await expect(loginAgent(node.url, "demo", printed[0]!)).resolves.toMatch(/\./);
}

/** The usernames of the agents stored in `database`. */
async function agentsIn(database: TestDatabase): Promise<string[]> {
  return (await queryDatabase<{ username: string }>(database.url, "select username from agents")).map((row) => row.username);
}

describe("processes starting together on one SQLite data directory", () => {
  it("both start, one demo agent is created and its printed password logs in on both", { timeout: 120_000 }, async () => {
    const cluster = await startNodes(undefined, 2);
    try {
      await expectAllUpWithOneDemoAgent(cluster, () => {
        const db = new BetterSqlite3(join(cluster.nodes[0]!.dataDir, "parley.db"), { readonly: true });
        try {
          return Promise.resolve((db.prepare("select username from agents").all() as { username: string }[]).map((row) => row.username));
        } finally {
          db.close();
        }
      });
    } finally {
      await cluster.close();
    }
  });
});

describePostgres("nodes starting together on a fresh PostgreSQL database", () => {
  it("all migrate and start; one demo agent is created and its printed password logs in", { timeout: 120_000 }, async () => {
    const database = await freshDatabase();
    const cluster = await startNodes(database);
    try {
      await expectAllUpWithOneDemoAgent(cluster, () => agentsIn(database));
    } finally {
      await cluster.close();
      await database.drop();
    }
  });

  it("all start when every node looks for agents at the same moment", { timeout: 120_000 }, async () => {
    const database = await freshDatabase();
    await run(process.execPath, [CLI, "migrate", "--database-url", database.url]);
    // Hold the agents table so that every node, once listening, waits on its first look for
    // agents; released together, they all find none and all try to create the demo agent.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    await holder.query("begin");
    await holder.query("lock table agents in access exclusive mode");
    const cluster = await startNodes(database);
    try {
      let waiting = 0;
      let polling = true;
      const poll = (async () => {
        while (polling && waiting < NODES) {
          const rows = await queryDatabase<{ n: string }>(
            database.url,
            "select count(*) as n from pg_locks where relation = 'agents'::regclass and not granted",
          );
          waiting = Number(rows[0]?.n ?? 0);
        }
      })();
      await waitFor(
        () => waiting >= NODES || cluster.nodes.some((node) => node.hasExited),
        () => `${NODES} nodes to wait on the agents table, ${waiting} do:\n${outputs(cluster.nodes)}`,
        60_000,
      );
      polling = false;
      await poll;
      await holder.query("rollback");
      await expectAllUpWithOneDemoAgent(cluster, () => agentsIn(database));
    } finally {
      await holder.end().catch(() => undefined);
      await cluster.close();
      await database.drop();
    }
  });
});
