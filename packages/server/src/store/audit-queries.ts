/**
 * The audit log's two queries: append one entry, read a page. There is
 * deliberately no update and no delete: the log is append-only for everyone,
 * retention included (docs/privacy.md). Both take a {@link TenantDb}, so an
 * entry is written to and read from its own tenant only.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { AuditLogTable } from "./schema.js";
import type { TenantDb } from "./tenant-db.js";

/** Who acted: an agent (by token), an API key, the command line or the server itself. */
export type AuditActorType = "agent" | "api_key" | "cli" | "system";

/** One action to record. */
export interface AuditEntry {
  actor: { type: AuditActorType; id: string | null; name: string | null };
  /** `noun.verb`, e.g. `agent.created`, `customer.erased`, `retention.run`. */
  action: string;
  /** What the action was done to, when it has one. */
  target?: { type: string; id: string } | undefined;
  /** A small JSON object: counts, changed field names. Never secrets, never message text. */
  detail?: Record<string, unknown> | undefined;
  /** The client address the request came from; absent for the CLI and the system. */
  address?: string | null | undefined;
  /** When; now by default. */
  at?: string | undefined;
}

/** A recorded action as read back. */
export interface AuditRecord {
  /** `AUD_<uuid>`. */
  id: string;
  at: string;
  actor: { type: AuditActorType; id: string | null; name: string | null };
  action: string;
  target: { type: string; id: string } | null;
  detail: Record<string, unknown>;
  address: string | null;
}

/** Which entries {@link listAudit} returns, newest first. */
export interface AuditQuery {
  /** Only entries strictly older than this one in the order (at desc, then id desc). */
  before?: { at: string; id: string } | undefined;
  /** Only this action. */
  action?: string | undefined;
  /** At most this many. */
  limit: number;
}

function toAudit(row: Selectable<AuditLogTable>): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: { type: row.actor_type as AuditActorType, id: row.actor_id, name: row.actor_name },
    action: row.action,
    target: row.target_type === null || row.target_id === null ? null : { type: row.target_type, id: row.target_id },
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    address: row.address,
  };
}

/** Appends one entry and returns it as stored. */
export async function appendAudit(db: TenantDb, entry: AuditEntry): Promise<AuditRecord> {
  const row = {
    id: `AUD_${randomUUID()}`,
    at: entry.at ?? new Date().toISOString(),
    actor_type: entry.actor.type,
    actor_id: entry.actor.id,
    actor_name: entry.actor.name,
    action: entry.action,
    target_type: entry.target?.type ?? null,
    target_id: entry.target?.id ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
    address: entry.address ?? null,
  };
  await db.insertInto("audit_log", row).execute();
  return toAudit({ ...row, tenant: db.tenant });
}

/** A page of the tenant's entries, newest first. */
export async function listAudit(db: TenantDb, query: AuditQuery): Promise<AuditRecord[]> {
  const { before, action } = query;
  const rows = await db
    .selectFrom("audit_log")
    .selectAll()
    .$if(action !== undefined, (qb) => qb.where("audit_log.action", "=", action ?? ""))
    .$if(before !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb("audit_log.at", "<", before?.at ?? ""),
          eb.and([eb("audit_log.at", "=", before?.at ?? ""), eb("audit_log.id", "<", before?.id ?? "")]),
        ]),
      ),
    )
    .orderBy("audit_log.at", "desc")
    .orderBy("audit_log.id", "desc")
    .limit(query.limit)
    .execute();
  return rows.map(toAudit);
}
