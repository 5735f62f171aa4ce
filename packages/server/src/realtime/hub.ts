/**
 * Local fan-out: which sockets of this node follow which chats, and in-order,
 * gap-free delivery to each of them.
 *
 * Each committed event is serialised to its frame string once and that string
 * is written to every subscribed socket. Each (socket, chat) subscription
 * knows the next seq it must deliver: it drops what was delivered already,
 * and on a gap (a bus that dropped or reordered) it fetches the missing
 * events from the store before going on. A new subscription buffers live
 * events until its join has replayed and answered, then starts at the seq the
 * reply announced.
 *
 * The hub is the one place that counts who follows a chat on this node: it
 * follows the chat through its {@link EventSource} while it has at least one
 * socket in the chat, and asks every subscription to catch up from the store
 * when the source says the bus came back after an outage (a gap at the tail
 * has no later event to reveal it).
 * @module
 */
import type { IsWritingEvent } from "@parley/protocol";
import type { Logger } from "pino";
import type { ChatDelivery } from "../chat/pipeline.js";
import type { Presence } from "../chat/membership.js";
import type { ChatFollow, ChatFollower, EventSource } from "../chat/replication.js";
import { chatKey } from "../chat/state.js";
import type { CommittedEvent } from "../store/types.js";

/** A socket as the hub sees it. */
export interface Subscriber {
  readonly sessionId: string;
  readonly userId: string;
  /** Whether the socket is an agent's: customers' sockets get some events without their contact-center data. */
  readonly isAgent: boolean;
  /** Writes a frame; `volatile` frames may be dropped under backpressure. */
  write(frame: string, volatile: boolean): void;
}

export type FetchEventsAfter = (tenant: string, chatId: string, afterSeq: number, limit: number) => Promise<CommittedEvent[]>;

const FILL_PAGE = 200;

/**
 * The frame of a stored event, built around its payload's text (serialised
 * once, at commit): `{"t":"event","chatId":…,"seq":…,"name":…,"data":…}`.
 */
export function eventFrame(event: CommittedEvent): string {
  return `{"t":"event","chatId":${JSON.stringify(event.chatId)},"seq":${event.seq},"name":"${event.name}","data":${event.payload}}`;
}

/**
 * The frame of a stored event as a customer's socket receives it. Call data
 * is the contact center's: a customer gets its `callDataChanged` events (so
 * the log's sequence stays whole) without the changes.
 */
export function customerEventFrame(event: CommittedEvent): string {
  if (event.name !== "callDataChanged") return eventFrame(event);
  const { chatId, ts } = event.data;
  const data = JSON.stringify({ chatId, changes: {}, user: null, ts });
  return `{"t":"event","chatId":${JSON.stringify(event.chatId)},"seq":${event.seq},"name":"${event.name}","data":${data}}`;
}

/** The frame of a stored event for a socket of this kind. */
export function eventFrameFor(event: CommittedEvent, isAgent: boolean): string {
  return isAgent ? eventFrame(event) : customerEventFrame(event);
}

export class ChatSubscription {
  /** Next seq to deliver; meaningful once live. */
  private nextSeq = 0;
  private isLive = false;
  private isFilling = false;
  private isClosed = false;
  /** Whether the store must be read for events the bus may have lost. */
  private mustCatchUp = false;
  /** Events held back (before start, while filling, after a gap), by seq; allocated when the first one is. */
  private pending: Map<number, string> | undefined;

  constructor(
    /** The tenant of the chat (and of the subscriber). */
    readonly tenant: string,
    readonly chatId: string,
    readonly subscriber: Subscriber,
    private readonly fetchAfter: FetchEventsAfter,
    private readonly logger: Logger,
    /** Settles once events of the chat from other nodes reach this subscription. */
    readonly ready: Promise<void> = Promise.resolve(),
  ) {}

  get live(): boolean {
    return this.isLive;
  }

