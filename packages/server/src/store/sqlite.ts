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
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { GroupCommitter } from "./group-commit.js";
import { MIGRATIONS } from "./migrations.js";
import { SqliteAppender } from "./sqlite-append.js";
import { pendingMigrations } from "./readiness.js";
import type { Database } from "./schema.js";
import { listContacts, toContact } from "./contact-list.js";
import { applyChange, toEvent, toMedia, toParticipant } from "./sql-common.js";
import {
  DuplicateUsernameError,
  MESSAGE_EVENT_NAMES,
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
  type StoredEvent,
} from "./types.js";

export interface SqliteStoreOptions {
  /** Directory holding `parley.db`; created if missing. */
  dataDir: string;
  /** Database file name inside `dataDir`. */
  fileName?: string;
}

export class SqliteStore implements Store {
  private readonly db: Kysely<Database>;
  private readonly sqlite: BetterSqlite3.Database;
  /** Prepared on first use: the tables exist only after {@link migrate}. */
  private appender: SqliteAppender | undefined;
  private readonly committer: GroupCommitter<AppendRequest, AppendResult>;
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    const sqlite = new BetterSqlite3(join(options.dataDir, options.fileName ?? "parley.db"));
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

  createContact(input: NewContact): Promise<StoredEvent> {
    const { contact, customer, firstEvent } = input;
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("contacts")
        .values({
          id: contact.id,
          status: "active",
          created_at: contact.createdAt,
          ended_at: null,
          last_seq: 1,
          customer_user_id: contact.customerUserId,
          nickname: contact.nickname,
          email: contact.email,
          page_uri: contact.pageUri,
          page_title: contact.pageTitle,
          user_agent: contact.userAgent,
          client_ip: contact.clientIp,
        })
        .execute();
      await applyChange(trx, contact.id, { kind: "participantJoined", participant: customer });
      await trx
        .insertInto("events")
        .values({
          chat_id: contact.id,
          seq: 1,
          id: firstEvent.id,
          name: firstEvent.name,
          user_id: firstEvent.userId,
          client_id: null,
          ref_id: null,
          payload: JSON.stringify(firstEvent.data),
          ts: firstEvent.ts,
        })
        .execute();
      return { chatId: contact.id, seq: 1, ...firstEvent };
    });
  }

  async getContact(chatId: string): Promise<ContactWithParticipants | undefined> {
    const row = await this.db.selectFrom("contacts").selectAll().where("id", "=", chatId).executeTakeFirst();
    if (row === undefined) return undefined;
    const participants = await this.db
      .selectFrom("participants")
      .selectAll()
      .where("chat_id", "=", chatId)
      .orderBy("joined_at")
      .execute();
    return { ...toContact(row), participants: participants.map(toParticipant) };
  }

  listContacts(query: ContactListQuery): Promise<ContactListEntry[]> {
    return listContacts(this.db, query);
  }

  append(request: AppendRequest): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error("the store is closed"));
    return this.committer.submit(request);
  }

  async getEvent(chatId: string, id: string): Promise<StoredEvent | undefined> {
    const row = await this.db.selectFrom("events").selectAll().where("chat_id", "=", chatId).where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : toEvent(row);
  }

  async eventsAfter(chatId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom("events")
      .selectAll()
      .where("chat_id", "=", chatId)
      .where("seq", ">", afterSeq)
      .orderBy("seq", "asc")
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  async messagesBefore(chatId: string, beforeSeq: number | undefined, limit: number): Promise<MessagePage> {
    // One row more than asked tells whether older messages exist.
    const rows = await this.db
      .selectFrom("events")
      .selectAll()
      .where("chat_id", "=", chatId)
      .where("name", "in", MESSAGE_EVENT_NAMES)
      .$if(beforeSeq !== undefined, (qb) => qb.where("seq", "<", beforeSeq ?? 0))
      .orderBy("seq", "desc")
      .limit(limit + 1)
      .execute();
    const hasMore = rows.length > limit;
    return { events: rows.slice(0, limit).reverse().map(toEvent), hasMore };
  }

  async createMedia(media: MediaRecord): Promise<void> {
    const { fullsize, thumbnail } = media;
    await this.db
      .insertInto("media")
      .values({
        id: media.id,
        chat_id: media.chatId,
        user_id: media.userId,
        message_type: media.messageType,
        document_type: media.documentType,
        file_name: media.fileName,
        original_size: media.originalSize,
        resized: media.resized ? 1 : 0,
        blob_key: fullsize.blobKey,
        mime_type: fullsize.mimeType,
        size: fullsize.size,
        width: fullsize.width,
        height: fullsize.height,
        thumb_blob_key: thumbnail?.blobKey ?? null,
        thumb_mime_type: thumbnail?.mimeType ?? null,
        thumb_size: thumbnail?.size ?? null,
        thumb_width: thumbnail?.width ?? null,
        thumb_height: thumbnail?.height ?? null,
        created_at: media.createdAt,
      })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }

  async getMedia(mediaId: string): Promise<MediaRecord | undefined> {
    const row = await this.db.selectFrom("media").selectAll().where("id", "=", mediaId).executeTakeFirst();
    return row === undefined ? undefined : toMedia(row);
  }

  async mediaOfMessage(chatId: string, messageId: string): Promise<MediaRecord | undefined> {
    const row = await this.db
      .selectFrom("message_media")
      .innerJoin("media", "media.id", "message_media.media_id")
      .selectAll("media")
      .where("message_media.chat_id", "=", chatId)
      .where("message_media.message_id", "=", messageId)
      // A message refers to a file of its own chat only, whatever the caller asks.
      .whereRef("media.chat_id", "=", "message_media.chat_id")
      .executeTakeFirst();
    return row === undefined ? undefined : toMedia(row);
  }
}
