/**
 * A server under test, as a child process of its own: started pinned to the
 * server core, asked for its memory through the preloaded probe, stopped with
 * SIGTERM.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { coreFor, openFilesFor, raiseGroupPriority, wrapCommand } from "../lib/pinning.js";

const PROBE = fileURLToPath(new URL("./memory-probe.mjs", import.meta.url));
/** Open files a server asks for: more than the idle test's sockets, where the machine allows it. */
export const SERVER_OPEN_FILES = openFilesFor(65_536);
/** Files a server holds besides its sockets (database, logs, listening socket, IPC…), with room to spare. */
const SERVER_OWN_FILES = 256;
/** The most sockets a server can hold here. */
export const MAX_SERVER_SOCKETS = SERVER_OPEN_FILES.limit - SERVER_OWN_FILES;

/** A server's memory (after a full garbage collection, unless asked otherwise). */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export class ServerProcess {
  output = "";
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.once("exit", () => (this.exited = true));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Spawns `node [nodeFlags] <probe> <script> [args]` and waits until `isUp(url)` holds.
   * `port` must be free; the URL is `http://127.0.0.1:<port>`.
   */
  static async start(options: {
    script: string;
    args: string[];
    nodeFlags?: string[];
    env?: Record<string, string>;
    port: number;
    isUp: (url: string) => Promise<boolean>;
  }): Promise<ServerProcess> {
    const nodeArgs = ["--expose-gc", "--import", PROBE, ...(options.nodeFlags ?? []), options.script, ...options.args];
    const [command, args] = wrapCommand(process.execPath, nodeArgs, {
      core: coreFor("server"),
      ...(SERVER_OPEN_FILES.raised ? { openFiles: SERVER_OPEN_FILES.limit } : {}),
    });
    // A session of its own: its own scheduling group, whose priority can be raised (see raiseGroupPriority).
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe", "ipc"], detached: true });
    if (child.pid !== undefined) raiseGroupPriority(child.pid);
    const server = new ServerProcess(child, `http://127.0.0.1:${options.port}`);
    child.stdout?.on("data", (chunk: Buffer) => (server.output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (server.output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (server.exited) throw new Error(`server exited at start:\n${server.output}`);
      if (Date.now() > deadline) throw new Error(`server did not come up in 30 s:\n${server.output}`);
      try {
        if (await options.isUp(server.url)) return server;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * The server's memory, after a full GC unless `collectGarbage` is false (the
   * probe answers over IPC).
   */
  memory(options: { collectGarbage?: boolean; timeoutMs?: number } = {}): Promise<MemorySample> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.child.off("message", onMessage);
        reject(new Error("the server's memory probe did not answer"));
      }, options.timeoutMs ?? 30_000);
      const onMessage = (message: { type?: string } & MemorySample) => {
        if (message.type !== "benchMemory") return;
        clearTimeout(timer);
        this.child.off("message", onMessage);
        resolve({ rss: message.rss, heapUsed: message.heapUsed, external: message.external, arrayBuffers: message.arrayBuffers });
      };
      this.child.on("message", onMessage);
      this.child.send({ type: "benchMemory", gc: options.collectGarbage ?? true });
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
