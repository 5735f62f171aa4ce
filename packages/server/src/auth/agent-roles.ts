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
  private readonly kept = new Map<string, { role: AgentRole | null; readAt: number }>();

  constructor(
    private readonly store: Pick<Store, "tenant">,
    private readonly ttlMs = AGENT_ROLE_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The agent's role now; null for a customer, an agent since deleted or disabled, or a token of another account. */
  async roleOf(who: TokenClaims): Promise<AgentRole | null> {
    if (who.role !== "agent" || who.username === undefined) return null;
    const key = `${who.tenant} ${who.userId}`;
    const kept = this.kept.get(key);
    if (kept !== undefined && this.clock() - kept.readAt < this.ttlMs) return kept.role;
    const agent = await this.store.tenant(who.tenant).findAgentByUsername(who.username);
    const role = agent === undefined || agent.id !== who.userId || agent.disabledAt !== null ? null : agent.role;
    this.kept.delete(key);
    if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, { role, readAt: this.clock() });
    return role;
  }
}
