/**
 * Graceful shutdown in a cluster: two server processes on one data directory
 * and one Redis. (Two processes on one SQLite file are not a deployment
 * Parley supports — several nodes need PostgreSQL — but SQLite serialises
 * their writes correctly when they do not write at the same moment, which is
 * the case here: the agent is a raw client that sends no receipts.) A customer sends without pause to node A, which gets SIGTERM
 * mid-stream: A answers what it was handling, closes with 4503 and exits 0;
 * the SDK moves on to node B and resumes. Every acknowledged message reaches
 * the agent on node B exactly once, in order.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLiveChatSdk, type StateContext } from "@parley/sdk";
import { RawClient } from "../packages/server/test/helpers.js";
import { addAgent, freePort, loginAgent, ServerProcess, tempDataDir } from "./support/server.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const MESSAGES = 60;
const STOP_AFTER = 20;

let data: { dir: string; remove: () => Promise<void> };
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  data = await tempDataDir();
  await addAgent(data.dir, "alice", "alice-password");
  // Pub/sub leaves no keys behind; the prefix keeps this test's channels to itself.
  const env = { REDIS_URL, PARLEY_REDIS_PREFIX: `parley-test-${randomBytes(6).toString("hex")}:` };
  a = new ServerProcess(await freePort(), data.dir, env);
  b = new ServerProcess(await freePort(), data.dir, env);
  await a.start();
  await b.start();
});

afterAll(async () => {
  await a.stop();
  await b.stop();
  await data.remove();
});

it("loses no acknowledged message when a node stops during sends; the client goes on on the other node", async () => {
  const customerSdk = createLiveChatSdk({ minReconnectDelayMs: 50, maxReconnectDelayMs: 500 });
  customerSdk.init({ serverUrl: [a.url, b.url] });
  const states: StateContext[] = [];
  customerSdk.LIVECHAT.on("state", (context) => states.push(context));
  const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
  const chatId = customer.contact.id;

  const agentToken = await loginAgent(b.url, "alice", "alice-password");
  const { client: agent } = await RawClient.connect(`${b.url.replace("http", "ws")}/v1/socket`, agentToken);
  expect(await agent.request({ t: "join", chatId, nickname: "Alice" })).toMatchObject({ ok: true });
  const atAgent: string[] = [];
  const receiving = (async () => {
    while (atAgent.length < MESSAGES) {
      const frame = await agent.next((f) => f.t === "event" && f.name === "message", 20_000);
      atAgent.push((frame.data as { content: { text: string } }).content.text);
    }
  })();

  const acknowledged: string[] = [];
  let stopped: Promise<number | null> | undefined;
  for (let i = 0; i < MESSAGES; i++) {
    // The stop is not awaited: the next sends go out while node A shuts down.
    await customer.sendMessage(`c-${i}`);
    acknowledged.push(`c-${i}`);
    if (i === STOP_AFTER) stopped = a.stop();
  }
  expect(await stopped).toBe(0);
  expect(acknowledged).toHaveLength(MESSAGES);
  await receiving;
  expect(atAgent).toEqual(Array.from({ length: MESSAGES }, (_, i) => `c-${i}`));

  // The customer was told to go elsewhere (4503) and is now connected to node B.
  expect(states.find((s) => s.state === "disconnected")).toMatchObject({ code: 4503, reason: "serverShutdown" });
  expect(customerSdk.LIVECHAT.state).toBe("connected");
  const metrics = await (await fetch(`${b.url}/metrics`)).text();
  expect(metrics).toMatch(/^parley_connections_open 2$/m);
  // Nothing came twice.
  expect(agent.unconsumed.filter((f) => f.t === "event" && f.name === "message")).toEqual([]);

  await customerSdk.LIVECHAT.logout();
  agent.close();
}, 120_000);
