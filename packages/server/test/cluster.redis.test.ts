/**
 * In-process nodes on one store and a real Redis: events cross nodes over
 * per-chat channels, a node follows a chat only while it has a participant of
 * it, and a Redis restart during traffic loses and duplicates nothing.
 */
import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";
import { createAgent } from "../src/auth/agents.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { RawClient, SECRET, startContact, startServer, tempDir, type Frame, type Running } from "./helpers.js";
import { waitFor } from "../../../tests/support/wait.js";
import { RedisProcess, TEST_REDIS_URL, randomPrefix, removePrefix } from "./redis-support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two nodes on one SQLite store and one Redis; an agent token valid on both. */
async function cluster(redisUrl: string, prefix: string): Promise<{ a: Running; b: Running; agentToken: string }> {
  const dir = tempDir();
  const store = new SqliteStore({ dataDir: dir.path });
  cleanups.push(() => dir.remove(), () => store.close());
  // The send rate limit is not what these tests are about.
  const limits = { messagesPerSecond: 1000, messagesBurst: 1000 };
  const a = await startServer({ store, secret: SECRET, redisUrl, redisPrefix: prefix, limits });
  cleanups.push(() => a.stop());
  const b = await startServer({ store, secret: SECRET, redisUrl, redisPrefix: prefix, limits });
  cleanups.push(() => b.stop());
  const agent = await createAgent(store.tenant("default"), { username: "ann", password: "secret-pass" });
  return { a, b, agentToken: (await b.server.tokens.issueAgent(agent)).token };
}

it("carries every kind of event across nodes, on a channel followed only while the chat has a participant here", async () => {
  const prefix = randomPrefix();
  cleanups.push(() => removePrefix(TEST_REDIS_URL, prefix));
  const { a, b, agentToken } = await cluster(TEST_REDIS_URL, prefix);
  const redis = new Redis(TEST_REDIS_URL);
  cleanups.push(() => redis.disconnect());
  const subscribers = async (chatId: string): Promise<number> => {
    const [, count] = (await redis.pubsub("NUMSUB", `${prefix}chat:default:${chatId}`)) as [string, number];
    return count;
  };

  const contact = await startContact(a.url, "Carl");
  expect(await subscribers(contact.chatId)).toBe(0);
  const { client: customer } = await RawClient.connect(a.wsUrl, contact.token);
  cleanups.push(() => customer.close());
  await customer.request({ t: "join", chatId: contact.chatId });
  expect(await subscribers(contact.chatId)).toBe(1);
  const { client: agent } = await RawClient.connect(b.wsUrl, agentToken);
  cleanups.push(() => agent.close());
  expect(await agent.request({ t: "join", chatId: contact.chatId, nickname: "Ann" })).toMatchObject({ ok: true });
  expect(await subscribers(contact.chatId)).toBe(2);
  const isEvent = (name: string) => (f: Frame) => f.t === "event" && f.name === name;

  await customer.next(isEvent("userAdded"));
  const sent = await agent.request({ t: "send", chatId: contact.chatId, clientId: "hello", kind: "text", text: "Hello Carl" });
  const message = await customer.next(isEvent("message"));
  expect(message.data).toMatchObject({ content: { text: "Hello Carl", user: { nickname: "Ann" } } });
  expect(await customer.request({ t: "send", chatId: contact.chatId, clientId: "link", kind: "link", url: "https://example.com/order" })).toMatchObject({ ok: true });
  expect((await agent.next(isEvent("link"))).data).toMatchObject({ content: { url: "https://example.com/order" } });
  customer.send({ t: "typing", chatId: contact.chatId, bwrite: true });
  expect(await agent.next((f) => f.t === "signal")).toMatchObject({ name: "isWriting", data: { bwrite: true } });
  const messageId = ((sent.result as { id: string }).id);
  await customer.request({ t: "receipt", chatId: contact.chatId, messageId, kind: "received" });
  await customer.request({ t: "receipt", chatId: contact.chatId, messageId, kind: "seen" });
  expect(await agent.next(isEvent("messageReceived"))).toMatchObject({ data: { messageID: messageId } });
  expect(await agent.next(isEvent("messageSeen"))).toMatchObject({ data: { messageID: messageId } });

  // The agent's last socket on node B goes: B stops following the chat.
  agent.close();
  await waitFor(async () => (await subscribers(contact.chatId)) === 1, () => "one node to follow the chat's channel");
  await customer.request({ t: "end", chatId: contact.chatId });
  customer.close();
  await waitFor(async () => (await subscribers(contact.chatId)) === 0, () => "no node to follow the chat's channel");

  // Back on node B after the end: the join replays what B never received over the bus.
  const { client: again } = await RawClient.connect(b.wsUrl, agentToken);
  cleanups.push(() => again.close());
  const resumed = await again.request({ t: "join", chatId: contact.chatId, afterSeq: 6 });
  expect(resumed).toMatchObject({ ok: true, result: { lastSeq: 7 } });
  expect(await again.next(isEvent("contactEnded"))).toMatchObject({ seq: 7 });
});

it("loses and duplicates nothing when Redis is killed and restarted during traffic", async () => {
  const redisServer = await RedisProcess.start();
  cleanups.push(() => redisServer.kill());
  const { a, b, agentToken } = await cluster(redisServer.url, randomPrefix());
  const contact = await startContact(a.url, "Carl");
  const { client: customer } = await RawClient.connect(a.wsUrl, contact.token);
  cleanups.push(() => customer.close());
  await customer.request({ t: "join", chatId: contact.chatId });
  const { client: agent } = await RawClient.connect(b.wsUrl, agentToken);
  cleanups.push(() => agent.close());
  const joined = await agent.request({ t: "join", chatId: contact.chatId, nickname: "Ann" });
  const firstSeq = (joined.result as { lastSeq: number }).lastSeq + 1;

  const total = 60;
  const received: Frame[] = [];
  const acked: number[] = [];
  const sending = (async () => {
    for (let i = 0; i < total; i++) {
      const reply = await customer.request({ t: "send", chatId: contact.chatId, clientId: `m${i}`, kind: "text", text: `m${i}` }, 15_000);
      if (reply.ok !== true) throw new Error(`send m${i} refused: ${JSON.stringify(reply.error)}`);
      acked.push((reply.result as { seq: number }).seq);
    }
  })();
  const receiving = (async () => {
    while (received.length < total) received.push(await agent.next((f) => f.t === "event" && f.name === "message", 15_000));
  })();

  await waitFor(() => received.length >= 10, () => `ten messages at the agent, got ${received.length}`);
  await redisServer.kill();
  // Sends go on while Redis is away: the store commits them, node A answers.
  await waitFor(() => acked.length >= 30, () => `thirty acknowledgements, got ${acked.length}`);
  expect(a.server.bus.isConnected).toBe(false);
  await redisServer.restart();
  await Promise.all([sending, receiving]);

  const seqs = received.map((f) => f.seq as number);
  expect(seqs).toEqual(Array.from({ length: total }, (_, i) => firstSeq + i));
  expect(received.map((f) => (f.data as { content: { text: string } }).content.text)).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
  expect(acked).toEqual(seqs);
  // Nothing came twice.
  expect(agent.unconsumed.filter((f) => f.t === "event" && f.name === "message")).toEqual([]);
});
