/**
 * Install-level reads and writes shared by SQLite and PostgreSQL: the meta
 * table, and the background jobs that visit every tenant's rows at once.
 * These use the raw Kysely instance (this file is on the allow-list of
 * tests/tenant-scope.test.ts); whatever they find carries its tenant, and is
 * acted on through that tenant's scope.
 * @module
 */
import { sql, type Kysely } from "kysely";
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

/** A delivery claimed by a worker, with what it needs to send it. */
export interface ClaimedDelivery {
  tenant: string;
  id: string;
  endpointId: string;
  eventId: string;
  type: string;
  body: string;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: string;
  url: string;
  secret: string;
}

/**
 * Claims up to `limit` due deliveries of every tenant for `holder` until
 * `until`: pending, due, not claimed by a live claim, of an enabled endpoint,
 * and first in their order (no earlier pending delivery of the same chat to
 * the same endpoint: the next waits for the previous, even while it is being
 * sent). One statement: of two workers asking at once, each row goes to one.
 * On PostgreSQL the candidates are locked `FOR UPDATE SKIP LOCKED`, so a
 * second node passes over rows the first is claiming instead of waiting.
 */
export async function claimDueDeliveries(
  db: Db,
  options: { holder: string; now: string; until: string; limit: number; skipLocked: boolean },
): Promise<ClaimedDelivery[]> {
  const { holder, now, until, limit } = options;
  const lock = options.skipLocked ? sql`FOR UPDATE OF d SKIP LOCKED` : sql``;
  const claimed = await sql<{ tenant: string; id: string; endpoint_id: string; event_id: string; type: string; body: string; attempts: number; created_at: string }>`
    UPDATE webhook_deliveries SET claimed_until = ${until}, claimed_by = ${holder}
    WHERE id IN (
      SELECT d.id FROM webhook_deliveries d
      JOIN webhook_endpoints e ON e.tenant = d.tenant AND e.id = d.endpoint_id
      WHERE d.status = 'pending' AND d.next_at <= ${now} AND (d.claimed_until IS NULL OR d.claimed_until <= ${now}) AND e.enabled = 1
        AND NOT EXISTS (
          SELECT 1 FROM webhook_deliveries p
          WHERE p.tenant = d.tenant AND p.endpoint_id = d.endpoint_id AND p.order_key = d.order_key
            AND p.status = 'pending' AND p.position < d.position
        )
      ORDER BY d.next_at
      LIMIT ${limit}
      ${lock}
    )
    RETURNING tenant, id, endpoint_id, event_id, type, body, attempts, created_at`.execute(db);
  if (claimed.rows.length === 0) return [];
  // The endpoints' addresses and secrets, read after the claim (an endpoint changed in between is sent to as it now is).
  const endpoints = await db
    .selectFrom("webhook_endpoints")
    .select(["tenant", "id", "url", "secret"])
    .where("id", "in", [...new Set(claimed.rows.map((row) => row.endpoint_id))])
    .execute();
  const byId = new Map(endpoints.map((e) => [`${e.tenant} ${e.id}`, e]));
  const result: ClaimedDelivery[] = [];
  for (const row of claimed.rows) {
    const endpoint = byId.get(`${row.tenant} ${row.endpoint_id}`);
    if (endpoint === undefined) continue;
    result.push({
      tenant: row.tenant,
      id: row.id,
      endpointId: row.endpoint_id,
      eventId: row.event_id,
      type: row.type,
      body: row.body,
      attempts: Number(row.attempts),
      createdAt: row.created_at,
      url: endpoint.url,
      secret: endpoint.secret,
    });
  }
  return result;
}

/**
 * Deletes up to `limit` deliveries of every tenant that were delivered or given up before
 * `before`: the delivery log keeps a month, pending deliveries are never pruned.
 * @returns how many were deleted
 */
export async function pruneDeliveries(db: Db, before: string, limit: number): Promise<number> {
  const result = await sql`
    DELETE FROM webhook_deliveries WHERE (tenant, id) IN (
      SELECT tenant, id FROM webhook_deliveries WHERE status IN ('delivered', 'failed') AND created_at < ${before} LIMIT ${limit}
    )`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
