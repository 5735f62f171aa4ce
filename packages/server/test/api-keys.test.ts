/**
 * API keys below HTTP, on real stores (SQLite and PostgreSQL) and real buses:
 * only the hash is stored, the per-node cache and how revocations cross it,
 * the once-a-minute `last_used_at`, the per-tenant cap and tenant scoping.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CLI_ACTOR, systemActor } from "../src/audit/record.js";
import { ApiKeys, hashApiKey } from "../src/auth/api-keys.js";
import { MemoryBroker, MemoryBus } from "../src/bus/memory.js";
import { RedisBus } from "../src/bus/redis.js";
import { ParleyError } from "../src/errors.js";
import { PostgresStore } from "../src/store/postgres.js";
import { SqliteStore } from "../src/store/sqlite.js";
import type { Store } from "../src/store/types.js";
import { tempDir } from "./helpers.js";
import { describePostgres, freshDatabase } from "./pg-support.js";
import { randomPrefix, removePrefix, TEST_REDIS_URL } from "./redis-support.js";
import { waitFor } from "../../../tests/support/wait.js";

const T0 = Date.parse("2026-03-01T10:00:00.000Z");

/** A clock a test moves by hand. */
function clock(start = T0): { now: () => number; advance: (ms: number) => void } {
  let at = start;
  return { now: () => at, advance: (ms) => (at += ms) };
}

async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    if (error instanceof ParleyError) return error.code;
    throw error;
  }
}

async function addTenant(store: Store, name: string): Promise<void> {
  await store.createTenant({
    name,
    displayName: name,
    status: "active",
    limits: { maxAgents: null, maxActiveChats: null, maxStorageBytes: null },
    retentionDays: null,
    createdAt: new Date(T0).toISOString(),
  });
}

