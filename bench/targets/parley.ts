/**
 * Parley as the bench runs it: the real CLI (`packages/server/dist/cli.js
 * serve`) on a temporary data dir with SQLite and durable commits, agents made
 * with the CLI and logged in over REST. Limits meant for people (chats started
 * per minute per address, messages per second per socket…) are raised through
 * their environment variables: the whole load comes from one address and a few
 * sockets.
 * @module
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort } from "../../tests/support/ports.js";
import { ServerProcess } from "./server-process.js";

const run = promisify(execFile);
export const CLI = fileURLToPath(new URL("../../packages/server/dist/cli.js", import.meta.url));

/** Environment of a bench server: every per-person limit above what the workload asks. */
export const BENCH_SERVER_ENV: Record<string, string> = {
  LOG_LEVEL: "warn",
  PARLEY_CONTACTS_PER_MINUTE: "10000000",
  PARLEY_LOGINS_PER_MINUTE: "100000",
  PARLEY_UPLOADS_PER_MINUTE: "100000",
  PARLEY_MESSAGES_PER_SECOND: "100000",
  PARLEY_MESSAGES_BURST: "100000",
  PARLEY_TYPING_PER_SECOND: "10000",
  PARLEY_MAX_CONTACTS_PER_SESSION: "10000",
  PARLEY_AGENT_CAPACITY: "100000",
  // The load comes from one address and its agents' sockets answer every message with receipts.
  PARLEY_REQUESTS_PER_SECOND: "1000000",
  PARLEY_REQUESTS_BURST: "1000000",
  PARLEY_SOCKETS_PER_ADDRESS: "1000000",
  // The idle test holds 20,000 connections from one address, above the HTTP guards' defaults.
  PARLEY_MAX_CONNECTIONS: "1000000",
  PARLEY_MAX_CONNECTIONS_PER_ADDRESS: "1000000",
};

const isHealthy = async (url: string) => (await fetch(`${url}/healthz`)).ok;

export interface ParleyDeployment {
  /** Every node's URL; clients are spread over them. */
  urls: string[];
  nodes: ServerProcess[];
  agentTokens: string[];
  stop(): Promise<void>;
}

export interface ParleyOptions {
  agents: number;
  /** Extra node flags for the server (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /**
   * Cluster mode: this many nodes sharing PostgreSQL (`DATABASE_URL`) and
   * Redis (`REDIS_URL`) instead of one node on SQLite.
   */
  cluster?: { nodes: number; databaseUrl: string; redisUrl: string };
}

export async function startParley(options: ParleyOptions): Promise<ParleyDeployment> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "parley-bench-"));
  const secret = randomBytes(32).toString("base64url");
  const password = "bench-password";
  const usernames = Array.from({ length: options.agents }, (_, i) => `agent${i + 1}`);
  const clusterEnv: Record<string, string> = options.cluster
    ? { DATABASE_URL: options.cluster.databaseUrl, REDIS_URL: options.cluster.redisUrl }
    : {};
  const nodes: ServerProcess[] = [];
  const stopAll = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    // Agents are made with the CLI, as an operator would; three at a time (each hashes a password),
    // once the database exists (two first starts would race to create it).
    await run(process.execPath, [CLI, "migrate", "--data-dir", dataDir], { env: { ...process.env, ...clusterEnv } });
    for (let i = 0; i < usernames.length; i += 3) {
      await Promise.all(
        usernames.slice(i, i + 3).map((username) =>
          run(process.execPath, [CLI, "agent", "add", username, "--password", password, "--data-dir", dataDir], { env: { ...process.env, ...clusterEnv } }),
        ),
      );
    }
    for (let n = 0; n < (options.cluster?.nodes ?? 1); n++) {
      const port = await freePort();
      nodes.push(
        await ServerProcess.start({
          script: CLI,
          args: ["serve", "--port", String(port), "--host", "127.0.0.1", "--data-dir", options.cluster ? path.join(dataDir, `node${n}`) : dataDir, `--secret=${secret}`],
          nodeFlags: options.nodeFlags ?? [],
          env: { ...BENCH_SERVER_ENV, ...clusterEnv },
          port,
          isUp: isHealthy,
        }),
      );
    }
  } catch (error) {
    // Nothing of a failed start is left behind: no server, no data dir.
    await stopAll();
    throw error;
  }
  const urls = nodes.map((node) => node.url);
  const agentTokens: string[] = [];
  for (const [i, username] of usernames.entries()) {
    const response = await fetch(`${urls[i % urls.length]}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 200) {
      const message = `agent login failed: ${response.status} ${await response.text()}`;
      await stopAll();
      throw new Error(message);
    }
    agentTokens.push(((await response.json()) as { token: string }).token);
  }
  return {
    urls,
    nodes,
    agentTokens,
    stop: stopAll,
  };
}
