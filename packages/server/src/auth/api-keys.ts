/**
 * API keys: long-lived credentials of integrations, `pk_<tenant>_<secret>`.
 *
 * Storage. The secret is 32 random bytes (base64url, 43 characters), so the
 * store keeps only the key's SHA-256: a slow password hash (scrypt, as for
 * agents) exists to make guessing a weak secret costly, and a 256-bit random
 * secret cannot be guessed, so a fast hash is as safe and lets every request
 * be checked without burning CPU. A stolen database gives no usable key.
 *
 * Lookup. A key is looked up by its hash, in the tenant its text names. What a
 * lookup's timing could reveal is how much of a stored hash matches the hash
 * of a guess, which says nothing about any secret (finding a preimage of
 * SHA-256 is infeasible); the hash found is compared again with
 * `timingSafeEqual` all the same.
 *
 * Cache and revocation. A verified key (and an unknown one) is remembered for
 * `cacheMs` (5 s) per node, so a busy integration costs no query per request.
 * Revoking evicts the key from the revoking node at once and tells every other
 * node over the bus to evict it too; if that message is lost (the bus was
 * down), the key still stops working everywhere within `cacheMs`.
 *
 * Last use. `last_used_at` is written at most once a minute per key and node
 * (and skipped when another node wrote it within the minute), never once a
 * request.
 * @module
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { API_KEY_SCOPE_ALIASES, MAX_API_KEYS_PER_TENANT, isApiKeyScope, type ApiKeyScope } from "@parley/protocol";
import { recordAudit, type AuditContext, type AuditLog } from "../audit/record.js";
import type { Bus, BusSubscription } from "../bus/types.js";
import { ParleyError } from "../errors.js";
import type { ApiKeyRecord, ApiKeyStore, RevokedApiKey } from "../store/api-key-queries.js";
import { TENANT_NAME } from "../store/tenant-db.js";

/** How a request authenticated with an API key is known to the routes. */
export interface ApiKeyAuth {
  kind: "apiKey";
  /** The tenant the key belongs to: the only one it opens. */
  tenant: string;
  /** `KEY_<uuid>`. */
  keyId: string;
  /** The key's name: the nickname it posts under. */
  name: string;
  scopes: ApiKeyScope[];
}

/** Where each tenant's keys are kept, and its audit log. */
export type ApiKeyStores = (tenant: string) => ApiKeyStore & AuditLog;

/** Every key starts so; nothing else Parley accepts does (session tokens start `eyJ`). */
export const API_KEY_MARK = "pk_";

/** `pk_`, the tenant (no `_` in tenant names), `_`, then 43 base64url characters (32 bytes). */
const KEY_FORM = /^pk_([a-z0-9-]{1,63})_([A-Za-z0-9_-]{43})$/;

/** How many characters of the secret a key's listed prefix shows. */
const PREFIX_SECRET_CHARS = 8;

/** The bus channel on which revocations travel to the other nodes. */
export const API_KEY_REVOCATIONS_CHANNEL = "api-keys:revoked";

/** Entries the cache holds at most: guesses cannot grow it without bound. */
const MAX_CACHED = 10_000;

const MINUTE_MS = 60_000;

/** Whether a credential is in the key form (not whether the key exists). */
export function isApiKeyForm(credential: string): boolean {
  return credential.startsWith(API_KEY_MARK);
}

/** Hex SHA-256 of a key's text. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** The scopes asked for, aliases resolved, each once; throws `VALIDATION_FAILED` on an unknown one. */
export function normalizeScopes(asked: readonly string[]): ApiKeyScope[] {
  const scopes = new Set<ApiKeyScope>();
  for (const name of asked) {
    const scope = API_KEY_SCOPE_ALIASES[name] ?? name;
    if (!isApiKeyScope(scope)) {
      throw new ParleyError("VALIDATION_FAILED", `Unknown scope "${name}".`, { path: "/scopes", problem: "unknown scope" });
    }
    scopes.add(scope);
  }
  if (scopes.size === 0) throw new ParleyError("VALIDATION_FAILED", "Give at least one scope.", { path: "/scopes", problem: "empty" });
  return [...scopes];
}

