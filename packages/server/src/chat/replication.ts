/**
 * Replication from the bus: while this node has sockets in a chat it follows
 * the chat's bus channel, checks every message another node sent there, keeps
 * the chat's cached state current and hands events and typing to the one
 * follower (the realtime hub, which counts its sockets per chat). Only here is
 * it known whose cached state can be trusted: a chat nobody follows may have
 * changed on another node, so its state is read from the store.
 * @module
 */
import type { IsWritingEvent } from "@parley/protocol";
import type { Logger } from "pino";
import type { Bus } from "../bus/types.js";
import type { CommittedEvent, Store } from "../store/types.js";
import { chatChannel, parseChatBusMessage } from "./bus-messages.js";
import { chatKey, ChatStateCache, type ChatState } from "./state.js";

/** Who receives a followed chat's traffic from other nodes. */
export interface ChatFollower {
  /** An event another node committed. */
  onEvent(event: CommittedEvent): void;
  /** A typing signal from another node (volatile). */
  onSignal(data: IsWritingEvent): void;
  /** The bus came back after an outage: what it lost must be read from the store. */
  catchUp(): void;
}

/** A chat followed until `stop`. */
export interface ChatFollow {
  /** Settles once the chat's events from other nodes are delivered: read the chat's head only then. */
  readonly ready: Promise<void>;
  stop(): void;
}

/** Where a node's sockets get a chat's events from: the store's log, and the other nodes' commits as they come. */
export interface EventSource {
  /** The tenant's stored events with `seq > afterSeq`, in order, at most `limit` (resume and gap filling). */
  eventsAfter(tenant: string, chatId: string, afterSeq: number, limit: number): Promise<CommittedEvent[]>;
  /** Follows a tenant's chat's traffic from other nodes until `stop`. One follow per chat: the caller counts its own followers. */
  follow(tenant: string, chatId: string, follower: ChatFollower): ChatFollow;
}

/** What the chat domain reads a chat's state from. */
export interface ChatStates {
  /** Cached for followed chats, read from the store for the others; undefined when the tenant has no such chat. */
  stateOf(tenant: string, chatId: string): Promise<ChatState | undefined>;
  /** Read from the store now (a join wants the exact head and participants). */
  freshStateOf(tenant: string, chatId: string): Promise<ChatState | undefined>;
}

interface Followed {
  tenant: string;
  chatId: string;
  follower: ChatFollower;
  unsubscribe: () => void;
  ready: Promise<void>;
}

export interface ChatReplicationOptions {
  store: Store;
  bus: Bus;
  logger: Logger;
}

export class ChatReplication implements EventSource, ChatStates {
  private readonly store: Store;
  private readonly bus: Bus;
  private readonly logger: Logger;
  private readonly cache: ChatStateCache;
  private readonly followed = new Map<string, Followed>();
  private readonly stopReconnectWatch: () => void;

  constructor(options: ChatReplicationOptions) {
    ({ store: this.store, bus: this.bus, logger: this.logger } = options);
    this.cache = new ChatStateCache(this.store);
    this.stopReconnectWatch = this.bus.onReconnect?.(() => this.busReconnected()) ?? (() => {});
  }

  eventsAfter(tenant: string, chatId: string, afterSeq: number, limit: number): Promise<CommittedEvent[]> {
    return this.store.tenant(tenant).eventsAfter(chatId, afterSeq, limit);
  }

  /**
   * Subscribes the chat's channel until `stop`. Reading the chat from the
   * store must wait for `ready`, or an event committed elsewhere in between
   * could be missed.
   */
  follow(tenant: string, chatId: string, follower: ChatFollower): ChatFollow {
    const key = chatKey(tenant, chatId);
    if (this.followed.has(key)) throw new Error(`chat ${chatId} of ${tenant} is followed already`);
    const subscription = this.bus.subscribe(chatChannel(tenant, chatId), (message, fromNode, text) => this.receive(tenant, chatId, message, fromNode, text));
    const entry: Followed = {
      tenant,
      chatId,
      follower,
      unsubscribe: subscription,
      // Whatever was cached before may have missed events from other nodes: read afresh from now on.
      ready: subscription.ready.then(() => this.cache.forget(tenant, chatId)),
    };
    this.followed.set(key, entry);
    let isStopped = false;
    return {
      ready: entry.ready,
      stop: () => {
        if (isStopped) return;
        isStopped = true;
        if (this.followed.get(key) !== entry) return;
        this.followed.delete(key);
        entry.unsubscribe();
        // No longer kept current by the bus.
        this.cache.forget(tenant, chatId);
      },
    };
  }

  stateOf(tenant: string, chatId: string): Promise<ChatState | undefined> {
    return this.followed.has(chatKey(tenant, chatId)) ? this.cache.get(tenant, chatId) : this.cache.load(tenant, chatId);
  }

  freshStateOf(tenant: string, chatId: string): Promise<ChatState | undefined> {
    return this.followed.has(chatKey(tenant, chatId)) ? this.cache.reload(tenant, chatId) : this.cache.load(tenant, chatId);
  }

  /** An event this node committed in the tenant: the cached state follows it. */
  committed(tenant: string, event: CommittedEvent): void {
    this.cache.apply(tenant, event);
  }

  /** The store knew better than the cache (another node ended the chat): catch up. */
  async storeKnewBetter(tenant: string, chatId: string): Promise<void> {
    if (this.followed.has(chatKey(tenant, chatId))) await this.cache.reload(tenant, chatId);
  }

  close(): void {
    this.stopReconnectWatch();
    for (const followed of this.followed.values()) followed.unsubscribe();
    this.followed.clear();
  }

  private receive(tenant: string, chatId: string, raw: unknown, fromNode: string, text: string | undefined): void {
    const message = parseChatBusMessage(raw, text);
    const messageChat = message?.kind === "event" ? message.event.chatId : message?.chatId;
    const followed = this.followed.get(chatKey(tenant, chatId));
    // A message names its tenant and chat: on this channel, both must be the followed chat's.
    if (message === undefined || messageChat !== chatId || message.tenant !== tenant) {
      this.logger.warn({ fromNode, tenant, chatId }, "dropped a malformed bus message");
      return;
    }
    if (message.kind === "event") {
      this.cache.apply(tenant, message.event);
      followed?.follower.onEvent(message.event);
    } else {
      followed?.follower.onSignal(message.data);
    }
  }

  /** Events published during the outage may never arrive: forget cached states, let the followers catch up. */
  private busReconnected(): void {
    this.logger.info({ chats: this.followed.size }, "bus reconnected: catching up from the store");
    for (const { tenant, chatId } of this.followed.values()) this.cache.forget(tenant, chatId);
    for (const followed of this.followed.values()) followed.follower.catchUp();
  }
}
