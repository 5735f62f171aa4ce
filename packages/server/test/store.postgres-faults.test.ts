/**
 * PostgreSQL going away under a running store and server: operations fail
 * with STORE_UNAVAILABLE (never a crash), nothing acknowledged is lost or
 * stored twice, and everything works again once the database is back,
 * without a restart.
 */
import { afterEach, expect, it } from "vitest";
import { PostgresStore } from "../src/store/postgres.js";
import { StoreUnavailableError, type AppendRequest, type AppendResult } from "../src/store/types.js";
import { RawClient, startContact, startServer, type Frame, type Running } from "./helpers.js";
import { PgRelay, describePostgres, freshDatabase, terminateConnections, type TestDatabase } from "./pg-support.js";
import { message, newChat, stubText } from "./store-fixtures.js";


/** What a client does with STORE_UNAVAILABLE: send the same thing again, same clientId. Any other error fails the test. */
async function appendUntilCommitted(store: PostgresStore, request: AppendRequest, failures: { count: number }): Promise<AppendResult> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      return await store.tenant("default").append(request);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      failures.count++;
    }
  }
  throw new Error(`${request.clientId} was never committed`);
}

describePostgres("PostgreSQL going away", () => {
  let database: TestDatabase;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await database.drop();
  });

  it("recovers from connections terminated under appends, losing and repeating nothing", async () => {
    database = await freshDatabase();
    const store = new PostgresStore({ connectionString: database.url });
    cleanups.push(() => store.close());
    await store.migrate();
    const chats = await Promise.all(Array.from({ length: 4 }, () => newChat(store)));
    const perChat = 150;
    const failures = { count: 0 };

    let terminated = 0;
    const sends: Promise<AppendResult>[] = [];
    for (let i = 0; i < perChat; i++) {
      for (const { chatId, customer } of chats) sends.push(appendUntilCommitted(store, message(chatId, customer, `c${i}`), failures));
      // Cut every connection of the store three times while appends are in flight.
      if (i % 50 === 25) {
        terminated += await terminateConnections(database.name);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const results = await Promise.all(sends);
    expect(terminated).toBeGreaterThan(0);
    // A commit cut off before its answer is retried and found as a duplicate; either way it is stored once.
    for (const result of results) expect(["appended", "duplicate"]).toContain(result.status);

    for (const { chatId } of chats) {
      const events = await store.tenant("default").eventsAfter(chatId, 0, 10_000);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: perChat + 1 }, (_, i) => i + 1));
      const clientIds = events.slice(1).map((e) => stubText(e));
      expect(new Set(clientIds).size).toBe(perChat);
    }
    await expect(store.ready()).resolves.toBeUndefined();
  });

  it("answers STORE_UNAVAILABLE while the database is unreachable, and works again when it is back", async () => {
    database = await freshDatabase();
    const relay = new PgRelay();
    await relay.start();
    cleanups.push(() => relay.stop());
    const store = new PostgresStore({ connectionString: relay.url(database.name) });
    cleanups.push(() => store.close());
    await store.migrate();
    const { chatId, customer } = await newChat(store);
    expect((await store.tenant("default").append(message(chatId, customer, "before"))).status).toBe("appended");

    await relay.stop();
    const refusal = await store.ready().then(() => undefined, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(StoreUnavailableError);
    // A pooled connection cut under the store, or a new one refused: both name the database.
    expect((refusal as StoreUnavailableError).reason).toMatch(/^PostgreSQL at postgres:\/\/.* does not answer: .*(ECONNREFUSED|Connection terminated)/);
    await expect(store.tenant("default").append(message(chatId, customer, "during"))).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
    await expect(store.tenant("default").getContact(chatId)).rejects.toBeInstanceOf(StoreUnavailableError);

    await relay.start();
    await expect(store.ready()).resolves.toBeUndefined();
    expect((await store.tenant("default").append(message(chatId, customer, "during"))).status).toBe("appended");
    expect((await store.tenant("default").append(message(chatId, customer, "after"))).status).toBe("appended");
    const events = await store.tenant("default").eventsAfter(chatId, 0, 100);
    expect(events.map((e) => [e.seq, (e.data as { text?: string }).text])).toEqual([
      [1, undefined],
      [2, "before"],
      [3, "during"],
      [4, "after"],
    ]);
  });

  it("gives clients coded errors, not a crash, and serves them again when the database is back", async () => {
    database = await freshDatabase();
    const relay = new PgRelay();
    await relay.start();
    cleanups.push(() => relay.stop());
    const run: Running = await startServer({ databaseUrl: relay.url(database.name) });
    cleanups.push(() => run.stop());
    const contact = await startContact(run.url, "Carl");
    const { client } = await RawClient.connect(run.wsUrl, contact.token);
    cleanups.push(() => Promise.resolve(client.close()));
    expect(await client.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true });
    const send = (clientId: string): Promise<Frame> => client.request({ t: "send", chatId: contact.chatId, clientId, kind: "text", text: clientId });
    expect(await send("before")).toMatchObject({ ok: true });

    await relay.stop();
    expect(await send("during")).toMatchObject({ ok: false, error: { code: "STORE_UNAVAILABLE" } });
    const rest = await fetch(`${run.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ nickname: "Dora" }) });
    expect(rest.status).toBe(503);
    expect(await rest.json()).toMatchObject({ error: { code: "STORE_UNAVAILABLE" } });
    await expect(run.server.store.ready()).rejects.toBeInstanceOf(StoreUnavailableError);

    await relay.start();
    expect(await send("during")).toMatchObject({ ok: true });
    expect(await send("after")).toMatchObject({ ok: true });
    await expect(run.server.store.ready()).resolves.toBeUndefined();
    const texts = (await run.server.store.tenant("default").eventsAfter(contact.chatId, 0, 100)).filter((e) => e.name === "message").map((e) => (e.data as { content: { text: string } }).content.text);
    expect(texts).toEqual(["before", "during", "after"]);
  });
});
