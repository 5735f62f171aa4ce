/** `/healthz`, `/readyz` and `/metrics`: in-process with inject, and over real HTTP on a running node. */
import Fastify from "fastify";
import { Redis } from "ioredis";
import { afterEach, expect, it } from "vitest";
import { readUntil } from "../../../tests/support/wait.js";
import { healthRoutes } from "../src/http/health.js";
import { metricsRoutes } from "../src/http/metrics.js";
import { ParleyMetrics } from "../src/metrics.js";
import { RawClient, startContact, startServer } from "./helpers.js";
import { PgRelay, freshDatabase } from "./pg-support.js";
import { RedisProcess, randomPrefix } from "./redis-support.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One sample's value from the exposition text, or undefined when absent. */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

it("names what is not ready, and counts coded REST errors (inject)", async () => {
  const app = Fastify();
  const metrics = new ParleyMetrics({ openConnections: () => 3, servedChats: () => 2, isBusConnected: () => false });
  let isBusUp = false;
  healthRoutes(app, {
    readiness: {
      store: () => Promise.resolve(undefined),
      bus: () => Promise.resolve(isBusUp ? undefined : "not connected"),
      disk: () => Promise.reject(new Error("read-only file system")),
    },
  });
  metricsRoutes(app, { metrics });
  app.get("/refused", (_request, reply) => reply.status(409).send({ error: { code: "CONTACT_ENDED", message: "ended" } }));
  cleanups.push(() => app.close());

  expect((await app.inject("/healthz")).json()).toEqual({ status: "ok" });
  const red = await app.inject("/readyz");
  expect(red.statusCode).toBe(503);
  expect(red.json()).toEqual({
    status: "notReady",
    notReady: ["bus", "disk"],
    checks: { store: "ok", bus: "not connected", disk: "read-only file system" },
  });
  isBusUp = true;
  expect((await app.inject("/readyz")).json()).toMatchObject({ notReady: ["disk"] });

  await app.inject("/refused");
  await app.inject("/refused");
  const scraped = await app.inject("/metrics");
  expect(scraped.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(sample(scraped.body, "parley_errors_total", '{code="CONTACT_ENDED"}')).toBe(2);
  expect(sample(scraped.body, "parley_connections_open")).toBe(3);
  expect(sample(scraped.body, "parley_chats_served")).toBe(2);
  expect(sample(scraped.body, "parley_bus_connected")).toBe(0);
});

it("serves health, readiness and metrics of a running node over HTTP", async () => {
  const node = await startServer();
  cleanups.push(() => node.stop());
  expect(await (await fetch(`${node.url}/healthz`)).json()).toEqual({ status: "ok" });
  const ready = await fetch(`${node.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ status: "ready", checks: { store: "ok", bus: "ok", server: "ok" } });

  const contact = await startContact(node.url);
  const { client } = await RawClient.connect(node.wsUrl, contact.token);
  cleanups.push(() => client.close());
  await client.request({ t: "join", chatId: contact.chatId });
  for (let i = 0; i < 3; i++) await client.request({ t: "send", chatId: contact.chatId, clientId: `m${i}`, kind: "text", text: `hi ${i}` });
  await client.request({ t: "send", chatId: contact.chatId, clientId: "empty", kind: "text", text: "" });
  expect((await fetch(`${node.url}/v1/contacts`, { method: "POST", body: "{", headers: { "content-type": "application/json" } })).status).toBe(400);

  const response = await fetch(`${node.url}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(sample(text, "parley_connections_open")).toBe(1);
  expect(sample(text, "parley_chats_served")).toBe(1);
  expect(sample(text, "parley_chats", '{state="active",tenant="default"}')).toBe(1);
  expect(sample(text, "parley_chats", '{state="ended",tenant="default"}')).toBe(0);
  expect(sample(text, "parley_frames_in_total", '{type="send"}')).toBe(4);
  expect(sample(text, "parley_events_in_total", '{type="message"}')).toBe(3);
  expect(sample(text, "parley_events_in_total", '{type="userAdded"}')).toBe(1);
  expect(sample(text, "parley_events_out_total", '{type="message"}')).toBe(3);
  expect(sample(text, "parley_errors_total", '{code="TEXT_EMPTY"}')).toBe(1);
  expect(sample(text, "parley_errors_total", '{code="BAD_JSON"}')).toBe(1);
  expect(sample(text, "parley_store_append_duration_seconds_count")).toBe(4);
  // Four chat events, and the chat feed's announcements of them.
  expect(sample(text, "parley_bus_publish_duration_seconds_count")).toBeGreaterThanOrEqual(4);
  expect(sample(text, "parley_bus_connected")).toBe(1);
  expect(text).toContain("parley_process_resident_memory_bytes");
});

it("turns /readyz red while Redis is away, keeps committing sends, and recovers by itself", async () => {
  const redis = await RedisProcess.start();
  cleanups.push(() => redis.kill());
  const prefix = randomPrefix();
  const node = await startServer({ redisUrl: redis.url, redisPrefix: prefix });
  cleanups.push(() => node.stop());
  const contact = await startContact(node.url);
  const { client } = await RawClient.connect(node.wsUrl, contact.token);
  cleanups.push(() => client.close());
  await client.request({ t: "join", chatId: contact.chatId });
  expect((await fetch(`${node.url}/readyz`)).status).toBe(200);

  // Garbage on the chat's channel is counted and dropped; the node goes on.
  const raw = new Redis(redis.url);
  await raw.publish(`${prefix}chat:default:${contact.chatId}`, "{garbage");
  raw.disconnect();
  const dropped = async (): Promise<number | undefined> => sample(await (await fetch(`${node.url}/metrics`)).text(), "parley_bus_dropped_total");
  await readUntil(dropped, (count) => count === 1, "the garbage to be counted as dropped");

  await redis.kill();
  const readyz = async (): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${node.url}/readyz`);
    return { status: response.status, body: await response.json() };
  };
  const red = await readUntil(readyz, (answer) => answer.status !== 200, "/readyz to turn red without Redis");
  expect(red).toEqual({ status: 503, body: { status: "notReady", notReady: ["bus"], checks: { store: "ok", bus: "not connected", server: "ok" } } });
  // The store is the source of truth: a send is committed and acknowledged without Redis.
  const sent = await client.request({ t: "send", chatId: contact.chatId, clientId: "while-away", kind: "text", text: "still here" });
  expect(sent).toMatchObject({ ok: true, result: { seq: 2 } });
  expect(await client.next((f) => f.t === "event" && f.seq === 2)).toMatchObject({ name: "message" });
  expect(sample(await (await fetch(`${node.url}/metrics`)).text(), "parley_bus_connected")).toBe(0);

  await redis.restart();
  const green = await readUntil(readyz, (answer) => answer.status === 200, "/readyz to turn green with Redis back");
  expect(green.body).toMatchObject({ status: "ready" });
  expect(sample(await (await fetch(`${node.url}/metrics`)).text(), "parley_bus_reconnects_total")).toBe(1);
});

it("turns /readyz red while PostgreSQL is away, naming the store, and green when it is back", async () => {
  const database = await freshDatabase();
  cleanups.push(() => database.drop());
  const relay = new PgRelay();
  await relay.start();
  cleanups.push(() => relay.stop());
  const node = await startServer({ databaseUrl: relay.url(database.name) });
  cleanups.push(() => node.stop());
  const readyz = async (): Promise<{ status: number; body: { notReady?: string[]; checks: Record<string, string> } }> => {
    const response = await fetch(`${node.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { notReady?: string[]; checks: Record<string, string> } };
  };
  expect((await readyz()).status).toBe(200);

  await relay.stop();
  const red = await readyz();
  expect(red.status).toBe(503);
  expect(red.body.notReady).toEqual(["store"]);
  expect(red.body.checks.bus).toBe("ok");
  expect(red.body.checks.store).not.toBe("ok");

  await relay.start();
  const green = await readUntil(readyz, (answer) => answer.status === 200, "/readyz to turn green with PostgreSQL back");
  expect(green.body.checks).toEqual({ store: "ok", bus: "ok", server: "ok" });
});