/** A key name: 1 to 64 characters, no control characters, trimmed. */
export function normalizeKeyName(name: string): string {
  const trimmed = name.normalize("NFC").trim();
  // eslint-disable-next-line no-control-regex
  if (trimmed.length === 0 || trimmed.length > 64 || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(trimmed)) {
    throw new ParleyError("VALIDATION_FAILED", "A key name is 1 to 64 characters without control characters.", { path: "/name", problem: "invalid" });
  }
  return trimmed;
}

interface CacheEntry {
  auth: ApiKeyAuth | null;
  until: number;
}

export interface ApiKeysOptions {
  stores: ApiKeyStores;
  /** Carries revocations to the other nodes; absent on one node without a bus. */
  bus?: Bus;
  /** How long a lookup is remembered. Default 5000. */
  cacheMs?: number;
  /** The most keys, not revoked, per tenant. Default {@link MAX_API_KEYS_PER_TENANT}. */
  maxPerTenant?: number;
  /** Called with a failed background write of `last_used_at`. */
  onTouchError?: (error: unknown) => void;
  now?: () => number;
}

/** Creates, lists, revokes and verifies API keys for every tenant. */
export class ApiKeys {
  private readonly cache = new Map<string, CacheEntry>();
  /** When this node last wrote each key's `last_used_at`. */
  private readonly touched = new Map<string, number>();
  /** Bumped by each eviction: a lookup that began before it must not cache what it read. */
  private generation = 0;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private readonly subscription: BusSubscription | undefined;
  private readonly stopReconnect: (() => void) | undefined;

  constructor(private readonly options: ApiKeysOptions) {
    this.cacheMs = options.cacheMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.subscription = options.bus?.subscribe(API_KEY_REVOCATIONS_CHANNEL, (message) => {
      const { tenant, keyId } = (message ?? {}) as { tenant?: unknown; keyId?: unknown };
      if (typeof tenant === "string" && typeof keyId === "string") this.evict(tenant, keyId);
    });
    // Revocations published while the bus was away never arrive: forget everything instead.
    this.stopReconnect = options.bus?.onReconnect?.(() => this.evictAll());
  }

  /** Resolves once revocations from other nodes are delivered. */
  get ready(): Promise<void> {
    return this.subscription?.ready ?? Promise.resolve();
  }

  /**
   * A new key of `tenant`, made by `by` (recorded in the tenant's audit log as
   * `api_key.created`). The key's text is returned this once; only its hash is
   * stored. Throws `API_KEY_LIMIT` when the tenant holds the most keys allowed.
   */
  async create(tenant: string, input: { name: string; scopes: readonly string[] }, by: AuditContext): Promise<{ key: string; record: ApiKeyRecord }> {
    if (!TENANT_NAME.test(tenant)) throw new ParleyError("VALIDATION_FAILED", "Invalid tenant name.", { path: "/tenant", problem: "invalid" });
    const name = normalizeKeyName(input.name);
    const scopes = normalizeScopes(input.scopes);
    const secret = randomBytes(32).toString("base64url");
    const key = `${API_KEY_MARK}${tenant}_${secret}`;
    const record: ApiKeyRecord = {
      id: `KEY_${randomUUID()}`,
      name,
      prefix: `${API_KEY_MARK}${tenant}_${secret.slice(0, PREFIX_SECRET_CHARS)}`,
      hash: hashApiKey(key),
      scopes,
      createdAt: new Date(this.now()).toISOString(),
      // The agent's user id or the key's id; `cli` or the job's name otherwise.
      createdBy: by.actor.id ?? by.actor.name ?? by.actor.type,
      lastUsedAt: null,
      revokedAt: null,
    };
    const limit = this.options.maxPerTenant ?? MAX_API_KEYS_PER_TENANT;
    const result = await this.options.stores(tenant).createApiKey(record, limit);
    if (result.status === "limit") throw new ParleyError("API_KEY_LIMIT", undefined, { limit: result.limit });
    await this.audit(tenant, by, "api_key.created", record);
    return { key, record };
  }

  /** Every key of `tenant`, revoked ones too, newest first. */
  list(tenant: string): Promise<ApiKeyRecord[]> {
    return this.options.stores(tenant).listApiKeys();
  }

