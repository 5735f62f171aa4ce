/** The Socket.IO relay baseline as a child process, pinned like Parley. @module */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { freePort } from "../../tests/support/ports.js";
import { ServerProcess } from "./server-process.js";

const RELAY = fileURLToPath(new URL("../baselines/socketio-relay.ts", import.meta.url));
/** tsx's loader, so that the relay runs from its TypeScript source. */
const TSX = createRequire(import.meta.url).resolve("tsx");

export async function startBaseline(): Promise<ServerProcess> {
  const port = await freePort();
  return ServerProcess.start({
    script: RELAY,
    args: ["--port", String(port)],
    nodeFlags: ["--import", TSX],
    port,
    isUp: async (url) => (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).status < 500,
  });
}
