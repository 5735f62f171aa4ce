/**
 * An agent's desk role, read from the store and kept a few seconds: a token
 * says who the agent is, never what they may do, so a demoted or disabled
 * agent loses their powers within seconds, whatever their token says.
 * @module
 */
import type { AgentRole, Store } from "../store/types.js";
import type { TokenClaims } from "./tokens.js";

/** How long a role is trusted before the store is read again. */
export const AGENT_ROLE_TTL_MS = 5_000;

/** Agents remembered at once; the oldest entries go first. */
const MAX_KEPT = 10_000;

export class AgentRoles {
  private readonly kept = new Map<string, { role: AgentRole | null; isDisabled: boolean; readAt: number }>();

  constructor(
    private readonly store: Pick<Store, "tenant">,
    private readonly ttlMs = AGENT_ROLE_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The agent's role now; null for a customer, an agent since deleted or disabled, or a token of another account. */
  async roleOf(who: TokenClaims): Promise<AgentRole | null> {
    return (await this.read(who))?.role ?? null;
  }

  /**
   * Whether the token is of an agent account that exists and is disabled:
   * such a token is refused everywhere (`AGENT_DISABLED`). Customers, API
   * keys and tokens naming no stored account are not this rule's business.
   */
  async isDisabled(who: TokenClaims): Promise<boolean> {
    return (await this.read(who))?.isDisabled ?? false;
  }

  /** Drops what is kept of one agent (their account changed; see realtime/agent-status.ts). */
  forget(tenant: string, agentId: string): void {
    this.kept.delete(`${tenant} ${agentId}`);
  }

  private async read(who: TokenClaims): Promise<{ role: AgentRole | null; isDisabled: boolean } | undefined> {
    if (who.role !== "agent" || who.username === undefined) return undefined;
    const key = `${who.tenant} ${who.userId}`;
    const kept = this.kept.get(key);
    if (kept !== undefined && this.clock() - kept.readAt < this.ttlMs) return kept;
    const agent = await this.store.tenant(who.tenant).findAgentByUsername(who.username);
    const isOwn = agent !== undefined && agent.id === who.userId;
    const isDisabled = isOwn && agent.disabledAt !== null;
    const entry = { role: !isOwn || isDisabled ? null : agent.role, isDisabled, readAt: this.clock() };
    this.kept.delete(key);
    if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, entry);
    return entry;
  }
}
