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
 * @module
 */
import type { IsWritingEvent } from "@parley/protocol";
import type { Logger } from "pino";
import type { ChatListener } from "../chat/service.js";
import type { StoredEvent } from "../store/types.js";

/** A socket as the hub sees it. */
export interface Subscriber {
  readonly sessionId: string;
  readonly userId: string;
  /** Writes a frame; `volatile` frames may be dropped under backpressure. */
  write(frame: string, volatile: boolean): void;
}

export type FetchEventsAfter = (chatId: string, afterSeq: number, limit: number) => Promise<StoredEvent[]>;

const FILL_PAGE = 200;

/** The frame of a stored event, serialised once per event. */
export function eventFrame(event: StoredEvent): string {
  return JSON.stringify({ t: "event", chatId: event.chatId, seq: event.seq, name: event.name, data: event.data });
}

export class ChatSubscription {
  /** Next seq to deliver; meaningful once live. */
  private nextSeq = 0;
  private isLive = false;
  private isFilling = false;
  private isClosed = false;
  private readonly pending = new Map<number, string>();

  constructor(
    readonly chatId: string,
    readonly subscriber: Subscriber,
    private readonly fetchAfter: FetchEventsAfter,
    private readonly logger: Logger,
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
    this.pending.clear();
  }

  /** Offers a committed event (its frame already serialised). */
  offer(seq: number, frame: string): void {
    if (this.isClosed) return;
    if (!this.isLive || this.isFilling) {
      if (!this.isLive || seq >= this.nextSeq) this.pending.set(seq, frame);
      return;
    }
    if (seq < this.nextSeq) return;
    if (seq === this.nextSeq) {
      this.deliver(frame);
      this.drain();
      return;
    }
    this.pending.set(seq, frame);
    void this.fill();
  }

  private deliver(frame: string): void {
    this.subscriber.write(frame, false);
    this.nextSeq += 1;
  }

  private drain(): void {
    for (let frame = this.pending.get(this.nextSeq); frame !== undefined; frame = this.pending.get(this.nextSeq)) {
      this.pending.delete(this.nextSeq);
      this.deliver(frame);
    }
    for (const seq of this.pending.keys()) if (seq < this.nextSeq) this.pending.delete(seq);
    if (this.pending.size > 0) void this.fill();
  }

  /** Fetches the missing events from the store up to the first buffered one. */
  private async fill(): Promise<void> {
    if (this.isFilling || this.isClosed) return;
    this.isFilling = true;
    try {
      while (!this.isClosed && this.pending.size > 0 && !this.pending.has(this.nextSeq)) {
        const events = await this.fetchAfter(this.chatId, this.nextSeq - 1, FILL_PAGE);
        if (this.isClosed) return;
        if (events.length === 0) break;
        for (const event of events) {
          if (event.seq !== this.nextSeq) break;
          // A buffered copy of the same event is the same string; prefer it to re-serialising.
          const frame = this.pending.get(event.seq) ?? eventFrame(event);
          this.pending.delete(event.seq);
          this.deliver(frame);
        }
      }
    } catch (error) {
      this.logger.error({ err: error, chatId: this.chatId }, "filling a gap from the store failed");
    } finally {
      this.isFilling = false;
    }
    if (!this.isClosed) {
      for (let frame = this.pending.get(this.nextSeq); frame !== undefined; frame = this.pending.get(this.nextSeq)) {
        this.pending.delete(this.nextSeq);
        this.deliver(frame);
      }
    }
  }
}

export class FanoutHub implements ChatListener {
  private readonly chats = new Map<string, Set<ChatSubscription>>();
  private fetchAfter: FetchEventsAfter = () => Promise.resolve([]);

  constructor(private readonly logger: Logger) {}

  /** Where gaps are filled from (the chat service, once it exists). */
  setSource(fetchAfter: FetchEventsAfter): void {
    this.fetchAfter = fetchAfter;
  }

  /** A new subscription, buffering until {@link ChatSubscription.start}. */
  subscribe(subscriber: Subscriber, chatId: string): ChatSubscription {
    const subscription = new ChatSubscription(chatId, subscriber, (c, a, l) => this.fetchAfter(c, a, l), this.logger);
    let set = this.chats.get(chatId);
    if (set === undefined) {
      set = new Set();
      this.chats.set(chatId, set);
    }
    set.add(subscription);
    return subscription;
  }

  unsubscribe(subscription: ChatSubscription): void {
    subscription.close();
    const set = this.chats.get(subscription.chatId);
    if (set === undefined) return;
    set.delete(subscription);
    if (set.size === 0) this.chats.delete(subscription.chatId);
  }

  onEvent(event: StoredEvent): void {
    const set = this.chats.get(event.chatId);
    if (set === undefined) return;
    const frame = eventFrame(event);
    for (const subscription of set) subscription.offer(event.seq, frame);
  }

  onSignal(chatId: string, data: IsWritingEvent): void {
    const set = this.chats.get(chatId);
    if (set === undefined) return;
    const frame = JSON.stringify({ t: "signal", chatId, name: "isWriting", data });
    for (const subscription of set) if (subscription.live) subscription.subscriber.write(frame, true);
  }

  isOnline(chatId: string, userId: string): boolean {
    const set = this.chats.get(chatId);
    if (set === undefined) return false;
    for (const subscription of set) if (subscription.subscriber.userId === userId) return true;
    return false;
  }
}
