/**
 * Graceful shutdown in a cluster: two server processes on one PostgreSQL
 * database and one Redis. A customer sends without pause to node A, which
 * gets SIGTERM mid-stream: A answers what it was handling, closes with 4503
 * and exits 0; the SDK moves on to node B and resumes. Every acknowledged
 * message reaches the agent on node B exactly once, in order.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLiveChatSdk, type StateContext } from "@parley/sdk";
import { freshDatabase, type TestDatabase } from "../packages/server/test/pg-support.js";
import { addAgent, freePort, loginAgent, ServerProcess, tempDataDir } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const MESSAGES = 60;
const STOP_AFTER = 20;

let database: TestDatabase;
let dirs: { dir: string; remove: () => Promise<void> }[];
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  database = await freshDatabase();
  dirs = [await tempDataDir(), await tempDataDir()];
  // Pub/sub leaves no keys behind; the prefix keeps this test's channels to itself.
  const env = { DATABASE_URL: database.url, REDIS_URL, PARLEY_REDIS_PREFIX: `parley-test-${randomBytes(6).toString("hex")}:` };
  a = new ServerProcess(await freePort(), (dirs[0] as { dir: string }).dir, env);
  b = new ServerProcess(await freePort(), (dirs[1] as { dir: string }).dir, env);
  await a.start();
  await b.start();
  await addAgent((dirs[1] as { dir: string }).dir, "alice", "alice-password", database.url);
  // Two node processes may take long to become healthy on a loaded machine.
}, 120_000);

afterAll(async () => {
  await a.stop();
  await b.stop();
  for (const dir of dirs) await dir.remove();
  await database.drop();
});

it("loses no acknowledged message when a node stops during sends; the client goes on on the other node", async () => {
  const customerSdk = createLiveChatSdk({ minReconnectDelayMs: 50, maxReconnectDelayMs: 500 });
  customerSdk.init({ serverUrl: [a.url, b.url] });
  const states: StateContext[] = [];
  customerSdk.LIVECHAT.on("state", (context) => states.push(context));
  const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
  const chatId = customer.contact.id;

  const agentSdk = createLiveChatSdk();
  agentSdk.init({ serverUrl: b.url });
  await agentSdk.LIVECHAT.login(await loginAgent(b.url, "alice", "alice-password"), false, false, () => {});
  const agent = await agentSdk.LIVECHAT.joinContact(chatId, "Alice");
  const atAgent: string[] = [];
  agent.on("message", (event) => atAgent.push(event.content.text));

  const acknowledged: string[] = [];
  let stopped: Promise<number | null> | undefined;
  for (let i = 0; i < MESSAGES; i++) {
    await customer.sendMessage(`c-${i}`);
    acknowledged.push(`c-${i}`);
    // The stop is not awaited: the next sends go out while node A shuts down.
    if (i === STOP_AFTER) stopped = a.stop();
  }
  expect(await stopped).toBe(0);
  expect(acknowledged).toHaveLength(MESSAGES);
  await waitFor(() => atAgent.length >= MESSAGES, () => `agent received ${atAgent.length} of ${MESSAGES}`);
  expect(atAgent).toEqual(Array.from({ length: MESSAGES }, (_, i) => `c-${i}`));

  // The customer was told to go elsewhere (4503) and is now connected to node B.
  expect(states.find((s) => s.state === "disconnected")).toMatchObject({ code: 4503, reason: "serverShutdown" });
  expect(customerSdk.LIVECHAT.state).toBe("connected");
  const metrics = await (await fetch(`${b.url}/metrics`)).text();
  expect(metrics).toMatch(/^parley_connections_open 2$/m);

  // The store holds each acknowledged message once.
  const history = await agentSdk.LIVECHAT.getChatHistory(chatId, true);
  expect(history.messages.map((entry) => (entry.data.content as { text: string }).text)).toEqual(acknowledged);

  await customerSdk.LIVECHAT.logout();
  await agentSdk.LIVECHAT.logout();
}, 120_000);
