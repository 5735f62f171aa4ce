/**
 * The names customers may not take: every agent's username and display name,
 * compared by confusable skeleton. Read from the store and kept for a few
 * seconds, so a chat start costs no query; an agent added on another node or
 * by the CLI is protected once the list is read again.
 * @module
 */
import type { Store, TenantStore } from "../store/types.js";
import { skeleton } from "./lookalikes.js";

/** How long the agents' names are kept before the store is read again. */
export const AGENT_NAMES_TTL_MS = 5_000;

export class AgentNames {
  private skeletons: Set<string> | undefined;
  private readAt = 0;
  private reading: Promise<Set<string>> | undefined;

  constructor(
    private readonly store: Pick<TenantStore, "listAgentNames">,
    private readonly ttlMs = AGENT_NAMES_TTL_MS,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Whether `nickname` is, or looks like, an agent's username or display name. */
  async isReserved(nickname: string): Promise<boolean> {
    return (await this.current()).has(skeleton(nickname));
  }

  private async current(): Promise<Set<string>> {
    if (this.skeletons !== undefined && this.clock() - this.readAt < this.ttlMs) return this.skeletons;
    // One read at a time: a burst of chat starts shares it.
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<Set<string>> {
    const startedAt = this.clock();
    const names = await this.store.listAgentNames();
    const skeletons = new Set<string>();
    for (const agent of names) {
      for (const name of [agent.username, agent.nickname]) {
        // A name of punctuation alone ("...") has an empty skeleton: it would reserve every other such name.
        const reserved = skeleton(name);
        if (reserved !== "") skeletons.add(reserved);
      }
    }
    this.skeletons = skeletons;
    this.readAt = startedAt;
    return skeletons;
  }
}

/** How many tenants' agent names are kept at once; the least recently used go first. */
const MAX_TENANTS_KEPT = 1000;

/** Agent names per tenant: a customer may not take or imitate an agent name of the chat's own tenant. */
export class TenantAgentNames {
  private readonly byTenant = new Map<string, AgentNames>();

  constructor(
    private readonly store: Pick<Store, "tenant">,
    private readonly ttlMs = AGENT_NAMES_TTL_MS,
  ) {}

  /** The tenant's agent names. */
  of(tenant: string): AgentNames {
    let names = this.byTenant.get(tenant);
    if (names === undefined) {
      names = new AgentNames(this.store.tenant(tenant), this.ttlMs);
      if (this.byTenant.size >= MAX_TENANTS_KEPT) this.byTenant.delete(this.byTenant.keys().next().value!);
    } else {
      this.byTenant.delete(tenant);
    }
    this.byTenant.set(tenant, names);
    return names;
  }
}
