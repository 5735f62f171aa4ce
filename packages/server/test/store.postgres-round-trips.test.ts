/**
 * How many statements a batch of appends costs. A batch runs its appends one
 * after the other while holding its chats' row locks, so other nodes appending
 * to those chats wait for every round trip of it: the count is what keeps
 * acknowledgements fast in cluster mode.
 */
import pg from "pg";
import { afterEach, expect, it, vi } from "vitest";
import { PostgresStore } from "../src/store/postgres.js";
import { describePostgres, freshDatabase, type TestDatabase } from "./pg-support.js";
import { message, newChat } from "./store-fixtures.js";


/** Records the text of every statement sent to PostgreSQL from now on, still sending it. */
function recordStatements(): string[] {
  const statements: string[] = [];
  const query = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const [text] = args;
    statements.push(typeof text === "string" ? text : String((text as { text?: unknown }).text));
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query);
  return statements;
}

describePostgres("PostgreSQL store round trips per batch", () => {
  let database: TestDatabase | undefined;
  let store: PostgresStore | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await store?.close();
    await database?.drop();
  });

  it("commits a batch of messages in one transaction with two statements per message and no retry", async () => {
    database = await freshDatabase();
    store = new PostgresStore({ connectionString: database.url });
    await store.migrate();
    const chats = [];
    for (let i = 0; i < 5; i++) chats.push(await newChat(store));
    const requests = chats.flatMap(({ chatId, customer }) => [message(chatId, customer, "first"), message(chatId, customer, "second")]);

    const statements = recordStatements();
    // Submitted in one turn of the event loop, so they form one batch.
    const results = await Promise.all(requests.map((request) => store!.tenant("default").append(request)));

    expect(results.map((r) => r.status)).toEqual(requests.map(() => "appended"));
    // begin, the batch's chat locks, two statements per message, commit.
    expect(statements.length).toBe(3 + 2 * requests.length);
    expect(statements[0]?.toLowerCase()).toBe("begin");
    expect(statements.at(-1)?.toLowerCase()).toBe("commit");
    expect(statements.filter((s) => /for no key update/i.test(s))).toHaveLength(1);
  });

  it("answers a repeated clientId with the original in one statement after the lock", async () => {
    database = await freshDatabase();
    store = new PostgresStore({ connectionString: database.url });
    await store.migrate();
    const { chatId, customer } = await newChat(store);
    const request = message(chatId, customer, "once");
    const original = await store.tenant("default").append(request);

    const statements = recordStatements();
    const again = await store.tenant("default").append(request);

    expect(original.status).toBe("appended");
    expect(again).toMatchObject({ status: "duplicate", seq: original.status === "appended" ? original.seq : -1, id: request.id });
    // begin, lock, the status and duplicate check, commit: no sequence number taken.
    expect(statements).toHaveLength(4);
  });
});
