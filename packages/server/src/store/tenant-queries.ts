/**
 * The tenants table, shared by SQLite and PostgreSQL. It is install-level:
 * a tenant is not owned by a tenant, so these queries use the raw Kysely
 * instance (this file is on the allow-list of tests/tenant-scope.test.ts).
 * @module
 */
import type { Kysely, Selectable, Updateable } from "kysely";
import type { Database, TenantsTable } from "./schema.js";
import { DuplicateTenantError, type TenantPatch, type TenantRecord } from "./types.js";

type Db = Kysely<Database>;

export function toTenant(row: Selectable<TenantsTable>): TenantRecord {
  return {
    name: row.name,
    displayName: row.display_name,
    status: row.status === "disabled" ? "disabled" : "active",
    limits: {
      maxAgents: row.max_agents,
      maxActiveChats: row.max_active_chats,
      // A bigint column: `pg` returns it as text.
      maxStorageBytes: row.max_storage_bytes === null ? null : Number(row.max_storage_bytes),
    },
    retentionDays: row.retention_days,
    createdAt: row.created_at,
  };
}

/** A new tenant; a taken name is {@link DuplicateTenantError}. */
export async function insertTenant(db: Db, tenant: TenantRecord): Promise<void> {
  const result = await db
    .insertInto("tenants")
    .values({
      name: tenant.name,
      display_name: tenant.displayName,
      status: tenant.status,
      max_agents: tenant.limits.maxAgents,
      max_active_chats: tenant.limits.maxActiveChats,
      max_storage_bytes: tenant.limits.maxStorageBytes,
      retention_days: tenant.retentionDays,
      created_at: tenant.createdAt,
    })
    .onConflict((oc) => oc.column("name").doNothing())
    .executeTakeFirstOrThrow();
  if (result.numInsertedOrUpdatedRows === 0n) throw new DuplicateTenantError(tenant.name);
}

export async function selectTenant(db: Db, name: string): Promise<TenantRecord | undefined> {
  const row = await db.selectFrom("tenants").selectAll().where("name", "=", name).executeTakeFirst();
  return row === undefined ? undefined : toTenant(row);
}

export async function selectTenants(db: Db): Promise<TenantRecord[]> {
  const rows = await db.selectFrom("tenants").selectAll().orderBy("name").execute();
  return rows.map(toTenant);
}

/** The patch as columns: only what it names. */
function columnsOf(patch: TenantPatch): Updateable<TenantsTable> {
  const set: Updateable<TenantsTable> = {};
  if (patch.displayName !== undefined) set.display_name = patch.displayName;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.retentionDays !== undefined) set.retention_days = patch.retentionDays;
  const limits = patch.limits ?? {};
  if (limits.maxAgents !== undefined) set.max_agents = limits.maxAgents;
  if (limits.maxActiveChats !== undefined) set.max_active_chats = limits.maxActiveChats;
  if (limits.maxStorageBytes !== undefined) set.max_storage_bytes = limits.maxStorageBytes;
  return set;
}

export async function updateTenant(db: Db, name: string, patch: TenantPatch): Promise<TenantRecord | undefined> {
  const set = columnsOf(patch);
  if (Object.keys(set).length > 0) await db.updateTable("tenants").set(set).where("name", "=", name).execute();
  return selectTenant(db, name);
}
