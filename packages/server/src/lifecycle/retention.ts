/**
 * The retention job: on every node, every few minutes, for each tenant in
 * turn, it deletes the chats older than the tenant's `retentionDays` (ended
 * before the cutoff, or active with no event since it) with their
 * participants, events and files, and the files no message ever referred to
 * once they are a day old; then it reclaims the blobs nothing names any more.
 *
 * Work happens in batches of {@link RETENTION_BATCH} chats, one transaction
 * each. Nodes do not do the same work twice: a node works on a tenant only
 * while it holds that tenant's `retention` lease (a row taken by
 * compare-and-set, renewed after each batch); the others skip the tenant
 * until their next run. Deletions count rows actually deleted, so even a
 * lease lost midway cannot count a chat twice.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { BlobStore } from "../blobs/types.js";
import { DEFAULT_RETENTION_INTERVAL_MS } from "../config.js";
import type { ParleyMetrics } from "../metrics.js";
import type { InstallLifecycleStore, TenantLifecycleStore } from "../store/lifecycle-store.js";
import { recordAudit, systemActor } from "../audit/record.js";
import { reclaimBlobs } from "./reclaim-blobs.js";

/** Chats (or unsent files) deleted per transaction: small, so no batch holds locks for long. */
export const RETENTION_BATCH = 100;
/** Files no message refers to are deleted once they are this old (ms). */
export const ORPHAN_MEDIA_AGE_MS = 24 * 3600 * 1000;
/** How long a lease lasts without renewal: a node that died midway holds its tenant back this long at most. */
const LEASE_TTL_MS = 5 * 60 * 1000;
const LEASE_NAME = "retention";
const DAY_MS = 24 * 3600 * 1000;

/** What the job needs of the store. */
export interface RetentionStore extends InstallLifecycleStore {
  listTenants(): Promise<ReadonlyArray<{ name: string; retentionDays: number | null }>>;
  tenant(name: string): TenantLifecycleStore;
}

export interface RetentionOptions {
  store: RetentionStore;
  blobs: BlobStore;
  logger: Logger;
  metrics?: ParleyMetrics | undefined;
  /** Between two runs (ms); default 10 minutes. */
  intervalMs?: number | undefined;
  /** Before the first run after start (ms); default 30 seconds. */
  firstRunMs?: number | undefined;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
}

/** What one run did, over every tenant. */
export interface RetentionRun {
  /** Tenants this node worked on. */
  tenants: number;
  /** Tenants skipped because another node held their lease. */
  skipped: number;
  chats: number;
  /** Files' rows deleted, with their chats or unsent. */
  files: number;
  /** Blobs reclaimed. */
  blobs: number;
}

const DEFAULT_FIRST_RUN_MS = 30 * 1000;

export class RetentionJob {
  /** This node's name as a lease holder. */
  readonly holder = `node-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RetentionRun> | undefined;
  private stopped = false;

  constructor(private readonly options: RetentionOptions) {}

  /** Schedules the runs: the first shortly after start, then one every interval. */
  start(): void {
    this.schedule(this.options.firstRunMs ?? DEFAULT_FIRST_RUN_MS);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One run over every tenant now (a run already in progress is joined, not doubled). */
  runOnce(): Promise<RetentionRun> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch((error: unknown) => this.options.logger.error({ err: error }, "the retention run failed; it runs again at the next interval"))
        .finally(() => this.schedule(this.options.intervalMs ?? DEFAULT_RETENTION_INTERVAL_MS));
    }, delayMs);
    // A pending run never keeps the process alive.
    this.timer.unref();
  }

  private async run(): Promise<RetentionRun> {
    const total: RetentionRun = { tenants: 0, skipped: 0, chats: 0, files: 0, blobs: 0 };
    for (const { name, retentionDays } of await this.options.store.listTenants()) {
      if (this.stopped) break;
      const done = await this.runTenant(name, retentionDays);
      if (done === undefined) {
        total.skipped += 1;
        continue;
      }
      total.tenants += 1;
      total.chats += done.chats;
      total.files += done.files;
      total.blobs += done.blobs;
    }
    this.options.logger.info({ retention: total }, `retention: ${total.chats} chats, ${total.files} files and ${total.blobs} blobs deleted`);
    return total;
  }

  /** The tenant's work, under its lease; undefined when another node holds it. */
  private async runTenant(tenant: string, retentionDays: number | null): Promise<Omit<RetentionRun, "tenants" | "skipped"> | undefined> {
    const { store, blobs, metrics } = this.options;
    const now = this.options.now?.() ?? new Date();
    const scoped = store.tenant(tenant);
    if (!(await scoped.claimLease(LEASE_NAME, this.holder, now, LEASE_TTL_MS))) return undefined;
    const done = { chats: 0, files: 0, blobs: 0 };
    try {
      const orphanCutoff = new Date(now.getTime() - ORPHAN_MEDIA_AGE_MS).toISOString();
      const chatCutoff = retentionDays === null ? undefined : new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
      // Chats first, so that a file they held is deleted with them rather than as an orphan.
      const passes = [
        ...(chatCutoff === undefined ? [] : [{ select: () => scoped.expiredChats(chatCutoff, RETENTION_BATCH), remove: (ids: string[]) => scoped.deleteChats(ids), isChat: true }]),
        { select: () => scoped.orphanMedia(orphanCutoff, RETENTION_BATCH), remove: (ids: string[]) => scoped.deleteOrphanMedia(ids), isChat: false },
      ];
      for (const pass of passes) {
        for (;;) {
          // A stopping node leaves the rest to the next run, here or elsewhere.
          if (this.stopped) return done;
          const ids = await pass.select();
          if (ids.length === 0) break;
          const batch = await pass.remove(ids);
          if (pass.isChat) done.chats += batch.deleted;
          done.files += batch.files;
          metrics?.retentionDeletedChats.inc({ tenant }, pass.isChat ? batch.deleted : 0);
          metrics?.retentionDeletedFiles.inc({ tenant }, batch.files);
          done.blobs += await reclaimBlobs(store, blobs, batch.blobKeys);
          // Another node took the tenant over (this one stalled past the lease): leave the rest to it.
          if (!(await scoped.claimLease(LEASE_NAME, this.holder, this.options.now?.() ?? new Date(), LEASE_TTL_MS))) return done;
          if (ids.length < RETENTION_BATCH) break;
        }
      }
    } finally {
      await scoped.releaseLease(LEASE_NAME, this.holder).catch(() => undefined);
    }
    if (done.chats + done.files > 0) {
      await recordAudit(scoped, systemActor("retention"), "retention.run", undefined, {
        retentionDays,
        chats: done.chats,
        files: done.files,
        blobs: done.blobs,
      });
    }
    return done;
  }
}
