/**
 * The production store: PostgreSQL through Kysely over a `pg` pool, shared by
 * every node of a cluster.
 *
 * It uses the same tables, column types and queries as the SQLite store; what
 * differs is concurrency. Several nodes append to one chat at once, so each
 * append locks its chat's row before anything else (see
 * {@link appendInTransaction}): sequence numbers stay gap-free and ordered per
 * chat, and the duplicate checks see every other node's committed appends.
 * Nothing here is cached between calls, so nothing can go stale when another
 * node writes.
 *
 * Durability: `append` resolves after PostgreSQL's COMMIT, which (with the
 * default `synchronous_commit = on`) is flushed to its WAL.
 *
 * Faults: a database that cannot be reached, or a connection dropped under a
 * query, rejects the operation with {@link StoreUnavailableError}; the pool
 * discards the broken connection and the next operation opens a fresh one.
 * @module
 */
import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import type pg from "pg";
import { GroupCommitter } from "./group-commit.js";
import { createPgPool, isConnectionError, redactUrl } from "../db/pg-pool.js";
import { POSTGRES_MIGRATIONS, migratePostgres } from "./postgres-migrations.js";
import { pendingMigrations } from "./readiness.js";
import type { Database } from "./schema.js";
import { applyChange, duplicateOf, payloadOf, type TenantAppend } from "./sql-common.js";
import { SqlInstallStore } from "./sql-install-store.js";
import type { SqlBackend } from "./sql-tenant-store.js";
import { TenantDb } from "./tenant-db.js";
import { chatOutboxRows, insertOutboxRows, selectSubscribers, type WebhookSubscriber } from "./webhook-queries.js";
import { WebhookSubscriberCache } from "./webhook-subscribers.js";
import {
  MESSAGE_EVENT_NAMES,
  RECEIPT_EVENT_NAMES,
  StoreUnavailableError,
  type AppendRequest,
  type AppendResult,
  type Store,
} from "./types.js";

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Errors of idle pooled connections (the database closed them); for logging. They never fail an operation by themselves. */
  onConnectionError?: (error: Error) => void;
}

type Trx = Transaction<Database>;

/**
 * Locks the rows of the batch's chats, one statement per tenant, tenants by
 * name and chats by id, so two nodes committing batches over the same chats
 * take the locks in the same order and cannot deadlock.
 */
async function lockChats(trx: Trx, requests: TenantAppend[]): Promise<void> {
  const byTenant = new Map<string, Set<string>>();
  for (const { tenant, request } of requests) {
    const ids = byTenant.get(tenant) ?? new Set<string>();
    ids.add(request.chatId);
    byTenant.set(tenant, ids);
  }
  for (const tenant of [...byTenant.keys()].sort()) {
    const ids = [...byTenant.get(tenant)!];
    await new TenantDb(trx, tenant).selectFrom("contacts").select(["id"]).where("id", "in", ids).orderBy("id").forNoKeyUpdate().execute();
  }
}

/**
 * One append inside a transaction that already holds the chat's row lock
 * (taken by {@link lockChats}, `FOR NO KEY UPDATE`: it excludes other appends
 * to the chat but not inserts that merely reference it, such as an upload's
 * media row), so appends to one chat run one after the other whichever node
 * makes them. Each statement after the lock sees every append committed
 * before it, which makes the duplicate and receipt checks safe; they run
 * before the sequence number is taken, so a refused append leaves no gap.
 *
 * A message costs two round trips: the chat's status read together with the
 * duplicate check, then the sequence number taken and the event inserted in
 * one statement. Appends of a batch run one after the other on one
 * connection while holding their chats' locks, so every round trip saved
 * shortens the time other nodes wait for those locks.
 *
 * The unique indexes stay as a backstop: if a duplicate ever got past the
 * checks, its insert fails, the transaction rolls back (no seq is taken) and
 * the group committer retries it alone, when the check finds the original.
 */
