/**
 * Attacks on the HTTP server, each run beside a normal customer–agent
 * exchange on an in-process server: stalled uploads (a declared 25 MiB body
 * that never comes), a slowloris of headers, and one address or one token
 * opening far more than its share. Each attack must be cut off by the server,
 * leave nothing behind, and not slow the exchange or stall the event loop.
 * Bounds are generous: an unprotected server holds these attacks for minutes.
 */
import { readdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { expectUnharmed, measureDuringAttack, openExchange, type AttackEffect, type Exchange } from "./support/attack.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const BODY_IDLE_MS = 1500;
const HEADERS_MS = 1500;
const PER_ADDRESS = 20;
const PER_TOKEN = 4;
/** An exchange round trip and the event loop, while attacked: well under the attack's own seconds. */
const ROUND_TRIP_BOUND_MS = 2000;
const LOOP_HOLD_BOUND_MS = 1000;

let server: InProcessServer;
let exchange: Exchange;

beforeAll(async () => {
  const started = await startServerWithAgents(["alice"], {
    http: {
      bodyIdleTimeoutMs: BODY_IDLE_MS,
      headersTimeoutMs: HEADERS_MS,
      maxConnectionsPerAddress: PER_ADDRESS,
      maxRequestsPerToken: PER_TOKEN,
    },
  });
  server = started.server;
  exchange = await openExchange(server.url, started.tokens.alice as string);
});

afterAll(async () => {
  await exchange?.close();
  await server?.close();
});

/** A raw client connection from a given loopback address, recording what the server sends and whether it closed. */
interface RawClient {
  received: string;
  isClosed: boolean;
  socket: net.Socket;
}

async function connect(localAddress: string): Promise<RawClient> {
  const socket = net.connect({ host: "127.0.0.1", port: server.port, localAddress });
  const client: RawClient = { received: "", isClosed: false, socket };
  socket.on("data", (chunk: Buffer) => (client.received += chunk.toString("latin1")));
  socket.on("close", () => (client.isClosed = true));
  socket.on("error", () => {});
  await new Promise<void>((resolve) => {
    socket.once("connect", resolve);
    socket.once("close", resolve);
  });
  return client;
}

async function customerToken(): Promise<{ chatId: string; token: string }> {
  const response = await fetch(`${server.url}/v1/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname: "Mallory" }),
  });
  const body = (await response.json()) as { contact: { id: string }; token: string };
  return { chatId: body.contact.id, token: body.token };
}

/** Starts an upload declaring 25 MiB, sends a PNG signature, then nothing more. */
async function stalledUpload(localAddress: string, chatId: string, token: string): Promise<RawClient> {
  const client = await connect(localAddress);
  client.socket.write(
    `POST /v1/contacts/${chatId}/uploads?messageType=IMAGE&fileName=big.png HTTP/1.1\r\n` +
      `Host: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: image/png\r\n` +
      `Content-Length: ${25 * 1024 * 1024}\r\n\r\n`,
  );
  client.socket.write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return client;
}

function expectAttackUnfelt(effect: AttackEffect): void {
  expectUnharmed(effect, { roundTripMs: ROUND_TRIP_BOUND_MS, loopHoldMs: LOOP_HOLD_BOUND_MS });
}

it("cuts off 50 stalled 25 MiB uploads with 408 REQUEST_BODY_TIMEOUT and removes their spool files", async () => {
  const tokens: { chatId: string; token: string }[] = [];
  // One after the other: this address (the exchange's) may hold only PER_ADDRESS connections.
  for (let i = 0; i < 50; i++) tokens.push(await customerToken());
  const clients: RawClient[] = [];
  const effect = await measureDuringAttack(exchange, async () => {
    // Each from its own loopback address, as from 50 phones.
    for (const [i, { chatId, token }] of tokens.entries()) clients.push(await stalledUpload(`127.0.1.${i + 1}`, chatId, token));
    await waitFor(
      () => clients.every((client) => client.isClosed),
      () => `the server to close all stalled uploads (${clients.filter((c) => c.isClosed).length} of 50 closed)`,
      20_000,
    );
  });
  expectAttackUnfelt(effect);
  for (const client of clients) {
    expect(client.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(client.received).toContain('"code":"REQUEST_BODY_TIMEOUT"');
  }
  const spool = await readdir(path.join(server.dataDir, "spool")).catch(() => []);
  expect(spool).toEqual([]);
}, 120_000);

it("closes a slowloris of headers that never end", async () => {
  const clients: RawClient[] = [];
  const effect = await measureDuringAttack(exchange, async () => {
    for (let i = 0; i < 200; i++) {
      const client = await connect(`127.0.2.${(i % 250) + 1}`);
      client.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      clients.push(client);
    }
    // One more header line now and then, never the blank line that ends them.
    let line = 0;
    const drip = setInterval(() => {
      line += 1;
      for (const client of clients) if (!client.isClosed) client.socket.write(`X-Drip-${line}: ${line}\r\n`);
    }, 300);
    try {
      await waitFor(
        () => clients.every((client) => client.isClosed),
        () => `the server to close every slow-header connection (${clients.filter((c) => c.isClosed).length} of 200 closed)`,
        20_000,
      );
    } finally {
      clearInterval(drip);
    }
  });
  expectAttackUnfelt(effect);
}, 120_000);

it("caps connections per address: the excess is closed at once while others are served", async () => {
  const clients: RawClient[] = [];
  const effect = await measureDuringAttack(exchange, async () => {
    for (let i = 0; i < 300; i++) clients.push(await connect("127.0.3.1"));
    await waitFor(
      () => clients.filter((client) => client.isClosed).length >= 300 - PER_ADDRESS,
      () => `the server to close connections past ${PER_ADDRESS} (${clients.filter((c) => c.isClosed).length} closed)`,
      20_000,
    );
  });
  expectAttackUnfelt(effect);
  const open = clients.filter((client) => !client.isClosed);
  expect(open).toHaveLength(PER_ADDRESS);
  // The ones let in are served.
  const first = open[0] as RawClient;
  first.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  await waitFor(() => first.received.includes("\r\n\r\n"), () => "an answer on an admitted connection");
  expect(first.received).toMatch(/^HTTP\/1\.1 200 /);
  for (const client of clients) client.socket.destroy();
}, 120_000);

it("caps requests in flight per token: uploads past the cap get 429 CONNECTION_LIMIT", async () => {
  const { chatId, token } = await customerToken();
  const clients: RawClient[] = [];
  const effect = await measureDuringAttack(exchange, async () => {
    // From several addresses, so only the per-token cap can stop them.
    for (let i = 0; i < PER_TOKEN + 6; i++) clients.push(await stalledUpload(`127.0.4.${i + 1}`, chatId, token));
    await waitFor(
      () => clients.every((client) => client.isClosed),
      () => `every upload to be answered (${clients.filter((c) => c.isClosed).length} closed)`,
      20_000,
    );
  });
  expectAttackUnfelt(effect);
  const statuses = clients.map((client) => /^HTTP\/1\.1 (\d+)/.exec(client.received)?.[1]);
  expect(statuses.filter((status) => status === "429")).toHaveLength(6);
  expect(statuses.filter((status) => status === "408")).toHaveLength(PER_TOKEN);
  expect(clients.filter((client) => client.received.includes('"code":"CONNECTION_LIMIT"'))).toHaveLength(6);
}, 120_000);
