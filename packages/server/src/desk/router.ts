/**
 * Routing of waiting chats, per tenant: offers of `auto` queues' chats to
 * their members, waiting limits, and every waiting chat's place in its queue.
 *
 * One node routes a tenant at a time: the holder of the tenant's `router`
 * lease (a compare-and-set row, renewed each pass, taken over by another node
 * once its holder stops renewing it). Every decision that must happen once is
 * also a conditional write that only one caller can win — an offer, an
 * accept, a handled waiting limit (see store/queue-queries.ts) — so even two
 * nodes that both believed they held the lease could not offer a chat twice
 * or assign it twice. Offers lapse by their stored time; the holder's next
 * pass (a timer at the earliest expiry, and every heartbeat) moves them on.
 * @module
 */
import type { AgentStatus, ChatOffer, QueueInfo, QueuePosition } from "@parley/protocol";
import type { Logger } from "pino";
import { IMPLICIT_DEFAULT_QUEUE, type QueueStore, type WaitingChat } from "../store/queue-queries.js";
import type { DeskStore } from "../store/desk-queries.js";
import type { TenantLifecycleStore } from "../store/lifecycle-store.js";
import { etaSeconds } from "./eta.js";

/** Name of the lease whose holder routes a tenant. */
const LEASE_NAME = "router";
/** Most waiting chats a pass looks at per tenant. */
export const ROUTED_WAITING_LIMIT = 2000;
/** How long an accepted offer holds the chat while the agent's join is carried out. */
export const ACCEPT_HOLD_MS = 30_000;
/** Assignments a queue's estimated wait is made from. */
const ETA_HISTORY = 20;

/** What the router needs of a tenant's store. */
export type RouterStore = QueueStore & Pick<DeskStore, "agentCapacity"> & Pick<TenantLifecycleStore, "claimLease">;

/** Positions of a tenant's waiting chats, by chat id. */
export type Positions = Map<string, QueuePosition>;

export interface RouterOptions {
  nodeId: string;
  logger: Logger;
  storeOf: (tenant: string) => RouterStore;
  /** How long this node's lease lasts without a renewal (other nodes take over after it). */
  leaseMs: number;
  defaultCapacity: number;
  statusOf: (tenant: string, agentId: string) => AgentStatus;
  /** Rings the agent's sockets, on whichever node. */
  ring: (tenant: string, agentId: string, offer: ChatOffer) => void;
  /** Stops the agent's sockets ringing for the chat. */
  withdraw: (tenant: string, agentId: string, chatId: string) => void;
  /** The positions of every waiting chat of the tenant, after each pass that holds the lease. */
  positions: (tenant: string, positions: Positions) => void;
  /** A waiting chat reached its queue's waiting limit: tell the customer, and end the chat when the rule says so. */
  waitLimit: (tenant: string, chat: WaitingChat, queue: QueueInfo) => Promise<void>;
}

