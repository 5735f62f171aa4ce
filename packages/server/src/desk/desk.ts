/**
 * The agents' desk, as the sockets and routes see it: counting agents'
 * sockets (presence), the status they set, the chats they are in ("My
 * chats"), their capacity, and the grace period after they vanish. The
 * server's record of who handles which chat is the participants table; the
 * desk reads it, it keeps no copy of its own.
 * @module
 */
import type { ChatListItem, ManualAgentStatus, SetStatusResult } from "@parley/protocol";
import type { Logger } from "pino";
import type { TokenClaims } from "../auth/tokens.js";
import type { Bus } from "../bus/types.js";
import type { FeedWatcher } from "../chat/feed.js";
import { ParleyError } from "../errors.js";
import type { DeskStore } from "../store/desk-queries.js";
import { GraceSweeper } from "./grace.js";
import { DeskPresence } from "./presence.js";
import { tenantOf } from "./tenant.js";

/** The most often a node repeats its agents' sockets (and sweeps for gone agents). */
const MAX_HEARTBEAT_MS = 5_000;

export interface AgentDeskOptions {
  bus: Bus;
  logger: Logger;
  /** How long an agent may be without a socket before their chats return to the queue. */
  graceMs: number;
  /** The capacity of an agent who has none of their own. */
  defaultCapacity: number;
  deskOf: (tenant: string) => DeskStore;
  tenants: () => Promise<string[]>;
  /** A chat as the agents' list shows it; undefined when there is none. */
  chatItem: (tenant: string, chatId: string) => Promise<ChatListItem | undefined>;
  /** The agent leaves the chat (a stored `userLeft`); a chat already left or ended is no failure. */
  returnChat: (tenant: string, agentId: string, chatId: string) => Promise<void>;
}

export class AgentDesk {
  readonly presence: DeskPresence;
  private readonly sweeper: GraceSweeper;
  private readonly heartbeatMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** Store writes in flight, awaited by close() so none outlives the store. */
  private readonly writes = new Set<Promise<unknown>>();

  constructor(private readonly options: AgentDeskOptions) {
    // Several beats within the grace period, so an agent online somewhere is never taken for gone.
    this.heartbeatMs = Math.max(100, Math.min(MAX_HEARTBEAT_MS, Math.floor(options.graceMs / 4)));
    this.presence = new DeskPresence({ bus: options.bus, logger: options.logger, heartbeatMs: this.heartbeatMs });
    this.sweeper = new GraceSweeper({
      graceMs: options.graceMs,
      deskOf: options.deskOf,
      tenants: options.tenants,
      isOnline: (tenant, agentId) => this.presence.isOnline(tenant, agentId),
      returnChat: options.returnChat,
      logger: options.logger,
    });
  }

  /** Starts the heartbeat and the sweeps (the first at once: a restart finds the absences that ran out meanwhile). */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.beat(), this.heartbeatMs);
    this.timer.unref();
    this.track(this.sweeper.sweep());
  }

  /** A socket said hello. */
  socketOpened(claims: TokenClaims): void {
    if (claims.role !== "agent") return;
    const tenant = tenantOf(claims);
    if (!this.presence.socketOpened(tenant, claims.userId)) return;
    const desk = this.options.deskOf(tenant);
    const at = new Date().toISOString();
    this.track(
      (async () => {
        await desk.agentsSeen([claims.userId], at);
        const stored = await desk.agentDesk(claims.userId);
        if (stored !== undefined) this.presence.statusSet(tenant, claims.userId, stored.status, stored.statusAt);
      })(),
    );
  }

  /** A socket that said hello closed. */
  socketClosed(claims: TokenClaims): void {
    if (claims.role !== "agent") return;
    const tenant = tenantOf(claims);
    // The grace period runs from the moment the agent's last socket here closed.
    if (this.presence.socketClosed(tenant, claims.userId)) this.track(this.options.deskOf(tenant).agentsSeen([claims.userId], new Date().toISOString()));
  }

  /** `setStatus`: agents only. */
  async setStatus(claims: TokenClaims, status: ManualAgentStatus): Promise<SetStatusResult> {
    if (claims.role !== "agent") throw new ParleyError("FORBIDDEN", "Only agents have a status.");
    const tenant = tenantOf(claims);
    const at = new Date().toISOString();
    await this.options.deskOf(tenant).setAgentStatus(claims.userId, status, at);
    this.presence.statusSet(tenant, claims.userId, status, at);
    return { status: this.presence.statusOf(tenant, claims.userId) };
  }

  /** Presence frames of the agent's tenant go to `watcher` (alongside the chat feed). */
  watch(claims: TokenClaims, watcher: FeedWatcher): void {
    if (claims.role === "agent") this.presence.watch(tenantOf(claims), watcher);
  }

  unwatch(claims: TokenClaims, watcher: FeedWatcher): void {
    this.presence.unwatch(tenantOf(claims), watcher);
  }

  /** "My chats": the active chats the agent is in now, newest first, from the store (any tab, device or node). */
  async myChats(claims: TokenClaims): Promise<ChatListItem[]> {
    if (claims.role !== "agent") throw new ParleyError("FORBIDDEN", "My chats are an agent's.");
    const tenant = tenantOf(claims);
    const ids = await this.options.deskOf(tenant).activeChatsOf(claims.userId);
    const items = await Promise.all(ids.map((id) => this.options.chatItem(tenant, id)));
    return items.filter((item): item is ChatListItem => item !== undefined);
  }

  /**
   * Before an agent joins a chat they are not in: refused with
   * `AGENT_CAPACITY_FULL` when they are already in as many active chats as
   * their capacity.
   */
  async admitJoin(claims: TokenClaims, chatId: string): Promise<void> {
    if (claims.role !== "agent") return;
    const desk = this.options.deskOf(tenantOf(claims));
    const [own, chats] = await Promise.all([desk.agentCapacity(claims.userId), desk.activeChatsOf(claims.userId)]);
    const capacity = own ?? this.options.defaultCapacity;
    const handling = chats.filter((id) => id !== chatId).length;
    if (handling >= capacity) throw new ParleyError("AGENT_CAPACITY_FULL", undefined, { capacity });
  }

  /**
   * A disabled agent's chats go back to the queue now, by the grace period's
   * own return (they leave each one); returns how many.
   */
  async returnAgentChats(tenant: string, agentId: string): Promise<number> {
    const chats = await this.options.deskOf(tenant).activeChatsOf(agentId);
    for (const chatId of chats) await this.options.returnChat(tenant, agentId, chatId);
    return chats.length;
  }

  /** Stops the timers and waits for the store writes in flight. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.presence.close();
    await Promise.allSettled([...this.writes]);
  }

  private beat(): void {
    this.presence.heartbeat();
    const at = new Date().toISOString();
    for (const [tenant, agents] of this.presence.localAgents()) this.track(this.options.deskOf(tenant).agentsSeen(agents, at));
    this.track(this.sweeper.sweep());
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.options.logger.warn({ err: error }, "desk store write failed"));
    this.writes.add(tracked);
    void tracked.finally(() => this.writes.delete(tracked));
  }
}