  /** Starts live delivery at `nextSeq`, first from what was buffered. */
  start(nextSeq: number): void {
    this.nextSeq = nextSeq;
    this.isLive = true;
    this.drain();
  }

  close(): void {
    this.isClosed = true;
    this.pending = undefined;
  }

  /** Reads the store for events after the last delivered one (the bus may have lost some). */
  catchUp(): void {
    if (this.isClosed) return;
    this.mustCatchUp = true;
    // Not live yet: start() catches up once the join has answered.
    if (this.isLive) void this.fill();
  }

  /** Offers a committed event (its frame already serialised). */
  offer(seq: number, frame: string): void {
    if (this.isClosed) return;
    if (!this.isLive || this.isFilling) {
      if (!this.isLive || seq >= this.nextSeq) this.hold(seq, frame);
      return;
    }
    if (seq < this.nextSeq) return;
    if (seq === this.nextSeq) {
      this.deliver(frame);
      this.drain();
      return;
    }
    this.hold(seq, frame);
    void this.fill();
  }

  private hold(seq: number, frame: string): void {
    (this.pending ??= new Map()).set(seq, frame);
  }

  /** Takes the held frame of `seq`, if any; the map goes once empty. */
  private takeHeld(seq: number): string | undefined {
    const frame = this.pending?.get(seq);
    if (frame === undefined) return undefined;
    this.pending?.delete(seq);
    if (this.pending?.size === 0) this.pending = undefined;
    return frame;
  }

  /** Delivers the held frames that follow on from `nextSeq`. */
  private deliverHeld(): void {
    for (let frame = this.takeHeld(this.nextSeq); frame !== undefined; frame = this.takeHeld(this.nextSeq)) this.deliver(frame);
  }

  private deliver(frame: string): void {
    this.subscriber.write(frame, false);
    this.nextSeq += 1;
  }

  private drain(): void {
    this.deliverHeld();
    if (this.pending !== undefined) {
      for (const seq of this.pending.keys()) if (seq < this.nextSeq) this.pending.delete(seq);
      if (this.pending.size === 0) this.pending = undefined;
    }
    if (this.pending !== undefined || this.mustCatchUp) void this.fill();
  }

  /** Fetches the missing events from the store up to the first buffered one. */
  private async fill(): Promise<void> {
    if (this.isFilling || this.isClosed) return;
    this.isFilling = true;
    try {
      while (!this.isClosed && (this.mustCatchUp || (this.pending !== undefined && !this.pending.has(this.nextSeq)))) {
        const isCatchingUp = this.mustCatchUp;
        this.mustCatchUp = false;
        const events = await this.fetchAfter(this.tenant, this.chatId, this.nextSeq - 1, FILL_PAGE);
        if (this.isClosed) return;
        // A full page when catching up: there may be more after it.
        if (isCatchingUp && events.length === FILL_PAGE) this.mustCatchUp = true;
        if (events.length === 0) break;
        for (const event of events) {
          if (event.seq !== this.nextSeq) break;
          // A buffered copy of the same event is the same string; prefer it to re-serialising.
          this.deliver(this.takeHeld(event.seq) ?? eventFrameFor(event, this.subscriber.isAgent));
        }
      }
    } catch (error) {
      // The next event, or the next bus reconnect, tries again.
      this.logger.error({ err: error, chatId: this.chatId }, "filling a gap from the store failed");
    } finally {
      this.isFilling = false;
    }
    if (!this.isClosed) this.deliverHeld();
  }
}

/** Told how many sockets each event or signal was written to (metrics). */
export type DeliveryObserver = (type: string, recipients: number) => void;

/**
 * A chat this node has sockets in. It is the chat's follower itself (methods,
 * not closures made per chat), and holds its subscriptions in an array: a chat
 * has a handful of sockets, and an array of one costs a fraction of a Set. The
 * array is replaced, never changed, so a delivery looping over it is never
 * disturbed by a socket that joins or leaves meanwhile.
 */
class LocalChat implements ChatFollower {
  subscriptions: readonly ChatSubscription[] = [];
  readonly follow: ChatFollow;

