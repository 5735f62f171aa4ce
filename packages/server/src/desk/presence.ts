/**
 * Agents' presence across nodes: how many sockets each agent has on each
 * node, and the status the agent set. This node counts its own sockets and
 * announces the counts on the bus when they change and every heartbeat; it
 * believes another node's counts until they expire. An agent with no socket
 * on any node is `offline`; otherwise their status is the one they set last,
 * wherever they set it. Every change of an agent's status is told to the
 * sockets of that agent's tenant that follow the chat feed.
 * @module
 */
import type { AgentStatus, ManualAgentStatus, PresenceFrame } from "@parley/protocol";
import type { Logger } from "pino";
import type { Bus } from "../bus/types.js";
import type { FeedWatcher } from "../chat/feed.js";
import { parsePresenceMessage, PRESENCE_CHANNEL, type PresenceMessage, type Sighting } from "./presence-messages.js";

/** An agent of a tenant. */
export interface AgentKey {
  tenant: string;
  agentId: string;
}

interface Remote {
  count: number;
  status: ManualAgentStatus;
  statusAt: string;
  expiresAt: number;
}

interface Local {
  count: number;
  status: ManualAgentStatus;
  /** "" until the stored status is read: any status set anywhere is newer. */
  statusAt: string;
}

const keyOf = (tenant: string, agentId: string): string => `${tenant} ${agentId}`;

function splitKey(key: string): AgentKey {
  const at = key.indexOf(" ");
  return { tenant: key.slice(0, at), agentId: key.slice(at + 1) };
}

export interface DeskPresenceOptions {
  bus: Bus;
  logger: Logger;
  /** How often this node repeats its counts; others believe them for three times as long. */
  heartbeatMs: number;
  now?: () => number;
  /** Told after an agent's status changed, as every watcher is. */
  onChange?: (tenant: string, agentId: string, status: AgentStatus) => void;
}

export class DeskPresence {
  private readonly bus: Bus;
  private readonly logger: Logger;
  private readonly heartbeatMs: number;
  private readonly now: () => number;
  private readonly local = new Map<string, Local>();
  private readonly remote = new Map<string, Map<string, Remote>>();
  /** The status last told to watchers, per agent (absent: offline). */
  private readonly told = new Map<string, AgentStatus>();
  private readonly watchers = new Map<string, Set<FeedWatcher>>();
  private readonly unsubscribe: () => void;
  private readonly onChange: DeskPresenceOptions["onChange"];

  constructor(options: DeskPresenceOptions) {
    ({ bus: this.bus, logger: this.logger, heartbeatMs: this.heartbeatMs } = options);
    this.now = options.now ?? Date.now;
    this.onChange = options.onChange;
    this.unsubscribe = this.bus.subscribe(PRESENCE_CHANNEL, (message, fromNode) => {
      const parsed = parsePresenceMessage(message);
      if (parsed === undefined) {
        this.logger.warn({ fromNode }, "dropped a malformed presence message");
        return;
      }
      this.received(parsed, fromNode);
    });
  }

  /** The agent's status as the whole cluster sees it. */
  statusOf(tenant: string, agentId: string): AgentStatus {
    const { sockets, status } = this.tally(tenant, agentId);
    return sockets > 0 ? status : "offline";
  }

  /** The agent's open sockets on every node, as far as this node knows. */
  socketsOf(tenant: string, agentId: string): number {
    return this.tally(tenant, agentId).sockets;
  }

  private tally(tenant: string, agentId: string): { sockets: number; status: ManualAgentStatus } {
    const key = keyOf(tenant, agentId);
    const local = this.local.get(key);
    let sockets = local?.count ?? 0;
    let [status, statusAt]: [ManualAgentStatus, string] = local === undefined ? ["available", ""] : [local.status, local.statusAt];
    const now = this.now();
    for (const remote of this.remote.get(key)?.values() ?? []) {
      if (remote.expiresAt <= now) continue;
      sockets += remote.count;
      if (remote.statusAt > statusAt) [status, statusAt] = [remote.status, remote.statusAt];
    }
    return { sockets, status };
  }

  /** Whether the agent has a socket on some node. */
  isOnline(tenant: string, agentId: string): boolean {
    return this.statusOf(tenant, agentId) !== "offline";
  }

  /** The agents of the tenant who have a socket somewhere and are `available`. */
  availableAgents(tenant: string): string[] {
    const prefix = keyOf(tenant, "");
    const keys = new Set([...this.local.keys(), ...this.remote.keys()]);
    const agents: string[] = [];
    for (const key of keys) {
      if (key.startsWith(prefix) && this.statusOf(tenant, key.slice(prefix.length)) === "available") agents.push(key.slice(prefix.length));
    }
    return agents;
  }

  /** A socket of the agent opened on this node; true when it is the first one here. */
  socketOpened(tenant: string, agentId: string): boolean {
    const key = keyOf(tenant, agentId);
    const local = this.local.get(key) ?? { count: 0, status: "available", statusAt: "" };
    local.count += 1;
    this.local.set(key, local);
    this.changed(key, true);
    return local.count === 1;
  }

