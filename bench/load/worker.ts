/**
 * A load-generator process: started by the bench with an IPC channel, it builds
 * the workload it is told to, runs the steps and reports their counts.
 * @module
 */
import type { TargetAdapter } from "./adapter.js";
import { ContactCenter } from "./contact-center.js";
import { IdleSockets } from "./idle-sockets.js";
import type { FromLoad, ToLoad } from "./messages.js";
import { parleyAdapter } from "./parley-adapter.js";
import { socketIoAdapter } from "./socketio-adapter.js";

if (process.send === undefined) {
  console.error("bench/load/worker.ts is started by bench/run.ts, with an IPC channel");
  process.exit(2);
}

const reply = (message: FromLoad): void => {
  process.send!(message);
};

let center: ContactCenter | undefined;
let idle: IdleSockets | undefined;

async function handle(message: ToLoad): Promise<void> {
  switch (message.type) {
    case "setup": {
      const adapter: TargetAdapter = message.target === "parley" ? parleyAdapter : socketIoAdapter;
      center = new ContactCenter(adapter, message);
      await center.start();
      reply({ type: "ready" });
      return;
    }
    case "step":
      reply(await center!.step(message));
      return;
    case "soakStart":
      center!.soakStart(message);
      reply({ type: "soakStarted" });
      return;
    case "soakWindow":
      reply(center!.soakWindow());
      return;
    case "soakStop":
      reply(await center!.soakStop(message));
      return;
    case "idle":
      idle = new IdleSockets(message);
      await idle.createChats();
      reply({ type: "idleChatsCreated" });
      return;
    case "connectIdle":
      reply({ type: "idleConnected", ...(await idle!.connect()) });
      return;
    case "close":
      await center?.close();
      await idle?.close();
      reply({ type: "closed" });
      process.disconnect();
      return;
  }
}

// Started in a session of its own: when the bench goes away, so does its load.
process.on("disconnect", () => process.exit(0));

process.on("message", (message: ToLoad) => {
  handle(message).catch((error: unknown) => {
    reply({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  });
});
