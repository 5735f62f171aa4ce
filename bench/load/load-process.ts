/** The orchestrator's end of a load-generator process. @module */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { coreFor, raiseGroupPriority, wrapCommand } from "../lib/pinning.js";
import type { FromLoad, ToLoad } from "./messages.js";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const TSX = createRequire(import.meta.url).resolve("tsx");
/** Under the 20,000 of a process here, with room for the process's own files. */
export const SOCKETS_PER_LOAD_PROCESS = 9_000;

export class LoadProcess {
  private readonly child: ChildProcess;
  private readonly waiting: { type: FromLoad["type"]; resolve: (message: FromLoad) => void; reject: (error: Error) => void }[] = [];

  constructor() {
    const [command, args] = wrapCommand(process.execPath, ["--import", TSX, WORKER], { core: coreFor("load") });
    this.child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit", "ipc"], detached: true });
    if (this.child.pid !== undefined) raiseGroupPriority(this.child.pid);
    this.child.on("message", (message: FromLoad) => {
      if (message.type === "failed") {
        for (const waiter of this.waiting.splice(0)) waiter.reject(new Error(`load generator failed: ${message.message}`));
        return;
      }
      const index = this.waiting.findIndex((waiter) => waiter.type === message.type);
      if (index >= 0) this.waiting.splice(index, 1)[0]!.resolve(message);
    });
    this.child.once("exit", (code) => {
      for (const waiter of this.waiting.splice(0)) waiter.reject(new Error(`load generator exited with ${code}`));
    });
  }

  /** Sends a command and resolves with the reply of the given type. */
  request<T extends FromLoad["type"]>(message: ToLoad, replyType: T): Promise<Extract<FromLoad, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ type: replyType, resolve: resolve as (message: FromLoad) => void, reject });
      this.child.send(message);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    try {
      await this.request({ type: "close" }, "closed");
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
