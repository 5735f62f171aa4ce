/**
 * The install-level half of a SQL store, the same on SQLite and PostgreSQL:
 * meta, tenants, the cross-tenant jobs' reads and each tenant's scoped view.
 * Each store supplies its {@link SqlBackend} (database, append, guard); only
 * what differs per dialect (migrating, readiness, appends, closing) stays in
 * sqlite.ts and postgres.ts.
 * @module
 */
import { selectBlobKeysInUse } from "./blob-references.js";
import { claimDueDeliveries, pruneDeliveries, countContactsByTenant, selectMeta, selectPendingMedia, upsertMeta, type ClaimedDelivery } from "./install-queries.js";
import { SqlTenantStore, type SqlBackend } from "./sql-tenant-store.js";
import { insertTenant, selectTenant, selectTenants, updateTenant } from "./tenant-queries.js";
import type { PendingMedia, TenantChatCounts, TenantPatch, TenantRecord, TenantStore } from "./types.js";

export abstract class SqlInstallStore {
  /** What every tenant's view shares: the database, the group-committed append, the store's guard. */
  protected abstract readonly backend: SqlBackend;

  getMeta(key: string): Promise<string | undefined> {
    return this.backend.guard(selectMeta(this.backend.db, key));
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.backend.guard(upsertMeta(this.backend.db, key, value));
  }

  createTenant(tenant: TenantRecord): Promise<void> {
    return this.backend.guard(insertTenant(this.backend.db, tenant));
  }

  getTenant(name: string): Promise<TenantRecord | undefined> {
    return this.backend.guard(selectTenant(this.backend.db, name));
  }

  listTenants(): Promise<TenantRecord[]> {
    return this.backend.guard(selectTenants(this.backend.db));
  }

  updateTenant(name: string, patch: TenantPatch): Promise<TenantRecord | undefined> {
    return this.backend.guard(updateTenant(this.backend.db, name, patch));
  }

  pendingMedia(limit: number): Promise<PendingMedia[]> {
    return this.backend.guard(selectPendingMedia(this.backend.db, limit));
  }

  countContactsByTenant(): Promise<TenantChatCounts[]> {
    return this.backend.guard(countContactsByTenant(this.backend.db));
  }

  claimWebhookDeliveries(holder: string, now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
    const until = new Date(now.getTime() + leaseMs).toISOString();
    return this.backend.guard(claimDueDeliveries(this.backend.db, { holder, now: now.toISOString(), until, limit, skipLocked: this.backend.skipLocked }));
  }

  pruneWebhookDeliveries(before: Date, limit: number): Promise<number> {
    return this.backend.guard(pruneDeliveries(this.backend.db, before.toISOString(), limit));
  }

  webhooksChanged(tenant: string): void {
    this.backend.subscribers.invalidate(tenant);
  }

  tenant(name: string): TenantStore {
    return new SqlTenantStore(name, this.backend);
  }

  blobKeysInUse(keys: readonly string[]): Promise<Set<string>> {
    return this.backend.guard(selectBlobKeysInUse(this.backend.db, keys));
  }
}
