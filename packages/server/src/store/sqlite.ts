/**
 * The embedded store: SQLite through Kysely over better-sqlite3.
 *
 * Durability: the database runs in WAL mode with `synchronous=NORMAL`. A
 * commit is written to the WAL with write(2) before `append` resolves, so it
 * survives a crash or `kill -9` of the process; only an operating-system crash
 * or power loss can lose the last commits (FULL would fsync each one). That is
 * the trade-off SQLite documents for WAL and the one we take for one machine.
 *
 * Damage: `migrate()` checks the file before anything is served from it and
 * refuses a damaged one with {@link StoreCorruptError}. Damage found later by
 * a query fails that operation with the same error and leaves the store not
 * ready for good: a damaged file does not heal, an operator must repair it.
 * @module
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { GroupCommitter } from "./group-commit.js";
import { MIGRATIONS } from "./migrations.js";
import { SqliteAppender } from "./sqlite-append.js";
import { WebhookSubscriberCache } from "./webhook-subscribers.js";
import { asCorruptError, checkIntegrity, isCorruptionError } from "./sqlite-integrity.js";
import { pendingMigrations } from "./readiness.js";
import type { Database } from "./schema.js";
import type { TenantAppend } from "./sql-common.js";
import { SqlInstallStore } from "./sql-install-store.js";
import type { SqlBackend } from "./sql-tenant-store.js";
import {
  StoreCorruptError,
  StoreUnavailableError,
  type AppendRequest,
  type AppendResult,
  type Store,
} from "./types.js";

export interface SqliteStoreOptions {
  /** Directory holding `parley.db`; created if missing. */
  dataDir: string;
  /** Database file name inside `dataDir`. */
  fileName?: string;
  /** Called once, with the first damage a query meets after start (for the error log). */
  onCorrupt?: (error: StoreCorruptError) => void;
}

/**
 * The database holds every chat: readable by its owner only. Created 0600
 * before SQLite opens it (SQLite gives its -wal and -shm files the database's
 * mode); a database an older version left readable by all is narrowed.
 */
function keepPrivate(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}

export class SqliteStore extends SqlInstallStore implements Store {
  private readonly db: Kysely<Database>;
  /** What every tenant's view shares: the database, the group-committed append, the damage check. */
  protected readonly backend: SqlBackend;
  private readonly sqlite: BetterSqlite3.Database;
  /** Prepared on first use: the tables exist only after {@link migrate}. */
  private appender: SqliteAppender | undefined;
  private readonly committer: GroupCommitter<TenantAppend, AppendResult>;
  /** Each tenant's enabled webhook endpoints, for the appends. */
  protected readonly webhookSubscribers = new WebhookSubscriberCache();
  private closed = false;
  /** The database file. */
  private readonly path: string;
  private readonly onCorrupt: ((error: StoreCorruptError) => void) | undefined;
  /** The first damage met, after which the store is never ready again. */
  private corruption: StoreCorruptError | undefined;

  /** Throws {@link StoreCorruptError} when the file is not a database or its header is damaged. */
  constructor(options: SqliteStoreOptions) {
    super();
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    this.path = join(options.dataDir, options.fileName ?? "parley.db");
    this.onCorrupt = options.onCorrupt;
    keepPrivate(this.path);
    const sqlite = new BetterSqlite3(this.path);
    this.sqlite = sqlite;
    try {
      // The first statements to read the file: a truncated or foreign file fails here.
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("synchronous = NORMAL");
      sqlite.pragma("foreign_keys = ON");
      sqlite.pragma("busy_timeout = 5000");
    } catch (error) {
      sqlite.close();
      throw asCorruptError(this.path, error);
    }
    this.db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    this.committer = new GroupCommitter<TenantAppend, AppendResult>({
      commitBatch: (requests) => this.appendBatch(requests),
      commitOne: async (request) => (await this.appendBatch([request]))[0]!,
    });
    this.backend = {
      db: this.db,
      append: (tenant, request) => this.append(tenant, request),
      guard: (work) => this.guard(work),
      subscribers: this.webhookSubscribers,
      skipLocked: false,
    };
  }

  /**
   * Commits a group of appends. Kysely's connection is taken for the time of
   * the synchronous transaction, so that it never runs inside another
   * transaction of this store's that is waiting between two queries.
   */
  private appendBatch(requests: TenantAppend[]): Promise<AppendResult[]> {
    return this.db.connection().execute(async () => {
      this.appender ??= new SqliteAppender(this.sqlite, this.webhookSubscribers);
      return this.appender.appendBatch(requests);
    });
  }

  /** Checks the file for damage (see {@link checkIntegrity}), then migrates. */
  async migrate(): Promise<void> {
    checkIntegrity(this.path);
    const migrator = new Migrator({ db: this.db, provider: { getMigrations: () => Promise.resolve(MIGRATIONS) } });
    // Two processes started together on one data dir both find the migrations pending; SQLite's
    // deferred transactions let both begin, and the one that writes second fails. Its migrations
    // were committed by the other, so migrating again finds nothing left to do.
    for (let attempt = 1; ; attempt += 1) {
      const { error } = await migrator.migrateToLatest();
      if (error === undefined) return;
      if (attempt < MIGRATION_ATTEMPTS && isConcurrentMigration(error)) {
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        continue;
      }
      throw this.damageOf(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async ready(): Promise<void> {
    if (this.corruption !== undefined) throw this.corruption;
    let pending: string[];
    try {
      pending = await pendingMigrations(this.db, MIGRATIONS);
    } catch (error) {
      if (isCorruptionError(error)) throw this.damageOf(error);
      throw new StoreUnavailableError(`the SQLite database cannot be read: ${(error as Error).message}`, { cause: error });
    }
    if (pending.length > 0) throw new StoreUnavailableError(`the SQLite database lacks migrations ${pending.join(", ")}: run \`parley migrate\``);
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

  /** Turns damage met by a query into {@link StoreCorruptError}; any other error passes unchanged. */
  private async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw this.damageOf(error);
    }
  }

  /** The damage as a {@link StoreCorruptError}, remembered (and reported once) so that the store is never ready again. */
  private damageOf(error: unknown): unknown {
    if (!isCorruptionError(error)) return error;
    const damage = new StoreCorruptError(this.path, error.message, { cause: error });
    if (this.corruption === undefined) {
      this.corruption = damage;
      this.onCorrupt?.(damage);
    }
    return damage;
  }
}

/** Tries at migrating when another process migrates the same file at the same moment. */
const MIGRATION_ATTEMPTS = 5;

/** An error from losing a race with another process's migrations: a table it created, or its write lock. */
function isConcurrentMigration(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === "string" && code.startsWith("SQLITE_BUSY")) || ((code === "SQLITE_SCHEMA" || code === "SQLITE_ERROR") && /already exists/.test((error as Error).message));
}