  constructor(
    private readonly hub: FanoutHub,
    private readonly tenant: string,
    private readonly chatId: string,
    source: EventSource,
  ) {
    this.follow = source.follow(tenant, chatId, this);
  }

  onEvent(event: CommittedEvent): void {
    this.hub.onEvent(this.tenant, event);
  }

  onSignal(data: IsWritingEvent): void {
    this.hub.onSignal(this.tenant, this.chatId, data);
  }

  catchUp(): void {
    for (const subscription of this.subscriptions) subscription.catchUp();
  }
}

export interface FanoutHubOptions {
  /** Where gaps are filled from and chats are followed. */
  source: EventSource;
  logger: Logger;
  observeDelivery?: DeliveryObserver;
}

export class FanoutHub implements ChatDelivery, Presence {
  private readonly chats = new Map<string, LocalChat>();
  private readonly source: EventSource;
  private readonly logger: Logger;
  private readonly observeDelivery: DeliveryObserver;
  private readonly fetchAfter: FetchEventsAfter;

  constructor(options: FanoutHubOptions) {
    ({ source: this.source, logger: this.logger } = options);
    this.observeDelivery = options.observeDelivery ?? (() => {});
    this.fetchAfter = (tenant, chatId, afterSeq, limit) => this.source.eventsAfter(tenant, chatId, afterSeq, limit);
  }

  /**
   * A new subscription, buffering until {@link ChatSubscription.start}. The
   * first one of a chat on this node starts following the chat's channel;
   * await its `ready` before reading the chat's head.
   */
  subscribe(subscriber: Subscriber, tenant: string, chatId: string): ChatSubscription {
    const key = chatKey(tenant, chatId);
    let chat = this.chats.get(key);
    if (chat === undefined) {
      chat = new LocalChat(this, tenant, chatId, this.source);
      this.chats.set(key, chat);
    }
    const subscription = new ChatSubscription(tenant, chatId, subscriber, this.fetchAfter, this.logger, chat.follow.ready);
    chat.subscriptions = chat.subscriptions.concat(subscription);
    return subscription;
  }

  unsubscribe(subscription: ChatSubscription): void {
    subscription.close();
    const key = chatKey(subscription.tenant, subscription.chatId);
    const chat = this.chats.get(key);
    if (chat === undefined) return;
    chat.subscriptions = chat.subscriptions.filter((other) => other !== subscription);
    if (chat.subscriptions.length > 0) return;
    this.chats.delete(key);
    chat.follow.stop();
  }

  /** How many chats this node has sockets in. */
  get chatCount(): number {
    return this.chats.size;
  }

  onEvent(tenant: string, event: CommittedEvent): void {
    const chat = this.chats.get(chatKey(tenant, event.chatId));
    if (chat === undefined) return;
    const frame = eventFrame(event);
    // Serialised once per audience: the customer's copy differs only for the few events it must not carry whole.
    const customerFrame = event.name === "callDataChanged" ? customerEventFrame(event) : frame;
    for (const subscription of chat.subscriptions) subscription.offer(event.seq, subscription.subscriber.isAgent ? frame : customerFrame);
    this.observeDelivery(event.name, chat.subscriptions.length);
  }

  onSignal(tenant: string, chatId: string, data: IsWritingEvent): void {
    const chat = this.chats.get(chatKey(tenant, chatId));
    if (chat === undefined) return;
    const frame = JSON.stringify({ t: "signal", chatId, name: "isWriting", data });
    for (const subscription of chat.subscriptions) if (subscription.live) subscription.subscriber.write(frame, true);
    this.observeDelivery("isWriting", chat.subscriptions.length);
  }

  isOnline(tenant: string, chatId: string, userId: string): boolean {
    const chat = this.chats.get(chatKey(tenant, chatId));
    if (chat === undefined) return false;
    for (const subscription of chat.subscriptions) if (subscription.subscriber.userId === userId) return true;
    return false;
  }
}
