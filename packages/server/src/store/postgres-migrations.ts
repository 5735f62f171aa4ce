/**
 * PostgreSQL schema migrations, run by `migrate()` at start and by
 * `parley migrate`. A released migration is never edited: change the schema
 * with a new one.
 *
 * 001 to 003 are SQLite's own migrations (their DDL is valid on both, and
 * both lists are frozen), so the two stores hold the same tables and column
 * types and share their queries. 004 adds the media bytes, which only
 * PostgreSQL keeps in the database. 005 and later are shared again (SQLite has no 004).
 * @module
 */
import { Migrator, sql, type Kysely, type Migration } from "kysely";
import { MIGRATIONS as SQLITE_MIGRATIONS } from "./migrations.js";

function shared(name: string): Migration {
  const migration = SQLITE_MIGRATIONS[name];
  if (migration === undefined) throw new Error(`no migration ${name}`);
  return migration;
}

const m004_blobs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One row per stored blob, named by the SHA-256 of its bytes; written last, when every chunk is in.
    await db.schema
      .createTable("blobs")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("upload_id", "uuid", (c) => c.notNull().unique())
      .addColumn("size", "bigint", (c) => c.notNull())
      .addColumn("chunk_count", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    // The bytes in chunks of at most 256 KiB, so a blob is written and read a chunk at a time.
    // Keyed by the put that wrote them: the key is only known once the last chunk is hashed.
    await db.schema
      .createTable("blob_chunks")
      .addColumn("upload_id", "uuid", (c) => c.notNull())
      .addColumn("idx", "integer", (c) => c.notNull())
      .addColumn("data", "bytea", (c) => c.notNull())
      .addPrimaryKeyConstraint("blob_chunks_pk", ["upload_id", "idx"])
      .execute();
    // The chunks are already compressed media: do not spend CPU trying to compress them again.
    await sql`alter table blob_chunks alter column data set storage external`.execute(db);
  },
};

/** Every PostgreSQL migration by name; names sort in the order they apply. */
export const POSTGRES_MIGRATIONS: Record<string, Migration> = {
  "001_initial": shared("001_initial"),
  "002_media": shared("002_media"),
  "003_contact_list": shared("003_contact_list"),
  "004_blobs": m004_blobs,
  "005_media_state": shared("005_media_state"),
  "006_tenants": shared("006_tenants"),
  "007_lifecycle": shared("007_lifecycle"),
  "008_api_keys": shared("008_api_keys"),
  "009_desk": shared("009_desk"),
  "010_queues": shared("010_queues"),
  "011_supervision": shared("011_supervision"),
  "012_webhooks": shared("012_webhooks"),
  "013_call_data": shared("013_call_data"),
  "014_front_door": shared("014_front_door"),
  "015_prechat_forms": shared("015_prechat_forms"),
  "016_invitations": shared("016_invitations"),
  "017_canned_responses": shared("017_canned_responses"),
  "018_visitor_context": shared("018_visitor_context"),
};

/** Advisory lock key held while migrating ("parley" in ASCII), so only one node migrates at a time. */
const MIGRATION_LOCK_KEY = 0x7061726c6579;

/**
 * Applies pending migrations, holding a session advisory lock on one
 * connection for the whole run: nodes starting together wait for the first
 * one and then find nothing left to do. (Kysely's migrator also takes a
 * transaction-level lock, but only after creating its own tables, which two
 * nodes could otherwise race on.) The lock is released with the connection if
 * the node dies midway, and the migrations themselves run in a transaction.
 */
export async function migratePostgres<DB>(db: Kysely<DB>): Promise<void> {
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      const migrator = new Migrator({ db: connection, provider: { getMigrations: () => Promise.resolve(POSTGRES_MIGRATIONS) } });
      const { error } = await migrator.migrateToLatest();
      if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
    } finally {
      // A connection that died released the lock with it: nothing to undo then.
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection).catch(() => undefined);
    }
  });
}
