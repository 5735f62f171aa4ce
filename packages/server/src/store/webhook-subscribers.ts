/**
 * Each tenant's enabled webhook endpoints, kept in memory for the append
 * path: an append reads them from here without a query, so a tenant without
 * endpoints pays nothing per message. An entry is filled by the first append
 * of a tenant (inside its transaction), dropped when the tenant's endpoints
 * change (on every node, over the bus: see Store.webhooksChanged) and
 * reloaded after {@link SUBSCRIBERS_TTL_MS} anyway, in case a bus message was
 * lost.
 * @module
 */
import type { WebhookSubscriber } from "./webhook-queries.js";

/** How long a tenant's list is trusted without a change notice. */
export const SUBSCRIBERS_TTL_MS = 10_000;

interface Entry {
  subscribers: readonly WebhookSubscriber[];
  loadedAt: number;
}

export class WebhookSubscriberCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by each change notice, so a load that started before it is not kept. */
  private generation = 0;

  constructor(private readonly ttlMs = SUBSCRIBERS_TTL_MS) {}

  /** The tenant's list if known and fresh; undefined means: load it and {@link fill}. */
  get(tenant: string, now = Date.now()): readonly WebhookSubscriber[] | undefined {
    const entry = this.entries.get(tenant);
    if (entry === undefined || now - entry.loadedAt >= this.ttlMs) return undefined;
    return entry.subscribers;
  }

  /** The generation a load starts at: pass it back to {@link fill}. */
  get current(): number {
    return this.generation;
  }

  /** Keeps a list read from the store, unless a change was announced since its load began. */
  fill(tenant: string, subscribers: readonly WebhookSubscriber[], startedAt: number, now = Date.now()): readonly WebhookSubscriber[] {
    if (startedAt === this.generation) this.entries.set(tenant, { subscribers, loadedAt: now });
    return subscribers;
  }

  /** The tenant's endpoints changed: read them again at its next append. */
  invalidate(tenant: string): void {
    this.generation += 1;
    this.entries.delete(tenant);
  }
}
