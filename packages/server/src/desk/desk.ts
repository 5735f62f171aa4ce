/**
 * The agents' desk, as the sockets and routes see it: counting agents'
 * sockets (presence), the status they set, the chats they are in ("My
 * chats"), their capacity, and the grace period after they vanish. The
 * server's record of who handles which chat is the participants table; the
 * desk reads it, it keeps no copy of its own.
 * @module
 */
import type { AcceptOfferResult, ChatListItem, ChatOffer, ManualAgentStatus, QueueInfo, SetStatusResult } from "@parley/protocol";
import type { Logger } from "pino";
import type { TokenClaims } from "../auth/tokens.js";
import type { Bus } from "../bus/types.js";
import type { FeedWatcher } from "../chat/feed.js";
import { ParleyError } from "../errors.js";
import type { DeskStore } from "../store/desk-queries.js";
import type { WaitingChat } from "../store/queue-queries.js";
import type { StoredEvent } from "../store/types.js";
import { GraceSweeper } from "./grace.js";
import { LocalDeskSockets, type DeskSocket } from "./local-sockets.js";
import { DeskPresence } from "./presence.js";
import { ACCEPT_HOLD_MS, QueueRouter, type Positions, type RouterStore } from "./router.js";
import { parseRoutingMessage, ROUTING_CHANNEL, type RoutingMessage } from "./routing-messages.js";
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
  deskOf: (tenant: string) => DeskStore & RouterStore;
  tenants: () => Promise<string[]>;
  /** A chat as the agents' list shows it; undefined when there is none. */
  chatItem: (tenant: string, chatId: string) => Promise<ChatListItem | undefined>;
  /** The agent leaves the chat (a stored `userLeft`); a chat already left or ended is no failure. */
  returnChat: (tenant: string, agentId: string, chatId: string) => Promise<void>;
  /** The agent joins the chat (a stored `userAdded`), as a join of their own would; refusals throw. */
  joinChat: (claims: TokenClaims, chatId: string) => Promise<void>;
  /** A chat reached its queue's waiting limit: the customer is told, and the chat ends when the rule says `close`. */
  waitLimit: (tenant: string, chat: WaitingChat, queue: QueueInfo) => Promise<void>;
}

export class AgentDesk {
  readonly presence: DeskPresence;
  private readonly sweeper: GraceSweeper;
  private readonly router: QueueRouter;
  private readonly sockets = new LocalDeskSockets();
  private readonly unsubscribeRouting: () => void;
  private readonly heartbeatMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** Store writes in flight, awaited by close() so none outlives the store. */
  private readonly writes = new Set<Promise<unknown>>();

