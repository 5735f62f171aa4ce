/**
 * The data lifecycle against a real store and blob store. Retention: a seeded
 * history with dates in two tenants; exactly the chats past retention and
 * their files (rows and bytes) are gone, everything else is untouched; files
 * never sent go after a day; two nodes running at once delete each chat once.
 * Erasure at the store: what a chat keeps of its customer, and what it loses.
 */
import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BlobStore } from "../src/blobs/types.js";
import { RETENTION_BATCH, RetentionJob } from "../src/lifecycle/retention.js";
import { ParleyMetrics } from "../src/metrics.js";
import type { Store } from "../src/store/types.js";
import { DAY, daysAgo, datedChat, tenantWithRetention, unsentFile, type SeededChat } from "./lifecycle-fixtures.js";

/** Two stores (two nodes) over one database, and one blob store. */
export interface LifecyclePlace {
  open(): Promise<Store>;
  blobs: BlobStore;
  cleanup(): Promise<void>;
}

export interface LifecycleFactory {
  create(): Promise<LifecyclePlace>;
}

const silent = pino({ level: "silent" });

export function lifecycleContract(name: string, factory: LifecycleFactory): void {
  describe(`data lifecycle: ${name}`, () => {
    let place: LifecyclePlace;
    let store: Store;
    const now = new Date();

    beforeEach(async () => {
      place = await factory.create();
      store = await place.open();
      await store.migrate();
    });
    afterEach(async () => {
      await store.close();
      await place.cleanup();
    });

    const job = (on: Store = store) => new RetentionJob({ store: on, blobs: place.blobs, logger: silent, now: () => now });
    const exists = async (tenant: string, chat: SeededChat) => (await store.tenant(tenant).getContact(chat.chatId)) !== undefined;
    const stored = async (key: string) => (await place.blobs.stat(key)) !== undefined;

    it("deletes exactly the chats past retention, with their events and files, and keeps the rest", async () => {
      const main = await tenantWithRetention(store, "default", 30);
      const other = await tenantWithRetention(store, "acme", null);
      const shared = randomBytes(5000);

      const oldEnded = await datedChat(main, place.blobs, { createdAt: daysAgo(now, 100), lastAt: daysAgo(now, 61), endedAt: daysAgo(now, 60) });
      const oldShared = await datedChat(main, place.blobs, { createdAt: daysAgo(now, 90), lastAt: daysAgo(now, 41), endedAt: daysAgo(now, 40) }, { files: [shared] });
      const abandoned = await datedChat(main, place.blobs, { createdAt: daysAgo(now, 50), lastAt: daysAgo(now, 45) });
      const recentEnded = await datedChat(main, place.blobs, { createdAt: daysAgo(now, 20), lastAt: daysAgo(now, 6), endedAt: daysAgo(now, 5) }, { files: [shared] });
      const longButRecent = await datedChat(main, place.blobs, { createdAt: daysAgo(now, 100), lastAt: daysAgo(now, 11), endedAt: daysAgo(now, 10) });
      const activeRecent = await datedChat(main, place.blobs, { createdAt: daysAgo(now, 100), lastAt: daysAgo(now, 1) });
      const keptForever = await datedChat(other, place.blobs, { createdAt: daysAgo(now, 400), lastAt: daysAgo(now, 301), endedAt: daysAgo(now, 300) });

      const staleUpload = await unsentFile(main, place.blobs, recentEnded, daysAgo(now, 2));
      const freshUpload = await unsentFile(main, place.blobs, recentEnded, new Date(now.getTime() - 3600_000).toISOString());
      const otherStaleUpload = await unsentFile(other, place.blobs, keptForever, daysAgo(now, 3));

      const metrics = new ParleyMetrics({ openConnections: () => 0, servedChats: () => 0, isBusConnected: () => true });
      const lines: Array<{ msg: string; retention?: unknown }> = [];
      const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as { msg: string }) });
      const run = await new RetentionJob({ store, blobs: place.blobs, logger, metrics, now: () => now }).runOnce();
      expect(run).toMatchObject({ skipped: 0, chats: 3, files: 3 + 2, blobs: 4 });
      // One log line per run, with the counts; the metrics per tenant.
      expect(lines).toEqual([expect.objectContaining({ retention: { tenants: 2, skipped: 0, chats: 3, files: 5, blobs: 4 } })]);
      const exposition = (await metrics.render()).body;
      expect(exposition).toContain('parley_retention_deleted_chats_total{tenant="default"} 3');
      expect(exposition).toContain('parley_retention_deleted_files_total{tenant="default"} 4');
      expect(exposition).toContain('parley_retention_deleted_files_total{tenant="acme"} 1');

      for (const gone of [oldEnded, oldShared, abandoned]) {
        expect(await exists("default", gone), gone.chatId).toBe(false);
        expect(await main.eventsAfter(gone.chatId, 0, 100)).toEqual([]);
        expect((await main.messagesBefore(gone.chatId, undefined, 100)).events).toEqual([]);
      }
      for (const kept of [recentEnded, longButRecent, activeRecent]) expect(await exists("default", kept), kept.chatId).toBe(true);
      expect(await exists("acme", keptForever)).toBe(true);
      expect((await main.eventsAfter(recentEnded.chatId, 0, 100)).length).toBe(4);

      // Bytes: the deleted chats' own files are gone; the one shared with a kept chat stays.
      expect(await stored(oldEnded.blobKeys[0]!)).toBe(false);
      expect(await stored(abandoned.blobKeys[0]!)).toBe(false);
      expect(await stored(oldShared.blobKeys[0]!)).toBe(true);
      expect(await stored(recentEnded.blobKeys[0]!)).toBe(true);
      expect(await stored(keptForever.blobKeys[0]!)).toBe(true);
      expect(await stored(longButRecent.blobKeys[0]!)).toBe(true);

      // Files never sent: gone after a day (in every tenant, whatever its retention), kept before.
      expect(await main.getMedia(staleUpload.id)).toBeUndefined();
      expect(await stored(staleUpload.fullsize.blobKey)).toBe(false);
      expect(await other.getMedia(otherStaleUpload.id)).toBeUndefined();
      expect(await stored(otherStaleUpload.fullsize.blobKey)).toBe(false);
      expect(await main.getMedia(freshUpload.id)).toBeDefined();
      expect(await stored(freshUpload.fullsize.blobKey)).toBe(true);

      // One audit entry per tenant that lost something, by the system.
      const audit = await main.listAudit({ limit: 10 });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: "retention.run", actor: { type: "system", name: "retention" }, detail: { chats: 3, files: 4, retentionDays: 30 } });
      expect(await other.listAudit({ limit: 10 })).toMatchObject([{ action: "retention.run", detail: { chats: 0, files: 1 } }]);

      // A second run finds nothing more.
      expect(await job().runOnce()).toMatchObject({ chats: 0, files: 0, blobs: 0 });
      expect(await main.listAudit({ limit: 10 })).toHaveLength(1);
    });

    it("keeps everything in a tenant without retention, and when the setting is later lowered, applies it", async () => {
      const main = await tenantWithRetention(store, "default", null);
      const old = await datedChat(main, place.blobs, { createdAt: daysAgo(now, 1000), lastAt: daysAgo(now, 999), endedAt: daysAgo(now, 998) });
      expect(await job().runOnce()).toMatchObject({ chats: 0, files: 0 });
      expect(await exists("default", old)).toBe(true);
      await tenantWithRetention(store, "default", 365);
      expect(await job().runOnce()).toMatchObject({ chats: 1, files: 1, blobs: 1 });
      expect(await exists("default", old)).toBe(false);
    });

    it("two nodes running at once delete each chat once, in batches, and their counts add up", async () => {
      const main = await tenantWithRetention(store, "default", 7);
      const count = RETENTION_BATCH + 30;
      const old: SeededChat[] = [];
      // Seeded ten at a time: concurrent appends are committed together.
      for (let i = 0; i < count; i += 10) {
        const seeded = Array.from({ length: Math.min(10, count - i) }, (_, j) =>
          datedChat(main, place.blobs, { createdAt: daysAgo(now, 20), lastAt: daysAgo(now, 9), endedAt: daysAgo(now, 8) }, { files: (i + j) % 10 === 0 ? [randomBytes(500)] : [] }),
        );
        old.push(...(await Promise.all(seeded)));
      }
      const kept = await datedChat(main, place.blobs, { createdAt: daysAgo(now, 3), lastAt: daysAgo(now, 2), endedAt: daysAgo(now, 1) });

      const second = await place.open();
      try {
        const [a, b] = await Promise.all([job(store).runOnce(), job(second).runOnce()]);
        expect(a.chats + b.chats).toBe(count);
        expect(a.files + b.files).toBe(Math.ceil(count / 10));
        expect(a.blobs + b.blobs).toBe(Math.ceil(count / 10));
      } finally {
        await second.close();
      }
      for (const chat of old) expect(await exists("default", chat)).toBe(false);
      expect(await exists("default", kept)).toBe(true);
      const runs = await main.listAudit({ action: "retention.run", limit: 10 });
      expect(runs.reduce((sum, entry) => sum + Number(entry.detail.chats), 0)).toBe(count);
    }, 120_000);

    it("a node skips a tenant whose lease another node holds, and takes it once that lease expired", async () => {
      const main = await tenantWithRetention(store, "default", 1);
      const old = await datedChat(main, place.blobs, { createdAt: daysAgo(now, 5), lastAt: daysAgo(now, 4), endedAt: daysAgo(now, 3) });
      expect(await main.claimLease("retention", "node-elsewhere", now, 60_000)).toBe(true);
      expect(await job().runOnce()).toMatchObject({ tenants: 0, skipped: 1, chats: 0 });
      expect(await exists("default", old)).toBe(true);

      const later = new Date(now.getTime() + 61_000);
      const after = new RetentionJob({ store, blobs: place.blobs, logger: silent, now: () => later });
      expect(await after.runOnce()).toMatchObject({ skipped: 0, chats: 1 });
      expect(await exists("default", old)).toBe(false);
      // Released at the end of the run: anyone may take it now.
      expect(await main.claimLease("retention", "node-elsewhere", later, 60_000)).toBe(true);
    });

    it("erases a customer's chat: every payload redacted, details cleared, files' rows emptied; again changes nothing", async () => {
      const main = await tenantWithRetention(store, "default", null);
      const other = await tenantWithRetention(store, "acme", null);
      const chat = await datedChat(main, place.blobs, { createdAt: daysAgo(now, 3), lastAt: daysAgo(now, 2), endedAt: daysAgo(now, 1) }, { email: "Dana@Example.com" });
      const twin = await datedChat(other, place.blobs, { createdAt: daysAgo(now, 3), lastAt: daysAgo(now, 2) }, { email: "dana@example.com" });
      expect(await main.customerChats({ email: "dana@EXAMPLE.com" }, 10)).toEqual([chat.chatId]);
      expect(await main.customerChats({ customerId: twin.customer }, 10)).toEqual([]);
      expect(await main.eraseChat(twin.chatId, now.toISOString())).toBeUndefined();

      const erased = await main.eraseChat(chat.chatId, now.toISOString());
      expect(erased).toMatchObject({ chatId: chat.chatId, events: 4, files: 1, blobKeys: chat.blobKeys });
      const text = JSON.stringify(await main.eventsAfter(chat.chatId, 0, 100));
      for (const secret of ["Dana", "4711", "statement", "203.0.113.9", "Mozilla", "shop.example"]) expect(text).not.toContain(secret);
      expect(await main.getContact(chat.chatId)).toMatchObject({
        nickname: "[erased]",
        email: null,
        pageUri: null,
        userAgent: null,
        clientIp: null,
        erasedAt: now.toISOString(),
        participants: [{ userId: chat.customer, nickname: "[erased]" }],
      });
      expect(await main.chatMedia(chat.chatId)).toEqual([]);
      expect(await main.eraseChat(chat.chatId, new Date().toISOString())).toMatchObject({ events: 0, files: 0, blobKeys: [] });
      expect((await main.getContact(chat.chatId))?.erasedAt).toBe(now.toISOString());
      // The other tenant's look-alike is untouched.
      expect(JSON.stringify(await other.eventsAfter(twin.chatId, 0, 100))).toContain("4711");
      expect(await other.chatMedia(twin.chatId)).toHaveLength(1);
    });

    it("leases are compare-and-set: of two holders asking at once, one gets it", async () => {
      const main = store.tenant("default");
      const answers = await Promise.all(["a", "b", "c"].map((holder) => main.claimLease("test", holder, now, DAY)));
      expect(answers.filter(Boolean)).toHaveLength(1);
    });
  });
}