export class QueueRouter {
  /** Tenants with a pass running; a wake during one runs another after it. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /** Per tenant, the lease holder is another node until then: wakes are left to it. */
  private readonly notMineUntil = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: RouterOptions) {}

  /** Something changed in the tenant's queues: route it now (after the pass running, if one is). */
  wake(tenant: string, force = false): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!force && (this.notMineUntil.get(tenant) ?? 0) > Date.now()) return Promise.resolve();
    const running = this.running.get(tenant);
    if (running !== undefined) {
      this.again.add(tenant);
      return running;
    }
    const pass = this.pass(tenant)
      .catch((error: unknown) => this.options.logger.warn({ err: error, tenant }, "routing pass failed; retried at the next one"))
      .finally(() => {
        this.running.delete(tenant);
        if (this.again.delete(tenant)) void this.wake(tenant);
      });
    this.running.set(tenant, pass);
    return pass;
  }

  /** The offers open to the agent now (not accepted, not lapsed), as they rang. */
  async openOffersOf(tenant: string, agentId: string): Promise<ChatOffer[]> {
    const store = this.options.storeOf(tenant);
    const now = new Date().toISOString();
    const mine = (await store.waitingChats(ROUTED_WAITING_LIMIT)).filter(
      (chat) => chat.offer !== null && chat.offer.agentId === agentId && chat.offer.acceptedAt === null && chat.offer.expiresAt > now,
    );
    if (mine.length === 0) return [];
    const queues = new Map((await store.listQueues()).map((queue) => [queue.name, queue]));
    return mine.map((chat) => ({
      chatId: chat.chatId,
      queue: chat.queue,
      nickname: chat.nickname,
      expiresAt: chat.offer!.expiresAt,
      offerSeconds: (queues.get(chat.queue) ?? queues.get("default") ?? IMPLICIT_DEFAULT_QUEUE).offerSeconds,
    }));
  }

  /** Stops the timers and waits for the passes running. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private async pass(tenant: string): Promise<void> {
    const store = this.options.storeOf(tenant);
    const now = Date.now();
    if (!(await store.claimLease(LEASE_NAME, this.options.nodeId, new Date(now), this.options.leaseMs))) {
      // Another node routes this tenant; the heartbeat asks again (and takes over once its lease runs out).
      this.notMineUntil.set(tenant, now + this.options.leaseMs / 3);
      return;
    }
    this.notMineUntil.delete(tenant);
    const queues = new Map((await store.listQueues()).map((queue) => [queue.name, queue]));
    const queueOf = (name: string): QueueInfo => queues.get(name) ?? queues.get("default") ?? IMPLICIT_DEFAULT_QUEUE;
    const waiting = await store.waitingChats(ROUTED_WAITING_LIMIT);

    const stillWaiting: WaitingChat[] = [];
    for (const chat of waiting) {
      const queue = queueOf(chat.queue);
      if (await this.waitLimitReached(store, tenant, chat, queue, now)) continue;
      stillWaiting.push(chat);
    }
    const nextExpiry = await this.offer(store, tenant, stillWaiting, queueOf, now);
    this.options.positions(tenant, await this.positionsOf(store, stillWaiting));
    this.schedule(tenant, nextExpiry);
  }

  /** Handles a chat past its queue's waiting limit; true when the chat no longer waits (it was closed). */
  private async waitLimitReached(store: RouterStore, tenant: string, chat: WaitingChat, queue: QueueInfo, now: number): Promise<boolean> {
    if (queue.waitLimitSeconds === null || queue.waitLimitAction === "keep" || chat.limitHandled) return false;
    if (now - Date.parse(chat.spell) < queue.waitLimitSeconds * 1000) return false;
    if (!(await store.takeWaitLimit(chat))) return false;
    await this.options.waitLimit(tenant, chat, queue);
    return queue.waitLimitAction === "close";
  }

  /** Offers the `auto` queues' chats without an open offer; resolves with the earliest open offer's expiry. */
  private async offer(store: RouterStore, tenant: string, waiting: WaitingChat[], queueOf: (name: string) => QueueInfo, now: number): Promise<number | undefined> {
    const auto = waiting.filter((chat) => queueOf(chat.queue).mode === "auto");
    if (auto.length === 0) return undefined;
    const nowIso = new Date(now).toISOString();
    const [loads, lastAssigned] = await Promise.all([store.agentLoads(), store.lastAssigned()]);
    // Open offers count against an agent's capacity like the chats they are in.
    for (const chat of waiting) {
      if (chat.offer !== null && chat.offer.expiresAt >= nowIso) loads.set(chat.offer.agentId, (loads.get(chat.offer.agentId) ?? 0) + 1);
    }
    const capacities = new Map<string, number>();
    const capacityOf = async (agentId: string): Promise<number> => {
      let capacity = capacities.get(agentId);
      if (capacity === undefined) {
        capacity = (await store.agentCapacity(agentId)) ?? this.options.defaultCapacity;
        capacities.set(agentId, capacity);
      }
      return capacity;
    };
    let nextExpiry: number | undefined;
    const noteExpiry = (at: string) => {
      const time = Date.parse(at);
      if (nextExpiry === undefined || time < nextExpiry) nextExpiry = time;
    };
    for (const chat of auto) {
      if (chat.offer !== null && chat.offer.expiresAt >= nowIso) {
        noteExpiry(chat.offer.expiresAt);
        continue;
      }
      const queue = queueOf(chat.queue);
      let passed = chat.passed;
      const lapsed = chat.offer?.agentId;
      if (lapsed !== undefined) {
        this.options.withdraw(tenant, lapsed, chat.chatId);
        if (chat.offer?.acceptedAt === null) passed = [...new Set([...passed, lapsed])];
      }
      const free: string[] = [];
      for (const agentId of queue.members) {
        if (this.options.statusOf(tenant, agentId) !== "available") continue;
        if ((loads.get(agentId) ?? 0) < (await capacityOf(agentId))) free.push(agentId);
      }
      let candidates = free.filter((agentId) => !passed.includes(agentId));
      if (candidates.length === 0 && free.length > 0) {
        // Everyone free let it pass: a new round, starting with whoever did not just let it lapse.
        passed = [];
        candidates = free.length > 1 && lapsed !== undefined ? free.filter((agentId) => agentId !== lapsed) : free;
      }
      // The agent who has waited longest since their last chat; one never given a chat first.
      const agentId = candidates.sort((a, b) => {
        const [x, y] = [lastAssigned.get(a) ?? "", lastAssigned.get(b) ?? ""];
        return x === y ? (a < b ? -1 : 1) : x < y ? -1 : 1;
      })[0];
      if (agentId === undefined) continue;
      const expiresAt = new Date(now + queue.offerSeconds * 1000).toISOString();
      if (!(await store.offerChat(chat, agentId, passed, nowIso, expiresAt))) continue;
      loads.set(agentId, (loads.get(agentId) ?? 0) + 1);
      // Within this pass, the next chat goes to the next agent in turn.
      lastAssigned.set(agentId, nowIso);
      noteExpiry(expiresAt);
      this.options.ring(tenant, agentId, { chatId: chat.chatId, queue: chat.queue, nickname: chat.nickname, expiresAt, offerSeconds: queue.offerSeconds });
    }
    return nextExpiry;
  }

  private async positionsOf(store: RouterStore, waiting: WaitingChat[]): Promise<Positions> {
    const byQueue = new Map<string, WaitingChat[]>();
    for (const chat of waiting) byQueue.set(chat.queue, [...(byQueue.get(chat.queue) ?? []), chat]);
    const positions: Positions = new Map();
    for (const [queue, chats] of byQueue) {
      const history = await store.recentAssignments(queue, ETA_HISTORY);
      chats.forEach((chat, index) => positions.set(chat.chatId, { queue, position: index + 1, etaSeconds: etaSeconds(history, index + 1) }));
    }
    return positions;
  }

  /** A pass right after the earliest open offer lapses (the heartbeat is the backstop). */
  private schedule(tenant: string, at: number | undefined): void {
    const previous = this.timers.get(tenant);
    if (previous !== undefined) clearTimeout(previous);
    this.timers.delete(tenant);
    if (at === undefined || this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(tenant);
      void this.wake(tenant, true);
    }, Math.max(0, at - Date.now()) + 20);
    timer.unref();
    this.timers.set(tenant, timer);
  }
}
