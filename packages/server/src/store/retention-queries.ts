/**
 * What the retention job reads and deletes in one tenant: chats past the
 * tenant's retention, files no message refers to, and the lease that keeps
 * two nodes from doing the same work. Every function takes a
 * {@link TenantDb}; deletions run in one transaction per batch, so a batch is
 * either gone whole (chat, participants, events, files' rows) or untouched.
 * @module
 */
import type { ExpressionBuilder } from "kysely";
import type { Database } from "./schema.js";
import type { TenantDb } from "./tenant-db.js";
import { deletePrechat } from "./prechat-queries.js";

/** What one deleted batch held. */
export interface DeletedBatch {
  /** Chats (or files, for an orphan batch) whose rows were deleted by this call. */
  deleted: number;
  /** Files' rows deleted with them. */
  files: number;
  /** Blob keys those files' rows referred to: each is reclaimed once no file of any tenant refers to it. */
  blobKeys: string[];
}

/**
 * Takes the tenant's lease `name` for `holder` until `now + ttlMs`: when nobody
 * holds it, when its holder let it expire, or when `holder` holds it already
 * (a renewal). One statement, a compare-and-set, so of two nodes asking at
 * once exactly one gets it.
 */
export async function claimLease(db: TenantDb, name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  const result = await db
    .insertInto("job_leases", { name, holder, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .columns(["tenant", "name"])
        .doUpdateSet({ holder, expires_at: expiresAt })
        .where((eb) => eb.or([eb("job_leases.expires_at", "<=", now.toISOString()), eb("job_leases.holder", "=", holder)])),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Gives the lease up, if `holder` still holds it, so the next run anywhere need not wait for it to expire. */
export async function releaseLease(db: TenantDb, name: string, holder: string): Promise<void> {
  await db.deleteFrom("job_leases").where("job_leases.name", "=", name).where("job_leases.holder", "=", holder).execute();
}

/**
 * Up to `limit` chats past retention: ended before `cutoff`, or still active
 * with their last event before `cutoff` (abandoned: nobody wrote for as long
 * as the tenant keeps chats).
 */
export async function selectExpiredChats(db: TenantDb, cutoff: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("contacts")
    .select("contacts.id")
    .where((eb) =>
      eb.or([
        eb.and([eb("contacts.status", "=", "ended"), eb("contacts.ended_at", "<", cutoff)]),
        eb.and([
          eb("contacts.status", "=", "active"),
          eb.exists(
            eb
              .selectFrom("events")
              .select("events.seq")
              .whereRef("events.tenant", "=", "contacts.tenant")
              .whereRef("events.chat_id", "=", "contacts.id")
              .whereRef("events.seq", "=", "contacts.last_seq")
              .where("events.ts", "<", cutoff),
          ),
        ]),
      ]),
    )
    .orderBy("contacts.id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Deletes the chats and everything they hold, in one transaction. Chats already gone count for nothing. */
export async function deleteChats(db: TenantDb, chatIds: readonly string[]): Promise<DeletedBatch> {
  if (chatIds.length === 0) return { deleted: 0, files: 0, blobKeys: [] };
  const ids = [...chatIds];
  return db.transaction(async (trx) => {
    const files = await trx.selectFrom("media").select(["media.blob_key", "media.thumb_blob_key"]).where("media.chat_id", "in", ids).execute();
    // Children first: the foreign keys point at the chat and at its files.
    await trx.deleteFrom("message_media").where("message_media.chat_id", "in", ids).execute();
    const media = await trx.deleteFrom("media").where("media.chat_id", "in", ids).executeTakeFirst();
    await trx.deleteFrom("events").where("events.chat_id", "in", ids).execute();
    await trx.deleteFrom("participants").where("participants.chat_id", "in", ids).execute();
    // The chats' webhook deliveries hold their events' text: they go with them, sent or not.
    await trx.deleteFrom("webhook_deliveries").where("webhook_deliveries.chat_id", "in", ids).execute();
    await trx.deleteFrom("call_data").where("call_data.chat_id", "in", ids).execute();
    await trx.deleteFrom("visitor_contexts").where("visitor_contexts.chat_id", "in", ids).execute();
    await deletePrechat(trx, ids);
    // A chat's survey goes with it (no foreign key: surveys are keyed by chat id and tenant).
    await trx.deleteFrom("surveys").where("surveys.chat_id", "in", ids).execute();
    await trx.deleteFrom("chat_notes").where("chat_notes.chat_id", "in", ids).execute();
    await trx.deleteFrom("chat_routing").where("chat_routing.chat_id", "in", ids).execute();
    const chats = await trx.deleteFrom("contacts").where("contacts.id", "in", ids).executeTakeFirst();
    return { deleted: Number(chats.numDeletedRows), files: Number(media.numDeletedRows), blobKeys: blobKeysOf(files) };
  });
}

/** Up to `limit` files created before `cutoff` that no message refers to (uploads never sent, refused sends). */
export async function selectOrphanMedia(db: TenantDb, cutoff: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("media")
    .select("media.id")
    .where("media.created_at", "<", cutoff)
    .where((eb) => eb.not(eb.exists(unsent(eb))))
    .orderBy("media.id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Deletes those of the files that are still unsent (a message may have referred to one since). */
export async function deleteOrphanMedia(db: TenantDb, mediaIds: readonly string[]): Promise<DeletedBatch> {
  if (mediaIds.length === 0) return { deleted: 0, files: 0, blobKeys: [] };
  const ids = [...mediaIds];
  return db.transaction(async (trx) => {
    const files = await trx
      .selectFrom("media")
      .select(["media.blob_key", "media.thumb_blob_key"])
      .where("media.id", "in", ids)
      .where((eb) => eb.not(eb.exists(unsent(eb))))
      .execute();
    const result = await trx
      .deleteFrom("media")
      .where("media.id", "in", ids)
      .where((eb) => eb.not(eb.exists(unsent(eb))))
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    return { deleted, files: deleted, blobKeys: blobKeysOf(files) };
  });
}

/** The `message_media` rows referring to the outer query's file: none means no message was sent with it. */
function unsent(eb: ExpressionBuilder<Database, "media">) {
  return eb
    .selectFrom("message_media")
    .select("message_media.media_id")
    .whereRef("message_media.tenant", "=", "media.tenant")
    .whereRef("message_media.media_id", "=", "media.id");
}

function blobKeysOf(rows: ReadonlyArray<{ blob_key: string; thumb_blob_key: string | null }>): string[] {
  const keys = new Set<string>();
  for (const row of rows) {
    // An erased file's row no longer names a blob.
    if (row.blob_key !== "") keys.add(row.blob_key);
    if (row.thumb_blob_key !== null) keys.add(row.thumb_blob_key);
  }
  return [...keys];
}