  constructor(private readonly options: AgentDeskOptions) {
    // Several beats within the grace period, so an agent online somewhere is never taken for gone.
    this.heartbeatMs = Math.max(100, Math.min(MAX_HEARTBEAT_MS, Math.floor(options.graceMs / 4)));
    this.presence = new DeskPresence({
      bus: options.bus,
      logger: options.logger,
      heartbeatMs: this.heartbeatMs,
      // An agent who becomes available (or goes) changes who may be offered chats.
      onChange: (tenant) => void this.router.wake(tenant),
    });
    this.router = new QueueRouter({
      nodeId: options.bus.nodeId,
      logger: options.logger,
      storeOf: options.deskOf,
      leaseMs: 3 * this.heartbeatMs,
      defaultCapacity: options.defaultCapacity,
      statusOf: (tenant, agentId) => this.presence.statusOf(tenant, agentId),
      ring: (tenant, agentId, offer) => this.tell({ kind: "offer", tenant, agentId, offer }),
      withdraw: (tenant, agentId, chatId) => this.tell({ kind: "withdraw", tenant, agentId, chatId }),
      positions: (tenant, positions) => this.tell({ kind: "positions", tenant, positions: toTuples(positions) }),
      waitLimit: options.waitLimit,
    });
    this.unsubscribeRouting = options.bus.subscribe(ROUTING_CHANNEL, (message, fromNode) => {
      const parsed = parseRoutingMessage(message);
      if (parsed === undefined) options.logger.warn({ fromNode }, "dropped a malformed routing message");
      else this.deliver(parsed);
    });
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

  /** A socket said hello; `socket` receives offers (agents) or queue positions (customers). */
  socketOpened(claims: TokenClaims, socket?: DeskSocket): void {
    const tenant = tenantOf(claims);
    if (claims.role === "customer" && claims.chatId !== undefined && socket !== undefined) this.sockets.customerOpened(tenant, claims.chatId, socket);
    if (claims.role !== "agent") return;
    if (socket !== undefined) {
      this.sockets.agentOpened(tenant, claims.userId, socket);
      this.track(this.ringAgain(tenant, claims.userId, socket));
    }
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

  /**
   * A socket of an agent opened (a new tab, another device, a reconnect): the
   * offers open to them ring there too, with the time they have left.
   */
  private async ringAgain(tenant: string, agentId: string, socket: DeskSocket): Promise<void> {
    const offers = await this.router.openOffersOf(tenant, agentId);
    for (const offer of offers) this.sockets.ringSocket(tenant, agentId, socket, offer);
  }

  /** A socket that said hello closed. */
  socketClosed(claims: TokenClaims, socket?: DeskSocket): void {
    const tenant = tenantOf(claims);
    if (claims.role === "customer" && claims.chatId !== undefined && socket !== undefined) this.sockets.customerClosed(tenant, claims.chatId, socket);
    if (claims.role !== "agent") return;
    if (socket !== undefined) this.sockets.agentClosed(tenant, claims.userId, socket);
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
   * Whether a chat started now in `queue` would find someone to answer it (the
   * widget's availability): a member of the queue — any agent of the tenant,
   * for a queue without members, as `manual` queues are answered — who is
   * online, `available`, and below their capacity. An unknown queue has no one.
   */
  async canAnswer(tenant: string, queue: string): Promise<boolean> {
    const desk = this.options.deskOf(tenant);
    const info = await desk.getQueue(queue);
    if (info === undefined) return false;
    const online = new Set(this.presence.availableAgents(tenant));
    const candidates = info.members.length > 0 ? info.members.filter((agentId) => online.has(agentId)) : [...online];
    if (candidates.length === 0) return false;
    const loads = await desk.agentLoads();
    for (const agentId of candidates) {
      const capacity = (await desk.agentCapacity(agentId)) ?? this.options.defaultCapacity;
      if ((loads.get(agentId) ?? 0) < capacity) return true;
    }
    return false;
  }

  /**
   * `acceptOffer`: the agent takes the chat offered to them. The accept is a
   * conditional update only the offered agent can win, before the offer
   * lapses; the agent then joins (capacity applies). A join refused lets the
   * chat move on to the next agent.
   */
  async acceptOffer(claims: TokenClaims, chatId: string): Promise<AcceptOfferResult> {
    if (claims.role !== "agent") throw new ParleyError("FORBIDDEN", "Offers are an agent's.");
    const tenant = tenantOf(claims);
    const store = this.options.deskOf(tenant);
    const now = Date.now();
    if (!(await store.acceptOffer(chatId, claims.userId, new Date(now).toISOString(), new Date(now + ACCEPT_HOLD_MS).toISOString()))) {
      // An accept repeated (a retry, another tab) after the agent got the chat is answered as the first was.
      if ((await store.activeChatsOf(claims.userId)).includes(chatId)) return { chatId };
      const state = await store.offerState(chatId);
      const wasMine = state !== undefined && (state.offeredTo === claims.userId || state.passed.includes(claims.userId));
      throw wasMine ? new ParleyError("OFFER_EXPIRED") : new ParleyError("OFFER_NOT_YOURS");
    }
    try {
      await this.options.joinChat(claims, chatId);
    } catch (error) {
      // The chat goes on to the next agent; this one is passed over for now.
      await store.declineOffer(chatId, claims.userId).catch(() => false);
      void this.router.wake(tenant, true);
      throw error;
    }
    return { chatId };
  }

  /** `declineOffer`: the chat moves on to the next agent. */
  async declineOffer(claims: TokenClaims, chatId: string): Promise<null> {
    if (claims.role !== "agent") throw new ParleyError("FORBIDDEN", "Offers are an agent's.");
    const tenant = tenantOf(claims);
    const store = this.options.deskOf(tenant);
    if (!(await store.declineOffer(chatId, claims.userId))) {
      const state = await store.offerState(chatId);
      const wasMine = state !== undefined && (state.offeredTo === claims.userId || state.passed.includes(claims.userId));
      throw wasMine ? new ParleyError("OFFER_EXPIRED") : new ParleyError("OFFER_NOT_YOURS");
    }
    this.tell({ kind: "withdraw", tenant, agentId: claims.userId, chatId });
    await this.router.wake(tenant, true);
    return null;
  }

  /** A membership event committed on this node: a join closes the chat's offer and records the wait. */
  membershipCommitted(tenant: string, event: StoredEvent): void {
    if (event.name === "userAdded" && event.data.user.isAgent) {
      const agentId = event.data.user.id;
      this.track(
        (async () => {
          const { offeredTo } = await this.options.deskOf(tenant).agentJoined(event.chatId, agentId, event.ts);
          if (offeredTo !== null) this.tell({ kind: "withdraw", tenant, agentId: offeredTo, chatId: event.chatId });
        })(),
      );
    }
  }

  /** The tenant's chats changed (a start, join, leave or end, on any node): positions and offers may change. */
  queueChanged(tenant: string): void {
    void this.router.wake(tenant);
  }

  /**
   * A transfer sends the chat to `queue`: it is routed there once its agents
   * have left (their leave wakes the routers of every node), its first wait
   * kept. An offer the old queue had open is withdrawn.
   */
  async requeue(tenant: string, chatId: string, queue: string): Promise<void> {
    const store = this.options.deskOf(tenant);
    const before = await store.offerState(chatId);
    if (!(await store.moveToQueue(chatId, queue))) return;
    if (before?.offeredTo) this.tell({ kind: "withdraw", tenant, agentId: before.offeredTo, chatId });
    void this.router.wake(tenant);
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
    this.unsubscribeRouting();
    await this.router.close();
    this.presence.close();
    await Promise.allSettled([...this.writes]);
  }

  private beat(): void {
    this.presence.heartbeat();
    const at = new Date().toISOString();
    for (const [tenant, agents] of this.presence.localAgents()) this.track(this.options.deskOf(tenant).agentsSeen(agents, at));
    this.track(this.sweeper.sweep());
    this.track(this.routeAll());
  }

  /** Every heartbeat: each tenant's router renews its lease (or another node takes over a lapsed one). */
  private async routeAll(): Promise<void> {
    for (const tenant of await this.options.tenants()) await this.router.wake(tenant, true);
  }

  /** A routing message: handled here and sent to the other nodes. */
  private tell(message: RoutingMessage): void {
    this.deliver(message);
    this.options.bus.publish(ROUTING_CHANNEL, message).catch((error: unknown) => this.options.logger.warn({ err: error }, "routing publish failed"));
  }

  private deliver(message: RoutingMessage): void {
    switch (message.kind) {
      case "offer":
        this.sockets.ring(message.tenant, message.agentId, message.offer as ChatOffer);
        return;
      case "withdraw":
        this.sockets.withdraw(message.tenant, message.agentId, message.chatId);
        return;
      case "positions":
        this.sockets.positions(message.tenant, new Map(message.positions.map(([chatId, queue, position, etaSeconds]) => [chatId, { queue, position, etaSeconds }])));
        return;
    }
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.options.logger.warn({ err: error }, "desk store write failed"));
    this.writes.add(tracked);
    void tracked.finally(() => this.writes.delete(tracked));
  }
}

function toTuples(positions: Positions): Array<[string, string, number, number | null]> {
  return [...positions].map(([chatId, { queue, position, etaSeconds }]) => [chatId, queue, position, etaSeconds]);
}