  /** A socket of the agent closed on this node; true when it was the last one here. */
  socketClosed(tenant: string, agentId: string): boolean {
    const key = keyOf(tenant, agentId);
    const local = this.local.get(key);
    if (local === undefined) return false;
    local.count -= 1;
    const wasLast = local.count <= 0;
    if (wasLast) this.local.delete(key);
    this.announce([{ tenant, agentId, count: Math.max(0, local.count), status: local.status, statusAt: local.statusAt }]);
    this.recompute(key);
    return wasLast;
  }

  /** The agent set (or the store told) a status at `statusAt`; the later of two wins. */
  statusSet(tenant: string, agentId: string, status: ManualAgentStatus, statusAt: string): void {
    const key = keyOf(tenant, agentId);
    const local = this.local.get(key);
    if (local === undefined || statusAt <= local.statusAt) return;
    local.status = status;
    local.statusAt = statusAt;
    this.changed(key, true);
  }

  /** Agents with a socket on this node, by tenant (the heartbeat records them as seen). */
  localAgents(): Map<string, string[]> {
    const byTenant = new Map<string, string[]>();
    for (const key of this.local.keys()) {
      const { tenant, agentId } = splitKey(key);
      byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), agentId]);
    }
    return byTenant;
  }

  /** Repeats this node's counts, and forgets the counts of nodes that stopped repeating theirs. */
  heartbeat(): void {
    this.announce([...this.local.entries()].map(([key, local]) => ({ ...splitKey(key), count: local.count, status: local.status, statusAt: local.statusAt })));
    const now = this.now();
    for (const [key, nodes] of this.remote) {
      let expired = false;
      for (const [node, remote] of nodes) {
        if (remote.expiresAt <= now) {
          nodes.delete(node);
          expired = true;
        }
      }
      if (nodes.size === 0) this.remote.delete(key);
      if (expired) this.recompute(key);
    }
  }

  /**
   * Hands presence frames of the tenant's agents to `watcher` (an agent's
   * socket following the feed): first one per agent online now, then each change.
   */
  watch(tenant: string, watcher: FeedWatcher): void {
    const set = this.watchers.get(tenant) ?? new Set();
    set.add(watcher);
    this.watchers.set(tenant, set);
    for (const [key, status] of this.told) {
      const agent = splitKey(key);
      if (agent.tenant !== tenant) continue;
      const frame: PresenceFrame = { t: "presence", agentId: agent.agentId, status };
      watcher.write(JSON.stringify(frame), false);
    }
  }

  unwatch(tenant: string, watcher: FeedWatcher): void {
    const set = this.watchers.get(tenant);
    set?.delete(watcher);
    if (set?.size === 0) this.watchers.delete(tenant);
  }

  close(): void {
    this.unsubscribe();
    this.watchers.clear();
  }

  private received(message: PresenceMessage, fromNode: string): void {
    const expiresAt = this.now() + message.ttlMs;
    for (const sighting of message.agents) {
      const key = keyOf(sighting.tenant, sighting.agentId);
      const nodes = this.remote.get(key) ?? new Map<string, Remote>();
      nodes.set(fromNode, { count: sighting.count, status: sighting.status, statusAt: sighting.statusAt, expiresAt });
      this.remote.set(key, nodes);
      // A status set on another node is the agent's status here too: this node's own counts carry it on.
      const local = this.local.get(key);
      if (local !== undefined && sighting.statusAt > local.statusAt) {
        local.status = sighting.status;
        local.statusAt = sighting.statusAt;
      }
      this.recompute(key);
    }
  }

  /** This node's count or status of an agent changed: tell the other nodes, then this node's watchers. */
  private changed(key: string, announce: boolean): void {
    const local = this.local.get(key);
    if (announce && local !== undefined) this.announce([{ ...splitKey(key), count: local.count, status: local.status, statusAt: local.statusAt }]);
    this.recompute(key);
  }

  private announce(agents: Sighting[]): void {
    if (agents.length === 0) return;
    const message: PresenceMessage = { ttlMs: 3 * this.heartbeatMs, agents };
    // A lost message is repeated by the next heartbeat.
    this.bus.publish(PRESENCE_CHANNEL, message).catch((error: unknown) => this.logger.warn({ err: error }, "presence publish failed"));
  }

  private recompute(key: string): void {
    const { tenant, agentId } = splitKey(key);
    const status = this.statusOf(tenant, agentId);
    if ((this.told.get(key) ?? "offline") === status) return;
    if (status === "offline") this.told.delete(key);
    else this.told.set(key, status);
    this.onChange?.(tenant, agentId, status);
    const watchers = this.watchers.get(tenant);
    if (watchers === undefined) return;
    const frame: PresenceFrame = { t: "presence", agentId, status };
    const text = JSON.stringify(frame);
    for (const watcher of watchers) watcher.write(text, false);
  }
}