function suite(kind: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>): void {
  describe(`API keys (${kind})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    const closers: Array<() => void | Promise<void>> = [];

    async function setUp(): Promise<Store> {
      ({ store, cleanup } = await open());
      await store.migrate();
      await addTenant(store, "acme");
      return store;
    }

    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close();
      await cleanup();
    });

    function keys(options: Partial<ConstructorParameters<typeof ApiKeys>[0]> = {}): ApiKeys {
      const made = new ApiKeys({ stores: (tenant) => store.tenant(tenant), ...options });
      closers.push(() => made.close());
      return made;
    }

    it("store the key's SHA-256 only, and find it in the tenant its text names", async () => {
      await setUp();
      const apiKeys = keys();
      const { key, record } = await apiKeys.create("acme", { name: "CRM", scopes: ["transcripts:read", "admin"] }, CLI_ACTOR);
      expect(key).toMatch(/^pk_acme_[A-Za-z0-9_-]{43}$/);
      expect(record).toMatchObject({ name: "CRM", scopes: ["transcripts:read", "config:manage"], createdBy: "cli", revokedAt: null });
      expect(record.prefix).toBe(key.slice(0, "pk_acme_".length + 8));
      const byAgent = await apiKeys.create("acme", { name: "Router", scopes: ["chats:write"] }, { actor: { type: "agent", id: "USER_1", name: "ada" }, address: "10.0.0.1" });
      expect(byAgent.record.createdBy).toBe("USER_1");
      const bySystem = await apiKeys.create("acme", { name: "Job", scopes: ["chats:write"] }, systemActor("provisioning"));
      expect(bySystem.record.createdBy).toBe("provisioning");
      const stored = (await store.tenant("acme").listApiKeys()).find((k) => k.id === record.id);
      expect(stored?.hash).toBe(hashApiKey(key));
      expect(JSON.stringify(stored)).not.toContain(key.slice("pk_acme_".length));
      expect(await apiKeys.verify(key)).toEqual({ kind: "apiKey", tenant: "acme", keyId: record.id, name: "CRM", scopes: ["transcripts:read", "config:manage"] });
      // The same key is nobody in another tenant: the lookup is scoped to the tenant the key names.
      expect(await store.tenant("default").findApiKeyByHash(hashApiKey(key))).toBeUndefined();
      expect(await store.tenant("default").listApiKeys()).toEqual([]);
      // Another tenant's name written into the key makes another key, which does not exist.
      expect(await codeOf(apiKeys.verify(key.replace("pk_acme_", "pk_default_")))).toBe("AUTH_INVALID_TOKEN");
      expect(await codeOf(apiKeys.verify("pk_acme_short"))).toBe("AUTH_INVALID_TOKEN");
      expect(await codeOf(apiKeys.verify(`${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`))).toBe("AUTH_INVALID_TOKEN");
    });

    it("refuse unknown scopes and empty names, and change nothing", async () => {
      await setUp();
      const apiKeys = keys();
      expect(await codeOf(apiKeys.create("acme", { name: "x", scopes: ["transcripts:write"] }, CLI_ACTOR))).toBe("VALIDATION_FAILED");
      expect(await codeOf(apiKeys.create("acme", { name: "x", scopes: [] }, CLI_ACTOR))).toBe("VALIDATION_FAILED");
      expect(await codeOf(apiKeys.create("acme", { name: "  ", scopes: ["chats:write"] }, CLI_ACTOR))).toBe("VALIDATION_FAILED");
      expect(await store.tenant("acme").listApiKeys()).toEqual([]);
    });

    it("cap the keys a tenant holds, revoked ones not counted", async () => {
      await setUp();
      const apiKeys = keys({ maxPerTenant: 2 });
      const first = await apiKeys.create("acme", { name: "one", scopes: ["chats:write"] }, CLI_ACTOR);
      await apiKeys.create("acme", { name: "two", scopes: ["chats:write"] }, CLI_ACTOR);
      expect(await codeOf(apiKeys.create("acme", { name: "three", scopes: ["chats:write"] }, CLI_ACTOR))).toBe("API_KEY_LIMIT");
      // Another tenant has its own allowance.
      await apiKeys.create("default", { name: "elsewhere", scopes: ["chats:write"] }, CLI_ACTOR);
      await apiKeys.revoke("acme", first.record.id, CLI_ACTOR);
      await apiKeys.create("acme", { name: "three", scopes: ["chats:write"] }, CLI_ACTOR);
      expect((await apiKeys.list("acme")).map((key) => key.name)).toEqual(["three", "two", "one"]);
    });

    it("remember a lookup for the cache time: a key revoked behind a node's back stops working when it runs out", async () => {
      await setUp();
      const time = clock();
      const apiKeys = keys({ now: time.now, cacheMs: 5000 });
      const { key, record } = await apiKeys.create("acme", { name: "CRM", scopes: ["chats:write"] }, CLI_ACTOR);
      await apiKeys.verify(key);
      // Revoked in the store by someone this node does not hear from (no bus).
      await store.tenant("acme").revokeApiKey(record.id, new Date(time.now()).toISOString());
      time.advance(4999);
      expect((await apiKeys.verify(key)).keyId).toBe(record.id);
      time.advance(1);
      expect(await codeOf(apiKeys.verify(key))).toBe("AUTH_INVALID_TOKEN");
    });

    it("refuse a revoked key at once on the node that revoked it, and on another node as soon as the bus carries it", async () => {
      await setUp();
      const time = clock();
      const broker = new MemoryBroker();
      // An hour of cache: only the revocation message can make the second node refuse the key.
      const a = keys({ now: time.now, cacheMs: 3_600_000, bus: new MemoryBus({ broker }) });
      const b = keys({ now: time.now, cacheMs: 3_600_000, bus: new MemoryBus({ broker }) });
      const { key, record } = await a.create("acme", { name: "CRM", scopes: ["chats:write"] }, CLI_ACTOR);
      await a.verify(key);
      await b.verify(key);
      const revoked = await a.revoke("acme", record.id, CLI_ACTOR);
      expect(revoked?.isNew).toBe(true);
      expect(await codeOf(a.verify(key))).toBe("AUTH_INVALID_TOKEN");
      await waitFor(async () => (await codeOf(b.verify(key))) === "AUTH_INVALID_TOKEN", () => "the other node refuses the revoked key");
      // Revoking again changes nothing, and says so.
      const again = await a.revoke("acme", record.id, CLI_ACTOR);
      expect(again).toMatchObject({ isNew: false, record: { revokedAt: revoked?.record.revokedAt } });
      expect(await a.revoke("default", record.id, CLI_ACTOR)).toBeUndefined();
      // Each action is in the tenant's audit log once, with who did it and never the key.
      const audit = await store.tenant("acme").listAudit({ limit: 10 });
      expect(audit.map((entry) => [entry.action, entry.actor.type, entry.target?.id])).toEqual([
        ["api_key.revoked", "cli", record.id],
        ["api_key.created", "cli", record.id],
      ]);
      expect(audit[1]!.detail).toEqual({ name: "CRM", scopes: ["chats:write"] });
      expect(JSON.stringify(audit)).not.toContain(key.slice("pk_acme_".length));
      expect(await store.tenant("default").listAudit({ limit: 10 })).toEqual([]);
    });

    it("write last_used_at at most once a minute per key", async () => {
      await setUp();
      const time = clock();
      // The real store, with each write of last_used_at kept so the test can await it.
      const touches: Array<Promise<void>> = [];
      const counted = (tenant: string) => {
        const scoped = store.tenant(tenant);
        return Object.assign(Object.create(scoped) as typeof scoped, {
          touchApiKey: (id: string, at: string, notBefore: string) => {
            const done = scoped.touchApiKey(id, at, notBefore);
            touches.push(done);
            return done;
          },
        });
      };
      const apiKeys = keys({ now: time.now, cacheMs: 1000, stores: counted });
      const { key, record } = await apiKeys.create("acme", { name: "CRM", scopes: ["chats:write"] }, CLI_ACTOR);
      const lastUsed = async () => {
        await Promise.all(touches);
        return (await store.tenant("acme").listApiKeys()).find((k) => k.id === record.id)?.lastUsedAt;
      };
      await apiKeys.verify(key);
      expect(touches).toHaveLength(1);
      expect(await lastUsed()).toBe(new Date(T0).toISOString());
      // Uses within the minute (past the cache time, so looked up again) write nothing.
      time.advance(30_000);
      await apiKeys.verify(key);
      time.advance(29_999);
      await apiKeys.verify(key);
      expect(touches).toHaveLength(1);
      time.advance(1);
      await apiKeys.verify(key);
      expect(touches).toHaveLength(2);
      expect(await lastUsed()).toBe(new Date(T0 + 60_000).toISOString());
      // Another node's first use within that minute tries, and the store keeps the time the first node wrote.
      time.advance(10_000);
      const other = keys({ now: time.now, stores: counted });
      await other.verify(key);
      expect(touches).toHaveLength(3);
      expect(await lastUsed()).toBe(new Date(T0 + 60_000).toISOString());
    });
  });
}

suite("SQLite", async () => {
  const dir = tempDir();
  const store = new SqliteStore({ dataDir: dir.path });
  return {
    store,
    cleanup: async () => {
      await store.close();
      dir.remove();
    },
  };
});

describePostgres("on PostgreSQL", () => {
  suite("PostgreSQL", async () => {
    const database = await freshDatabase();
    const store = new PostgresStore({ connectionString: database.url });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await database.drop();
      },
    };
  });
});

describe("API key revocations over Redis", () => {
  it("reach a node whose cache would keep the key for an hour", async () => {
    const prefix = randomPrefix();
    const dir = tempDir();
    const store = new SqliteStore({ dataDir: dir.path });
    await store.migrate();
    const buses = [new RedisBus({ url: TEST_REDIS_URL, prefix }), new RedisBus({ url: TEST_REDIS_URL, prefix })];
    for (const bus of buses) await bus.start();
    const [a, b] = buses.map((bus) => new ApiKeys({ stores: (tenant) => store.tenant(tenant), bus, cacheMs: 3_600_000 }));
    try {
      await Promise.all([a!.ready, b!.ready]);
      const { key, record } = await a!.create("default", { name: "Router", scopes: ["chats:write"] }, CLI_ACTOR);
      await b!.verify(key);
      await a!.revoke("default", record.id, CLI_ACTOR);
      await waitFor(async () => (await codeOf(b!.verify(key))) === "AUTH_INVALID_TOKEN", () => "the other node refuses the revoked key");
    } finally {
      a!.close();
      b!.close();
      for (const bus of buses) await bus.close();
      await store.close();
      dir.remove();
      await removePrefix(TEST_REDIS_URL, prefix);
    }
  });
});
