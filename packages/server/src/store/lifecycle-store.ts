/**
 * The store methods of the data lifecycle — the audit log, retention, a
 * customer's export and erasure — as interfaces: each tenant's scoped store
 * has {@link TenantLifecycleStore}'s, the install-level store
 * {@link InstallLifecycleStore}'s. The queries behind them live in
 * audit-queries.ts, retention-queries.ts, customer-data-queries.ts and
 * blob-references.ts.
 * @module
 */
import type { AuditEntry, AuditQuery, AuditRecord } from "./audit-queries.js";
import type { CustomerSelector, ErasedChat } from "./customer-data-queries.js";
import type { DeletedBatch } from "./retention-queries.js";
import type { MediaRecord } from "./types.js";

export type { AuditActorType, AuditEntry, AuditQuery, AuditRecord } from "./audit-queries.js";
export type { CustomerSelector, ErasedChat } from "./customer-data-queries.js";
export type { DeletedBatch } from "./retention-queries.js";

/** One tenant's lifecycle methods. */
export interface TenantLifecycleStore {
  /** Records one action in the tenant's audit log. Append-only: there is no update or delete. */
  appendAudit(entry: AuditEntry): Promise<AuditRecord>;
  /** A page of the tenant's audit log, newest first. */
  listAudit(query: AuditQuery): Promise<AuditRecord[]>;

  /** Takes or renews the tenant's lease `name` (compare-and-set); false when another holder has it. */
  claimLease(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` still has it. */
  releaseLease(name: string, holder: string): Promise<void>;
  /** Up to `limit` chats ended before `cutoff`, or active with no event since `cutoff`. */
  expiredChats(cutoff: string, limit: number): Promise<string[]>;
  /** Deletes the chats with their participants, events and files' rows, in one transaction. */
  deleteChats(chatIds: readonly string[]): Promise<DeletedBatch>;
  /** Up to `limit` files created before `cutoff` that no message refers to. */
  orphanMedia(cutoff: string, limit: number): Promise<string[]>;
  /** Deletes those of the files no message refers to yet. */
  deleteOrphanMedia(mediaIds: readonly string[]): Promise<DeletedBatch>;

  /** The ids of the customer's chats, oldest first, at most `limit`. */
  customerChats(selector: CustomerSelector, limit: number): Promise<string[]>;
  /** The chat's files that still have their bytes. */
  chatMedia(chatId: string): Promise<MediaRecord[]>;
  /** Erases the chat's personal content (see customer-data-queries.ts); undefined when there is no such chat. */
  eraseChat(chatId: string, at: string): Promise<ErasedChat | undefined>;
}

/** Install-level lifecycle methods. */
export interface InstallLifecycleStore {
  /** The keys among `keys` that a file row of any tenant still names. */
  blobKeysInUse(keys: readonly string[]): Promise<Set<string>>;
}
