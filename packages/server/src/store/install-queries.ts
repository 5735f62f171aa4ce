/**
 * Install-level reads and writes shared by SQLite and PostgreSQL: the meta
 * table, and the background jobs that visit every tenant's rows at once.
 * These use the raw Kysely instance (this file is on the allow-list of
 * tests/tenant-scope.test.ts); whatever they find carries its tenant, and is
 * acted on through that tenant's scope.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import { toMedia } from "./sql-common.js";
import type { PendingMedia, TenantChatCounts } from "./types.js";

type Db = Kysely<Database>;

export async function selectMeta(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom("meta").select(["value"]).where("key", "=", key).executeTakeFirst();
  return row?.value;
}

/** Sets one install-wide value. */
export async function upsertMeta(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto("meta")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}

/** Every tenant's chats by state, for the metrics (one grouped scan). */
export async function countContactsByTenant(db: Db): Promise<TenantChatCounts[]> {
  const rows = await db
    .selectFrom("contacts")
    .select((eb) => ["tenant", "status", eb.fn.countAll<number | string>().as("n")])
    .groupBy(["tenant", "status"])
    .execute();
  const byTenant = new Map<string, TenantChatCounts>();
  for (const row of rows) {
    const counts = byTenant.get(row.tenant) ?? { tenant: row.tenant, active: 0, ended: 0 };
    counts[row.status] = Number(row.n);
    byTenant.set(row.tenant, counts);
  }
  return [...byTenant.values()];
}

/** Pending files of every tenant, oldest first, each with its tenant and the message that refers to it. */
export async function selectPendingMedia(db: Db, limit: number): Promise<PendingMedia[]> {
  const rows = await db
    .selectFrom("media")
    .leftJoin("message_media", (join) =>
      join
        .onRef("message_media.tenant", "=", "media.tenant")
        .onRef("message_media.media_id", "=", "media.id")
        .onRef("message_media.chat_id", "=", "media.chat_id"),
    )
    .selectAll("media")
    .select("message_media.message_id")
    .where("media.state", "=", "pending")
    .orderBy("media.created_at")
    .orderBy("media.id")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ tenant: row.tenant, media: toMedia(row), messageId: row.message_id }));
}
