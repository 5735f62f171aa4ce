/**
 * A tenant's status changed: every node forgets what it kept of the tenant,
 * and when it was disabled, closes the tenant's sockets. The node where the
 * change was made announces it on the bus; each node (itself included) acts
 * on it. Messages from the bus are checked before use.
 * @module
 */
import type { Logger } from "pino";
import type { TenantGate } from "../auth/tenant-gate.js";
import type { Bus } from "../bus/types.js";
import { TENANT_NAME } from "../store/tenant-db.js";

/** The bus channel of tenant changes (the bus adds its prefix). */
export const TENANT_STATUS_CHANNEL = "tenant-status";

/** Where a node's sockets are closed by tenant. */
export interface TenantSockets {
  closeTenant(tenant: string): number;
}

export class TenantStatusWatch {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly bus: Bus,
    private readonly gate: TenantGate,
    private readonly sockets: () => TenantSockets | undefined,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = bus.subscribe(TENANT_STATUS_CHANNEL, (message, fromNode) => {
      const tenant = (message as { tenant?: unknown } | null)?.tenant;
      if (typeof tenant !== "string" || !TENANT_NAME.test(tenant)) {
        this.logger.warn({ fromNode }, "dropped a malformed tenant status message");
        return;
      }
      void this.changed(tenant);
    });
  }

  /** The tenant changed here: act on it now, and tell the other nodes. */
  async announce(tenant: string): Promise<void> {
    await this.changed(tenant);
    // A lost message leaves the other nodes trusting their copy until it expires (a few seconds).
    await this.bus.publish(TENANT_STATUS_CHANNEL, { tenant }).catch((error: unknown) => this.logger.warn({ err: error }, "tenant status publish failed"));
  }

  close(): void {
    this.unsubscribe();
  }

  private async changed(tenant: string): Promise<void> {
    this.gate.forget(tenant);
    try {
      const record = await this.gate.find(tenant);
      if (record?.status !== "disabled") return;
      const closed = this.sockets()?.closeTenant(tenant) ?? 0;
      if (closed > 0) this.logger.info({ tenant, closed }, "tenant disabled: its sockets were closed");
    } catch (error) {
      this.logger.warn({ err: error, tenant }, "reading a changed tenant failed");
    }
  }
}
