/**
 * The lifecycle methods of both SQL stores, built over one Kysely instance:
 * a tenant's ({@link tenantLifecycleMethods}, every query through that
 * tenant's {@link TenantDb}) and the install's ({@link installLifecycleMethods}).
 * SQLite and PostgreSQL share tables and queries, so each store only spreads
 * these into its own objects, passing its error guard.
 * @module
 */
import type { Kysely } from "kysely";
import { appendAudit, listAudit } from "./audit-queries.js";
import { selectBlobKeysInUse } from "./blob-references.js";
import { eraseChat, selectChatMedia, selectCustomerChats } from "./customer-data-queries.js";
import type { InstallLifecycleStore, TenantLifecycleStore } from "./lifecycle-store.js";
import { claimLease, deleteChats, deleteOrphanMedia, releaseLease, selectExpiredChats, selectOrphanMedia } from "./retention-queries.js";
import type { Database } from "./schema.js";
import { TenantDb } from "./tenant-db.js";

/** Turns a store's failures into its own errors (PostgreSQL: `STORE_UNAVAILABLE`; SQLite: damage). */
export type StoreGuard = <T>(work: Promise<T>) => Promise<T>;

const unguarded: StoreGuard = (work) => work;

/** One tenant's lifecycle methods. */
export function tenantLifecycleMethods(db: Kysely<Database>, tenant: string, guard: StoreGuard = unguarded): TenantLifecycleStore {
  const scoped = new TenantDb(db, tenant);
  return {
    appendAudit: (entry) => guard(appendAudit(scoped, entry)),
    listAudit: (query) => guard(listAudit(scoped, query)),
    claimLease: (name, holder, now, ttlMs) => guard(claimLease(scoped, name, holder, now, ttlMs)),
    releaseLease: (name, holder) => guard(releaseLease(scoped, name, holder)),
    expiredChats: (cutoff, limit) => guard(selectExpiredChats(scoped, cutoff, limit)),
    deleteChats: (chatIds) => guard(deleteChats(scoped, chatIds)),
    orphanMedia: (cutoff, limit) => guard(selectOrphanMedia(scoped, cutoff, limit)),
    deleteOrphanMedia: (mediaIds) => guard(deleteOrphanMedia(scoped, mediaIds)),
    customerChats: (selector, limit) => guard(selectCustomerChats(scoped, selector, limit)),
    chatMedia: (chatId) => guard(selectChatMedia(scoped, chatId)),
    eraseChat: (chatId, at) => guard(eraseChat(scoped, chatId, at)),
  };
}

/** The install's lifecycle methods. */
export function installLifecycleMethods(db: Kysely<Database>, guard: StoreGuard = unguarded): InstallLifecycleStore {
  return {
    blobKeysInUse: (keys) => guard(selectBlobKeysInUse(db, keys)),
  };
}
