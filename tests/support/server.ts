import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createParleyServer, type ImageJobs, type ResponseViolation } from "@parley/server";
import { waitFor } from "./wait.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
/** The built CLI; `npm test` builds before running the suite. */
export const CLI = path.join(root, "packages/server/dist/cli.js");

export const TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef";

/** A temporary data directory, removed by the returned cleanup. */
export async function tempDataDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "parley-test-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Creates an agent with the real CLI, as an operator would. */
export async function addAgent(dataDir: string, username: string, password: string, databaseUrl?: string): Promise<void> {
  const database = databaseUrl === undefined ? [] : ["--database-url", databaseUrl];
  await run(process.execPath, [CLI, "agent", "add", username, "--password", password, "--data-dir", dataDir, ...database]);
}

/** Logs an agent in over REST and returns the token. */
export async function loginAgent(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { token: string };
  return body.token;
}

export interface InProcessServer {
  url: string;
  port: number;
  dataDir: string;
  /** Answers outside their route's declared schema, so far (empty unless `checkResponses` is off). */
  responseViolations: ResponseViolation[];
  /** Stops the server; fails when an answer was outside its route's schema (see `checkResponses`). */
  close(): Promise<void>;
}

/** A readable list of answers outside their schemas. */
export function describeViolations(violations: readonly ResponseViolation[]): string {
  return violations.map((v) => `${v.route} answered ${v.status}: ${v.problem}`).join("\n");
}

/** Starts a server in this process on a free port with its own data dir. */
export async function startServer(
  options: {
    limits?: Record<string, number>;
    contactsPerMinute?: number;
    dataDir?: string;
    allowedOrigins?: string;
    /** HTTP timeouts and connection caps (config `http`). */
    http?: Record<string, number>;
    /** The image job queue, for a test that holds its turns. */
    imageJobQueue?: ImageJobs;
    /**
     * Check every REST answer against its route's declared schema; `close()` then fails when one was outside it
     * (undeclared status, a field the serialiser dropped, a wrong type or content type). Default: on.
     */
    checkResponses?: boolean;
  } = {},
): Promise<InProcessServer> {
  const responseViolations: ResponseViolation[] = [];
  const data = options.dataDir ? { dir: options.dataDir, remove: async () => {} } : await tempDataDir();
  const server = createParleyServer({
    dataDir: data.dir,
    secret: TEST_SECRET,
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    contactsPerMinute: options.contactsPerMinute ?? 10_000,
    loginsPerMinute: 10_000,
    // Tests use one agent for many chats: capacity is tested where it is the subject (desk-ownership.test.ts).
    agentCapacity: 10_000,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    ...(options.http ? { http: options.http } : {}),
    ...(options.imageJobQueue ? { imageJobQueue: options.imageJobQueue } : {}),
    ...(options.checkResponses === false ? {} : { responseCheck: (violation: ResponseViolation) => responseViolations.push(violation) }),
  });
  const { url, port } = await server.listen();
  return {
    url,
    port,
    dataDir: data.dir,
    responseViolations,
    close: async () => {
      await server.close();
      await data.remove();
      if (responseViolations.length > 0) throw new Error(`answers outside their route's schema:\n${describeViolations(responseViolations)}`);
    },
  };
}

/**
 * A server in this process whose data dir already holds the named agents
 * (created with the real CLI, password `<name>-password`), and their tokens
 * (from the real login route). Closing the server removes its data.
 */
export async function startServerWithAgents(
  agents: string[],
  options: { limits?: Record<string, number>; allowedOrigins?: string; http?: Record<string, number>; imageJobQueue?: ImageJobs; checkResponses?: boolean } = {},
): Promise<{ server: InProcessServer; tokens: Record<string, string> }> {
  const data = await tempDataDir();
  for (const name of agents) await addAgent(data.dir, name, `${name}-password`);
  const server = await startServer({ ...options, dataDir: data.dir });
  const close = server.close;
  server.close = async () => {
    await close();
    await data.remove();
  };
  const tokens: Record<string, string> = {};
  for (const name of agents) tokens[name] = await loginAgent(server.url, name, `${name}-password`);
  return { server, tokens };
}

export { freePort } from "./ports.js";

/** Child servers not yet exited: killed when this test process is stopped, so none outlives its suite. */
const liveChildren = new Set<ChildProcess>();
let isReaperInstalled = false;

/**
 * Kills every child server still running when the test process ends. A hook that timed out leaves its
 * `start()` running, and vitest stops a finished worker with SIGTERM, which skips `afterAll` and the
 * "exit" event alike: without this, such nodes would keep running and load the rest of the suite.
 */
function reapChildrenAtExit(child: ChildProcess): void {
  if (!isReaperInstalled) {
    isReaperInstalled = true;
    const reap = (): void => {
      for (const running of liveChildren) running.kill("SIGKILL");
    };
    process.once("exit", reap);
    process.once("SIGTERM", () => {
      reap();
      process.exit(143);
    });
  }
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
}

/** A server running as a separate process, so that it can be killed with SIGKILL. */
export class ServerProcess {
  private child: ChildProcess | undefined;
  output = "";

  constructor(
    readonly port: number,
    readonly dataDir: string,
    /** More environment, e.g. `REDIS_URL` for a node of a cluster. */
    private readonly env: Record<string, string> = {},
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Whether the process was started and has exited since (crashed or stopped). */
  get hasExited(): boolean {
    return this.child !== undefined && (this.child.exitCode !== null || this.child.signalCode !== null);
  }

  async start(): Promise<void> {
    const child = spawn(
      process.execPath,
      [CLI, "serve", "--port", String(this.port), "--host", "127.0.0.1", "--data-dir", this.dataDir, "--secret", TEST_SECRET],
      { env: {
          ...process.env,
          LOG_LEVEL: "warn",
          PARLEY_CONTACTS_PER_MINUTE: "10000",
          PARLEY_AGENT_CAPACITY: "10000",
          PARLEY_MESSAGES_PER_SECOND: "1000",
          PARLEY_MESSAGES_BURST: "1000",
          ...this.env,
        }, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child = child;
    reapChildrenAtExit(child);
    child.stdout?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (this.output += chunk.toString()));
    let healthy = false;
    let exited = false;
    child.once("exit", () => (exited = true));
    const isHealthy = async (): Promise<boolean> => {
      try {
        return (await fetch(`${this.url}/healthz`)).ok;
      } catch {
        return false; // not listening yet
      }
    };
    // The banner first: it says this child listens on the port. A health answer alone could come from
    // another process that took the port in the moment between `freePort` and this child's listen.
    // Generous: a loaded machine may take long to start a node and run its migrations.
    await waitFor(
      async () => exited || (this.output.includes("Parley is running") && (healthy = await isHealthy())),
      () => `server on ${this.port} to become healthy`,
      90_000,
    );
    if (!healthy) throw new Error(`server exited at start:\n${this.output}`);
  }

  /** Kills the process without warning: nothing gets flushed or closed. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** SIGTERM (a graceful shutdown); resolves with the exit code, null when it was not running. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return null;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    return exited;
  }
}