async function appendInTransaction(trx: TenantDb, req: AppendRequest, webhooks: WebhookSubscriberCache): Promise<AppendResult> {
  const { userId, clientId } = req;
  let status: "active" | "ended";
  if (clientId !== undefined && userId !== null) {
    const row = await trx
      .selectFrom("contacts")
      .leftJoin("events", (join) =>
        join
          .onRef("events.tenant", "=", "contacts.tenant")
          .onRef("events.chat_id", "=", "contacts.id")
          .on("events.user_id", "=", userId)
          .on("events.client_id", "=", clientId),
      )
      .select(["contacts.status", "events.seq", "events.id", "events.ts", "events.name", "events.payload"])
      .where("contacts.id", "=", req.chatId)
      .executeTakeFirst();
    if (row === undefined) return { status: "contactNotFound" };
    const { seq, id, ts, name, payload } = row;
    if (seq !== null && id !== null && ts !== null && name !== null && payload !== null) {
      return duplicateOf({ seq, id, ts, name, payload });
    }
    status = row.status;
  } else {
    const row = await trx.selectFrom("contacts").select(["status"]).where("id", "=", req.chatId).executeTakeFirst();
    if (row === undefined) return { status: "contactNotFound" };
    status = row.status;
  }
  const isReceipt = RECEIPT_EVENT_NAMES.includes(req.name);
  if (isReceipt) {
    if (req.refId === undefined) throw new Error("a receipt needs refId");
    const message = await trx
      .selectFrom("events")
      .select(["user_id"])
      .where("chat_id", "=", req.chatId)
      .where("id", "=", req.refId)
      .where("name", "in", MESSAGE_EVENT_NAMES)
      .executeTakeFirst();
    if (message === undefined) return { status: "messageNotFound" };
    // Nobody acknowledges their own message.
    if (message.user_id === req.userId) return { status: "receiptIgnored" };
    const existing = await trx
      .selectFrom("events")
      .select(["seq"])
      .where("chat_id", "=", req.chatId)
      .where("ref_id", "=", req.refId)
      .where("user_id", "=", req.userId)
      .where("name", "=", req.name)
      .executeTakeFirst();
    if (existing !== undefined) return { status: "receiptIgnored" };
  }
  // Receipts are still accepted after the end, so the last messages can be marked seen.
  if (!isReceipt && status !== "active") return { status: "contactEnded" };
  // Taking the sequence number and inserting the event in one statement saves a round trip under the lock.
  const inserted = await trx.run(sql<{ seq: number }>`
    WITH head AS (UPDATE contacts SET last_seq = last_seq + 1 WHERE tenant = ${trx.tenant} AND id = ${req.chatId} RETURNING last_seq)
    INSERT INTO events (tenant, chat_id, seq, id, name, user_id, client_id, ref_id, payload, ts)
    VALUES (${trx.tenant}, ${req.chatId}, (SELECT last_seq FROM head), ${req.id}, ${req.name}, ${req.userId}, ${req.clientId ?? null}, ${req.refId ?? null}, ${payloadOf(req)}, ${req.ts})
    RETURNING seq`);
  const seq = inserted.rows[0]?.seq;
  if (seq === undefined) throw new Error(`chat ${req.chatId} has no head row`);
  if (req.change !== undefined) await applyChange(trx, req.chatId, req.change);
  // The outbox: the event's webhook deliveries commit with it, or not at all.
  const rows = await chatOutboxRows(trx, await subscribersIn(trx, webhooks), { chatId: req.chatId, id: req.id, name: req.name, data: req.data, seq, ts: req.ts });
  await insertOutboxRows(trx, rows);
  return { status: "appended", seq, id: req.id, ts: req.ts };
}

/** The tenant's enabled endpoints: from the cache, else read in the transaction. */
async function subscribersIn(trx: TenantDb, webhooks: WebhookSubscriberCache): Promise<readonly WebhookSubscriber[]> {
  const known = webhooks.get(trx.tenant);
  if (known !== undefined) return known;
  const startedAt = webhooks.current;
  return webhooks.fill(trx.tenant, await selectSubscribers(trx), startedAt);
}

export class PostgresStore extends SqlInstallStore implements Store {
  private readonly db: Kysely<Database>;
  private readonly committer: GroupCommitter<TenantAppend, AppendResult>;
  /** Each tenant's enabled webhook endpoints, for the appends. */
  protected readonly webhookSubscribers = new WebhookSubscriberCache();
  /** What every tenant's view shares: the pool, the group-committed append, the outage check. */
  protected readonly backend: SqlBackend;
  /** The database as operators know it, without its password. */
  private readonly target: string;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    super();
    this.target = redactUrl(options.connectionString);
    const pool: pg.Pool = createPgPool({
      connectionString: options.connectionString,
      ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
      ...(options.onConnectionError === undefined ? {} : { onError: options.onConnectionError }),
    });
    this.db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    this.committer = new GroupCommitter<TenantAppend, AppendResult>({
      commitBatch: (requests) =>
        this.db.transaction().execute(async (trx) => {
          await lockChats(trx, requests);
          const results: AppendResult[] = [];
          for (const { tenant, request } of requests) results.push(await appendInTransaction(new TenantDb(trx, tenant), request, this.webhookSubscribers));
          return results;
        }),
      commitOne: (item) =>
        this.db.transaction().execute(async (trx) => {
          await lockChats(trx, [item]);
          return appendInTransaction(new TenantDb(trx, item.tenant), item.request, this.webhookSubscribers);
        }),
      // A batch cut off by the database going away fails as a whole; its clients retry (idempotently).
      isRetryableAlone: (error) => !isConnectionError(error),
    });
    this.backend = {
      db: this.db,
      append: (tenant, request) => this.append(tenant, request),
      guard: (work) => this.guard(work),
      subscribers: this.webhookSubscribers,
      skipLocked: true,
    };
  }

  async migrate(): Promise<void> {
    await this.guard(migratePostgres(this.db));
  }

  async ready(): Promise<void> {
    let pending: string[];
    try {
      pending = await pendingMigrations(this.db, POSTGRES_MIGRATIONS);
    } catch (error) {
      throw new StoreUnavailableError(`PostgreSQL at ${this.target} does not answer: ${reasonOf(error)}`, { cause: error });
    }
    if (pending.length > 0) {
      throw new StoreUnavailableError(`PostgreSQL at ${this.target} lacks migrations ${pending.join(", ")}: run \`parley migrate\``);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.committer.flush();
    await this.db.destroy();
  }

  private append(tenant: string, request: AppendRequest): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error("the store is closed"));
    return this.guard(this.committer.submit({ tenant, request }));
  }

  /** Turns "the database is away" into {@link StoreUnavailableError}; any other error passes unchanged. */
  private async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (isConnectionError(error)) {
        throw new StoreUnavailableError(`PostgreSQL at ${this.target}: ${reasonOf(error)}`, { cause: error });
      }
      throw error;
    }
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reasonOf(error.errors[0]);
  return error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
}
