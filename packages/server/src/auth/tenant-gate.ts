/**
 * Whether a tenant may be served: it exists and is active. Read from the
 * store and kept a few seconds, so a request costs no query; a change made on
 * another node (or by the CLI) is seen once the entry expires, and at once on
 * every node told through the bus (see realtime/tenant-status.ts).
 * @module
 */
import { ParleyError } from "../errors.js";
import type { Store, TenantRecord } from "../store/types.js";

/** How long a tenant's record is trusted before the store is read again. */
export const TENANT_TTL_MS = 5_000;

/** Tenants remembered at once; an unknown name is never remembered. */
const MAX_KEPT = 10_000;

export class TenantGate {
  private readonly kept = new Map<string, { record: TenantRecord; readAt: number }>();

  constructor(
    private readonly store: Pick<Store, "getTenant">,
    private readonly ttlMs = TENANT_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The tenant's record, or undefined when there is none of that name. */
  async find(name: string): Promise<TenantRecord | undefined> {
    const kept = this.kept.get(name);
    if (kept !== undefined && this.clock() - kept.readAt < this.ttlMs) return kept.record;
    const record = await this.store.getTenant(name);
    this.kept.delete(name);
    if (record !== undefined) {
      if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value!);
      this.kept.set(name, { record, readAt: this.clock() });
    }
    return record;
  }

  /** The tenant, when it exists and is active: `TENANT_NOT_FOUND` or `TENANT_DISABLED` otherwise. */
  async requireActive(name: string): Promise<TenantRecord> {
    const record = await this.find(name);
    if (record === undefined) throw new ParleyError("TENANT_NOT_FOUND", undefined, { tenant: name });
    if (record.status !== "active") throw new ParleyError("TENANT_DISABLED", undefined, { tenant: name });
    return record;
  }

  /** Forgets what was kept of a tenant: it changed. */
  forget(name: string): void {
    this.kept.delete(name);
  }
}
