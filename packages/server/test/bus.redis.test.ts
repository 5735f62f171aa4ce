import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";
import { RedisBus, RedisUnavailableError } from "../src/bus/redis.js";
import { busContract } from "./bus.contract.js";
import { freePort } from "../../../tests/support/ports.js";
import { waitFor } from "../../../tests/support/wait.js";
import { RedisProcess, TEST_REDIS_URL, randomPrefix, removePrefix } from "./redis-support.js";

busContract("redis", {
  create() {
    const prefix = randomPrefix();
    const nodes: RedisBus[] = [];
    return Promise.resolve({
      node: async () => {
        const bus = await RedisBus.connect({ url: TEST_REDIS_URL, prefix });
        nodes.push(bus);
        return bus;
      },
      cleanup: async () => {
        for (const bus of nodes) await bus.close();
        await removePrefix(TEST_REDIS_URL, prefix);
      },
    });
  },
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it("drops malformed messages published by anyone on the channel, and goes on", async () => {
  const prefix = randomPrefix();
  const malformed: string[] = [];
  const bus = await RedisBus.connect({ url: TEST_REDIS_URL, prefix, onMalformed: (raw) => malformed.push(raw) });
  const raw = new Redis(TEST_REDIS_URL);
  cleanups.push(async () => {
    raw.disconnect();
    await bus.close();
    await removePrefix(TEST_REDIS_URL, prefix);
  });
  const got: unknown[] = [];
  let delivered: () => void = () => {};
  const done = new Promise<void>((resolve) => (delivered = resolve));
  await bus.subscribe("ch", (message, from) => {
    got.push({ message, from });
    delivered();
  }).ready;
  const channel = `${prefix}ch`;
  await raw.publish(channel, "{not json");
  await raw.publish(channel, JSON.stringify({ message: "no node" }));
  await raw.publish(channel, JSON.stringify({ node: "", message: 1 }));
  await raw.publish(channel, Buffer.from([0xff, 0xfe, 0x00]));
  await raw.publish(channel, JSON.stringify({ node: "other", message: { ok: true } }));
  await done;
  expect(got).toEqual([{ message: { ok: true }, from: "other" }]);
  expect(malformed).toHaveLength(4);
});

it("fails at start with a clear message when Redis cannot be reached", async () => {
  const port = await freePort();
  const attempt = RedisBus.connect({ url: `redis://127.0.0.1:${port}` });
  await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
  await expect(attempt).rejects.toThrow(new RegExp(`cannot connect to Redis at redis://127.0.0.1:${port}`));
});

it("reports its connection, re-subscribes after Redis restarts, and says so", async () => {
  const redis = await RedisProcess.start();
  const a = await RedisBus.connect({ url: redis.url });
  const b = await RedisBus.connect({ url: redis.url });
  cleanups.push(async () => {
    await a.close();
    await b.close();
    await redis.kill();
  });
  const got: unknown[] = [];
  let waiting: { count: number; resolve: () => void } | undefined;
  await b.subscribe("ch", (message) => {
    got.push(message);
    if (waiting !== undefined && got.length >= waiting.count) waiting.resolve();
  }).ready;
  const received = (count: number): Promise<void> =>
    got.length >= count ? Promise.resolve() : new Promise((resolve) => (waiting = { count, resolve }));
  await a.publish("ch", "before");
  await received(1);
  expect(a.isConnected && b.isConnected).toBe(true);

  const reconnected = new Promise<void>((resolve) => b.onReconnect(resolve));
  await redis.kill();
  // ioredis notices the closed socket; it then reports not connected until it is back.
  await waitFor(() => !b.isConnected, () => "bus B to notice that Redis went away");
  await redis.restart();
  await reconnected;
  await waitFor(() => a.isConnected, () => "bus A to reconnect to Redis");
  await a.publish("ch", "after");
  await received(2);
  expect(got).toEqual(["before", "after"]);
});

it("holds a subscription made before start until the bus has connected", async () => {
  const prefix = randomPrefix();
  const early = new RedisBus({ url: TEST_REDIS_URL, prefix });
  const other = await RedisBus.connect({ url: TEST_REDIS_URL, prefix });
  cleanups.push(async () => {
    await early.close();
    await other.close();
  });
  let delivered: (message: unknown) => void = () => {};
  const got = new Promise<unknown>((resolve) => (delivered = resolve));
  const subscription = early.subscribe("ch", (message) => delivered(message));
  await early.start();
  await subscription.ready;
  await other.publish("ch", "hello");
  expect(await got).toBe("hello");
});
