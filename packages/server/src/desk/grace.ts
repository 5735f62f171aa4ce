/**
 * The grace period: an agent with no socket on any node for longer than
 * `agentGraceSeconds` has their active chats returned — they leave each one
 * (a stored `userLeft`, which the customer and history see), and the chat is
 * waiting again. The deadline is derived from the stored `last_seen_at`,
 * which every node holding a socket of the agent moves on each heartbeat, so
 * it holds across restarts and a node's death. Every node sweeps; a
 * conditional update (a lease) lets one of them return a given absence, once.
 * @module
 */
import type { Logger } from "pino";
import type { DeskStore, GoneAgent } from "../store/desk-queries.js";

/** How long a node may take to return one agent's chats before another may try. */
const LEASE_MS = 30_000;
/** Agents looked at per tenant and sweep. */
const SWEEP_BATCH = 50;

export interface GraceSweeperOptions {
  graceMs: number;
  /** The desk queries of a tenant. */
  deskOf: (tenant: string) => DeskStore;
  /** Every tenant to sweep. */
  tenants: () => Promise<string[]>;
  /** Whether the agent has a socket on some node now (the bus may know before the store). */
  isOnline: (tenant: string, agentId: string) => boolean;
  /** Makes the agent leave the chat, as a leave of their own would. */
  returnChat: (tenant: string, agentId: string, chatId: string) => Promise<void>;
  logger: Logger;
}

export class GraceSweeper {
  private sweeping: Promise<void> | undefined;

  constructor(private readonly options: GraceSweeperOptions) {}

  /** Looks for agents gone past the grace period and returns their chats; one sweep at a time. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepAll()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, "grace period sweep failed; retried at the next one"))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepAll(): Promise<void> {
    const now = Date.now();
    const seenBefore = new Date(now - this.options.graceMs).toISOString();
    for (const tenant of await this.options.tenants()) {
      const desk = this.options.deskOf(tenant);
      for (const agent of await desk.goneAgents(seenBefore, new Date(now).toISOString(), SWEEP_BATCH)) {
        if (this.options.isOnline(tenant, agent.agentId)) continue;
        await this.returnChats(tenant, desk, agent);
      }
    }
  }

  private async returnChats(tenant: string, desk: DeskStore, agent: GoneAgent): Promise<void> {
    const now = Date.now();
    if (!(await desk.leaseReturn(agent, new Date(now).toISOString(), new Date(now + LEASE_MS).toISOString()))) return;
    const chats = await desk.activeChatsOf(agent.agentId);
    for (const chatId of chats) {
      // A chat that ended or that the agent left meanwhile needs nothing; any other failure is retried when the lease expires.
      await this.options.returnChat(tenant, agent.agentId, chatId);
    }
    await desk.finishReturn(agent);
    if (chats.length > 0) this.options.logger.info({ tenant, agentId: agent.agentId, chats: chats.length }, "returned a gone agent's chats to the queue");
  }
}
