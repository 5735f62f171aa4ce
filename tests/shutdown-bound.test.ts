/**
 * A stop never waits on a client: with an idle keep-alive connection, a
 * request whose body stalls, and a customer's WebSocket all open, SIGTERM
 * makes the server process exit 0 within its shutdown bound.
 */
import net from "node:net";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLiveChatSdk } from "@parley/sdk";
import { freePort, ServerProcess, tempDataDir } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const BOUND_MS = 3000;

let data: { dir: string; remove: () => Promise<void> };
let node: ServerProcess;

beforeAll(async () => {
  data = await tempDataDir();
  node = new ServerProcess(await freePort(), data.dir, { PARLEY_SHUTDOWN_TIMEOUT_MS: String(BOUND_MS) });
  await node.start();
});

afterAll(async () => {
  await node.kill();
  await data.remove();
});

function open(port: number): Promise<{ socket: net.Socket; received: () => string }> {
  return new Promise((resolve) => {
    let received = "";
    const socket = net.connect({ host: "127.0.0.1", port }, () => resolve({ socket, received: () => received }));
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("error", () => {});
  });
}

it("exits within the bound whatever is connected", async () => {
  // An idle keep-alive connection, as a browser leaves after loading a page.
  const idle = await open(node.port);
  idle.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
  await waitFor(() => idle.received().includes('"status":"ok"'), () => "the keep-alive answer");
  // A request in flight whose body never comes.
  const stalled = await open(node.port);
  stalled.socket.write(
    "POST /v1/contacts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"nickname\":",
  );
  // A customer connected over a WebSocket.
  const sdk = createLiveChatSdk({ minReconnectDelayMs: 60_000, maxReconnectDelayMs: 60_000 });
  sdk.init({ serverUrl: node.url });
  await sdk.LIVECHAT.startContact({ nickname: "Carla" });

  const started = performance.now();
  const code = await node.stop();
  const tookMs = performance.now() - started;
  expect(code).toBe(0);
  // Generous: the bound, plus the time a loaded machine takes to run the exit.
  expect(tookMs).toBeLessThan(BOUND_MS + 4000);
  idle.socket.destroy();
  stalled.socket.destroy();
  await sdk.LIVECHAT.logout().catch(() => undefined);
}, 60_000);
