/**
 * Several nodes on one PostgreSQL database: separate PostgresStore instances,
 * each with its own pool, as separate processes would have.
 */
import { afterEach, expect, it } from "vitest";
import { PostgresStore } from "../src/store/postgres.js";
import type { AppendResult } from "../src/store/types.js";
import { describePostgres, freshDatabase, queryDatabase, type TestDatabase } from "./pg-support.js";
import { message, newChat, stubText } from "./store-fixtures.js";


describePostgres("PostgreSQL store shared by several nodes", () => {
  let database: TestDatabase;
  const stores: PostgresStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await database.drop();
  });
  async function node(): Promise<PostgresStore> {
    const store = new PostgresStore({ connectionString: database.url });
    stores.push(store);
    return store;
  }

  it("migrates once when several nodes start at the same time", async () => {
    database = await freshDatabase();
    const nodes = await Promise.all(Array.from({ length: 4 }, () => node()));
    await Promise.all(nodes.map((n) => n.migrate()));
    for (const n of nodes) await n.ready();
    const applied = await queryDatabase<{ name: string }>(database.url, "select name from kysely_migration order by name");
    expect(applied.map((row) => row.name)).toEqual(["001_initial", "002_media", "003_contact_list", "004_blobs", "005_media_state", "006_tenants", "007_lifecycle", "008_api_keys", "009_desk", "010_queues", "011_supervision", "012_webhooks", "013_call_data", "014_front_door", "015_prechat_forms"]);
  });

  it("keeps seqs gap-free and ordered per chat, and clientIds unique, when two nodes append to the same chats", async () => {
    database = await freshDatabase();
    const [a, b] = [await node(), await node()];
    await a.migrate();
    await b.migrate();
    const chats = await Promise.all(Array.from({ length: 6 }, (_, i) => newChat(i % 2 === 0 ? a : b)));
    const perChat = 120;

    // Every message is sent to one node and, at the same moment, retried on the other (a client that
    // lost its connection and resent through the other node): exactly one of the two may store it.
    const attempts: Promise<{ chatId: string; clientId: string; results: AppendResult[] }>[] = [];
    for (let i = 0; i < perChat; i++) {
      for (const { chatId, customer } of chats) {
        const clientId = `c${i}`;
        const request = message(chatId, customer, clientId);
        const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
        attempts.push(Promise.all([first.tenant("default").append(request), second.tenant("default").append({ ...request })]).then((results) => ({ chatId, clientId, results })));
      }
    }
    const outcomes = await Promise.all(attempts);

    const acknowledged = new Map<string, Map<string, number>>(chats.map((c) => [c.chatId, new Map()]));
    for (const { chatId, clientId, results } of outcomes) {
      const appended = results.filter((r) => r.status === "appended");
      const duplicates = results.filter((r) => r.status === "duplicate");
      expect({ clientId, appended: appended.length, duplicates: duplicates.length }).toEqual({ clientId, appended: 1, duplicates: 1 });
      const [stored] = appended;
      const [repeat] = duplicates;
      if (stored?.status !== "appended" || repeat?.status !== "duplicate") throw new Error("unreachable");
      expect(repeat.seq).toBe(stored.seq);
      acknowledged.get(chatId)?.set(clientId, stored.seq);
    }

    for (const { chatId } of chats) {
      const events = await a.tenant("default").eventsAfter(chatId, 0, 10_000);
      // seq 1 is the customer's userAdded; then every message once, with no gap and no repeat.
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: perChat + 1 }, (_, i) => i + 1));
      const byClientId = new Map(events.slice(1).map((e) => [stubText(e), e.seq]));
      expect(byClientId.size).toBe(perChat);
      expect(byClientId).toEqual(acknowledged.get(chatId));
      expect((await b.tenant("default").getContact(chatId))?.lastSeq).toBe(perChat + 1);
    }
  });
});