  /**
   * Revokes a key of `tenant` on behalf of `by`: refused at once on this node,
   * and on the others as soon as the bus carries the word (within `cacheMs` in
   * any case). Recorded as `api_key.revoked`, once: revoking it again records nothing.
   * @returns the key, and whether this call revoked it (false: it was revoked before); undefined when the tenant has no such key
   */
  async revoke(tenant: string, keyId: string, by: AuditContext): Promise<RevokedApiKey | undefined> {
    const revoked = await this.options.stores(tenant).revokeApiKey(keyId, new Date(this.now()).toISOString());
    if (revoked === undefined) return undefined;
    this.evict(tenant, keyId);
    await this.options.bus?.publish(API_KEY_REVOCATIONS_CHANNEL, { tenant, keyId });
    if (revoked.isNew) await this.audit(tenant, by, "api_key.revoked", revoked.record);
    return revoked;
  }

  /** The one place key management writes to the audit log: who, what, which key; never the key itself. */
  private async audit(tenant: string, by: AuditContext, action: "api_key.created" | "api_key.revoked", key: ApiKeyRecord): Promise<void> {
    await recordAudit(this.options.stores(tenant), by, action, { type: "api_key", id: key.id }, { name: key.name, scopes: key.scopes });
  }

  /** The key a credential in key form names; throws `AUTH_INVALID_TOKEN` when it is malformed, unknown or revoked. */
  async verify(credential: string): Promise<ApiKeyAuth> {
    const form = KEY_FORM.exec(credential);
    if (form === null || !TENANT_NAME.test(form[1]!)) throw new ParleyError("AUTH_INVALID_TOKEN", "Malformed API key.");
    const tenant = form[1]!;
    const hash = hashApiKey(credential);
    const now = this.now();
    let entry = this.cache.get(hash);
    if (entry === undefined || entry.until <= now) {
      const generation = this.generation;
      const auth = await this.lookUp(tenant, hash);
      entry = { auth, until: now + this.cacheMs };
      if (generation === this.generation) this.remember(hash, entry);
    }
    if (entry.auth === null) throw new ParleyError("AUTH_INVALID_TOKEN", "Unknown or revoked API key.");
    this.touch(entry.auth, now);
    return entry.auth;
  }

  /** Stops listening for revocations. */
  close(): void {
    this.subscription?.();
    this.stopReconnect?.();
  }

  private async lookUp(tenant: string, hash: string): Promise<ApiKeyAuth | null> {
    const record = await this.options.stores(tenant).findApiKeyByHash(hash);
    if (record === undefined || record.revokedAt !== null) return null;
    const found = Buffer.from(record.hash, "hex");
    const given = Buffer.from(hash, "hex");
    if (found.length !== given.length || !timingSafeEqual(found, given)) return null;
    return { kind: "apiKey", tenant, keyId: record.id, name: record.name, scopes: record.scopes };
  }

  private remember(hash: string, entry: CacheEntry): void {
    this.cache.delete(hash);
    this.cache.set(hash, entry);
    // Oldest first in a Map's order: drop from the front.
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
  }

  private evict(tenant: string, keyId: string): void {
    this.generation++;
    for (const [hash, entry] of this.cache) {
      if (entry.auth?.keyId === keyId && entry.auth.tenant === tenant) this.cache.delete(hash);
    }
  }

  private evictAll(): void {
    this.generation++;
    this.cache.clear();
  }

  /** Writes `last_used_at` in the background, once a minute at most per key on this node. */
  private touch(auth: ApiKeyAuth, now: number): void {
    const last = this.touched.get(auth.keyId);
    if (last !== undefined && now - last < MINUTE_MS) return;
    this.touched.set(auth.keyId, now);
    if (this.touched.size > MAX_CACHED) this.touched.delete(this.touched.keys().next().value as string);
    const at = new Date(now).toISOString();
    const notBefore = new Date(now - MINUTE_MS).toISOString();
    this.options
      .stores(auth.tenant)
      .touchApiKey(auth.keyId, at, notBefore)
      .catch((error: unknown) => this.options.onTouchError?.(error));
  }
}

/** Whether an authenticated key holds `scope`. */
export function hasScope(auth: ApiKeyAuth, scope: ApiKeyScope): boolean {
  return auth.scopes.includes(scope);
}
