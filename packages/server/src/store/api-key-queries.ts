/**
 * API keys in the store: one tenant's keys, read and written through its
 * {@link TenantDb} only. A key is found by the SHA-256 of its text, never by
 * the text itself, which the store never holds (see auth/api-keys.ts).
 * @module
 */
import { isApiKeyScope, type ApiKeyScope } from "@parley/protocol";
import type { ApiKeysTable } from "./schema.js";
import type { TenantDb } from "./tenant-db.js";

/** An API key as stored, of the tenant the store is scoped to. */
export interface ApiKeyRecord {
  /** `KEY_<uuid>`. */
  id: string;
  name: string;
  /** The key's first characters, shown in lists to recognise it. */
  prefix: string;
  /** Hex SHA-256 of the whole key. */
  hash: string;
  scopes: ApiKeyScope[];
  createdAt: string;
  /** An agent's user id, the `KEY_<uuid>` of the key that created it, or `cli`. */
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A key after a revocation, and whether that revocation is the one that took effect. */
export interface RevokedApiKey {
  record: ApiKeyRecord;
  /** False when the key was revoked before. */
  isNew: boolean;
}

/** What became of a request to create a key. */
export type CreateApiKeyResult = { status: "created" } | { status: "limit"; limit: number };

/** The API-key methods of a tenant's store. */
export interface ApiKeyStore {
  /**
   * Records a key unless the tenant already holds `maxActive` keys that are not
   * revoked. Counted and inserted in one transaction; two creations at the same
   * instant on two nodes may both pass the count, so the cap can be passed by
   * the number of nodes at most.
   */
  createApiKey(record: ApiKeyRecord, maxActive: number): Promise<CreateApiKeyResult>;
  /** Every key of the tenant, revoked ones too, newest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** The key whose SHA-256 is `hash`, revoked or not. */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /**
   * Revokes a key at `at`; revoking it again keeps the first time.
   * @returns the key as it now is and whether this call revoked it, or undefined when the tenant has no such key
   */
  revokeApiKey(id: string, at: string): Promise<RevokedApiKey | undefined>;
  /** Sets `last_used_at` to `at` unless it is already later than `notBefore` (another node wrote it within the minute). */
  touchApiKey(id: string, at: string, notBefore: string): Promise<void>;
}

function toApiKey(row: Omit<ApiKeysTable, "tenant">): ApiKeyRecord {
  let scopes: unknown;
  try {
    scopes = JSON.parse(row.scopes);
  } catch {
    scopes = [];
  }
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    // A scope this build does not know gives nothing: a key never gains a power by a stored typo.
    scopes: Array.isArray(scopes) ? scopes.filter(isApiKeyScope) : [],
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

const COLUMNS = ["id", "name", "prefix", "hash", "scopes", "created_at", "created_by", "last_used_at", "revoked_at"] as const;

export async function createApiKey(db: TenantDb, record: ApiKeyRecord, maxActive: number): Promise<CreateApiKeyResult> {
  return db.transaction(async (trx) => {
    const { count } = await trx
      .selectFrom("api_keys")
      .select((eb) => eb.fn.countAll<number | string>().as("count"))
      .where("revoked_at", "is", null)
      .executeTakeFirstOrThrow();
    if (Number(count) >= maxActive) return { status: "limit", limit: maxActive } as const;
    await trx
      .insertInto("api_keys", {
        id: record.id,
        name: record.name,
        prefix: record.prefix,
        hash: record.hash,
        scopes: JSON.stringify(record.scopes),
        created_at: record.createdAt,
        created_by: record.createdBy,
        last_used_at: record.lastUsedAt,
        revoked_at: record.revokedAt,
      })
      .execute();
    return { status: "created" } as const;
  });
}

export async function listApiKeys(db: TenantDb): Promise<ApiKeyRecord[]> {
  const rows = await db.selectFrom("api_keys").select(COLUMNS).orderBy("created_at", "desc").orderBy("id", "desc").execute();
  return rows.map(toApiKey);
}

export async function findApiKeyByHash(db: TenantDb, hash: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom("api_keys").select(COLUMNS).where("hash", "=", hash).executeTakeFirst();
  return row === undefined ? undefined : toApiKey(row);
}

export async function revokeApiKey(db: TenantDb, id: string, at: string): Promise<RevokedApiKey | undefined> {
  return db.transaction(async (trx) => {
    const updated = await trx.updateTable("api_keys").set({ revoked_at: at }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
    const row = await trx.selectFrom("api_keys").select(COLUMNS).where("id", "=", id).executeTakeFirst();
    return row === undefined ? undefined : { record: toApiKey(row), isNew: Number(updated.numUpdatedRows) > 0 };
  });
}

export async function touchApiKey(db: TenantDb, id: string, at: string, notBefore: string): Promise<void> {
  await db
    .updateTable("api_keys")
    .set({ last_used_at: at })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<=", notBefore)]))
    .execute();
}

/** The {@link ApiKeyStore} of one tenant, over its scoped queries. */
export function apiKeyStore(db: TenantDb): ApiKeyStore {
  return {
    createApiKey: (record, maxActive) => createApiKey(db, record, maxActive),
    listApiKeys: () => listApiKeys(db),
    findApiKeyByHash: (hash) => findApiKeyByHash(db, hash),
    revokeApiKey: (id, at) => revokeApiKey(db, id, at),
    touchApiKey: (id, at, notBefore) => touchApiKey(db, id, at, notBefore),
  };
}
