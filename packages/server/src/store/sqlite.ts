/**
 * The embedded store: SQLite through Kysely over better-sqlite3.
 *
 * Durability: the database runs in WAL mode with `synchronous=NORMAL`. A
 * commit is written to the WAL with write(2) before `append` resolves, so it
 * survives a crash or `kill -9` of the process; only an operating-system crash
 * or power loss can lose the last commits (FULL would fsync each one). That is
 * the trade-off SQLite documents for WAL and the one we take for one machine.
 * @module
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { GroupCommitter } from "./group-commit.js";
import { MIGRATIONS } from "./migrations.js";
import { SqliteAppender } from "./sqlite-append.js";
import { pendingMigrations } from "./readiness.js";
import type { Database } from "./schema.js";
import {
  insertContact,
  insertMedia,
  selectContact,
  selectEvent,
  selectEventsAfter,
  selectMedia,
  selectMediaOfMessage,
  selectMessagesBefore,
} from "./sql-queries.js";
import { listContacts } from "./contact-list.js";
import {
  DuplicateUsernameError,
  StoreUnavailableError,
  type AgentRecord,
  type AppendRequest,
  type AppendResult,
  type ContactListEntry,
  type ContactListQuery,
  type ContactWithParticipants,
  type MediaRecord,
  type MessagePage,
  type NewContact,
  type Store,
  type CommittedEvent,
} from "./types.js";

export interface SqliteStoreOptions {
  /** Directory holding `parley.db`; created if missing. */
  dataDir: string;
  /** Database file name inside `dataDir`. */
  fileName?: string;
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

export class SqliteStore implements Store {
  private readonly db: Kysely<Database>;
  private readonly sqlite: BetterSqlite3.Database;
  /** Prepared on first use: the tables exist only after {@link migrate}. */
  private appender: SqliteAppender | undefined;
  private readonly committer: GroupCommitter<AppendRequest, AppendResult>;
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const file = join(options.dataDir, options.fileName ?? "parley.db");
    keepPrivate(file);
    const sqlite = new BetterSqlite3(file);
    this.sqlite = sqlite;
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    this.db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    this.committer = new GroupCommitter<AppendRequest, AppendResult>({
      commitBatch: (requests) => this.appendBatch(requests),
      commitOne: async (request) => (await this.appendBatch([request]))[0]!,
    });
  }

  /**
   * Commits a group of appends. Kysely's connection is taken for the time of
   * the synchronous transaction, so that it never runs inside another
   * transaction of this store's that is waiting between two queries.
   */
  private appendBatch(requests: AppendRequest[]): Promise<AppendResult[]> {
    return this.db.connection().execute(async () => {
      this.appender ??= new SqliteAppender(this.sqlite);
      return this.appender.appendBatch(requests);
    });
  }

  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.db, provider: { getMigrations: () => Promise.resolve(MIGRATIONS) } });
    const { error } = await migrator.migrateToLatest();
    if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  }

  async ready(): Promise<void> {
    let pending: string[];
    try {
      pending = await pendingMigrations(this.db, MIGRATIONS);
    } catch (error) {
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

  async createAgent(agent: AgentRecord): Promise<void> {
    try {
      await this.db
        .insertInto("agents")
        .values({
          id: agent.id,
          username: agent.username,
          nickname: agent.nickname,
          password_hash: agent.passwordHash,
          created_at: agent.createdAt,
        })
        .execute();
    } catch (error) {
      if (error instanceof Error && "code" in error && error.code === "SQLITE_CONSTRAINT_UNIQUE") {
        throw new DuplicateUsernameError(agent.username);
      }
      throw error;
    }
  }

  async findAgentByUsername(username: string): Promise<AgentRecord | undefined> {
    const row = await this.db.selectFrom("agents").selectAll().where("username", "=", username).executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      id: row.id,
      username: row.username,
      nickname: row.nickname,
      passwordHash: row.password_hash,
      createdAt: row.created_at,
    };
  }

  async listAgentNames(): Promise<Array<Pick<AgentRecord, "username" | "nickname">>> {
    return this.db.selectFrom("agents").select(["username", "nickname"]).execute();
  }

  async countAgents(): Promise<number> {
    const row = await this.db
      .selectFrom("agents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async countContactsByState(): Promise<Record<"active" | "ended", number>> {
    const rows = await this.db
      .selectFrom("contacts")
      .select((eb) => ["status", eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    const counts = { active: 0, ended: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  async getMeta(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("meta").select(["value"]).where("key", "=", key).executeTakeFirst();
    return row?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db
      .insertInto("meta")
      .values({ key, value })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
      .execute();
  }

  createContact(input: NewContact): Promise<CommittedEvent> {
    return insertContact(this.db, input);
  }

  getContact(chatId: string): Promise<ContactWithParticipants | undefined> {
    return selectContact(this.db, chatId);
  }

  listContacts(query: ContactListQuery): Promise<ContactListEntry[]> {
    return listContacts(this.db, query);
  }

  append(request: AppendRequest): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error("the store is closed"));
    return this.committer.submit(request);
  }

  getEvent(chatId: string, id: string): Promise<CommittedEvent | undefined> {
    return selectEvent(this.db, chatId, id);
  }

  eventsAfter(chatId: string, afterSeq: number, limit: number): Promise<CommittedEvent[]> {
    return selectEventsAfter(this.db, chatId, afterSeq, limit);
  }

  messagesBefore(chatId: string, beforeSeq: number | undefined, limit: number): Promise<MessagePage> {
    return selectMessagesBefore(this.db, chatId, beforeSeq, limit);
  }

  createMedia(media: MediaRecord): Promise<void> {
    return insertMedia(this.db, media);
  }

  getMedia(mediaId: string): Promise<MediaRecord | undefined> {
    return selectMedia(this.db, mediaId);
  }

  mediaOfMessage(chatId: string, messageId: string): Promise<MediaRecord | undefined> {
    return selectMediaOfMessage(this.db, chatId, messageId);
  }
}
