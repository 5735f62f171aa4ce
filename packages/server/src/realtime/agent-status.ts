/**
 * An agent's account changed (role, capacity, disabled): every node forgets
 * what it kept of the agent, and when the account was disabled, closes the
 * agent's sockets. The shape of tenant-status.ts: the node where the change
 * was made announces it on the bus, and each node (itself included) acts on
 * it. Messages from the bus are checked before use.
 * @module
 */
import { USER_ID_PATTERN } from "@parley/protocol";
import type { Logger } from "pino";
import type { AgentRoles } from "../auth/agent-roles.js";
import type { Bus } from "../bus/types.js";
import { TENANT_NAME } from "../store/tenant-db.js";
import type { Store } from "../store/types.js";

/** The bus channel of agent account changes (the bus adds its prefix). */
export const AGENT_STATUS_CHANNEL = "agent-status";

const USER_ID = new RegExp(USER_ID_PATTERN);

/** Where a node's sockets are closed by agent. */
export interface AgentSockets {
  closeAgent(tenant: string, agentId: string): number;
}

export class AgentStatusWatch {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly bus: Bus,
    private readonly store: Pick<Store, "tenant">,
    private readonly roles: AgentRoles,
    private readonly sockets: () => AgentSockets | undefined,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = bus.subscribe(AGENT_STATUS_CHANNEL, (message, fromNode) => {
      const { tenant, agentId } = (message ?? {}) as { tenant?: unknown; agentId?: unknown };
      if (typeof tenant !== "string" || !TENANT_NAME.test(tenant) || typeof agentId !== "string" || !USER_ID.test(agentId)) {
        this.logger.warn({ fromNode }, "dropped a malformed agent status message");
        return;
      }
      void this.changed(tenant, agentId);
    });
  }

  /** The agent's account changed here: act on it now, and tell the other nodes. */
  async announce(tenant: string, agentId: string): Promise<void> {
    await this.changed(tenant, agentId);
    // A lost message leaves the other nodes trusting their copy until it expires (a few seconds).
    await this.bus.publish(AGENT_STATUS_CHANNEL, { tenant, agentId }).catch((error: unknown) => this.logger.warn({ err: error }, "agent status publish failed"));
  }

  close(): void {
    this.unsubscribe();
  }

  private async changed(tenant: string, agentId: string): Promise<void> {
    this.roles.forget(tenant, agentId);
    try {
      const account = await this.store.tenant(tenant).findAgentAccount(agentId);
      if (account === undefined || account.disabledAt === null) return;
      const closed = this.sockets()?.closeAgent(tenant, agentId) ?? 0;
      if (closed > 0) this.logger.info({ tenant, agentId, closed }, "agent disabled: their sockets were closed");
    } catch (error) {
      this.logger.warn({ err: error, tenant, agentId }, "reading a changed agent failed");
    }
  }
}
