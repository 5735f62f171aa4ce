/**
 * What one connection may ask of the server. Anyone can get a customer token,
 * so every request frame is paid for: a count budget with a cost per frame
 * type (a history page costs more than a receipt), a budget for the bytes of
 * the answers (history pages are the large ones), and a budget for joins and
 * leaves, each of which may store an event and notify every watching agent.
 * Over budget a frame is answered with `RATE_LIMITED` and `retryAfterMs`,
 * and nothing is done. `send` keeps its own limit (`messagesPerSecond`),
 * which the SDK mirrors and paces.
 *
 * A full bucket remembers nothing, so the budget holds its buckets only while
 * they are not full: they are made at the first frame that spends them, and
 * {@link FrameBudget.forgetFull} (run at each heartbeat) drops those that have
 * refilled. An idle socket then holds none.
 * @module
 */
import { wireError, type ClientFrameType, type Limits, type WireError } from "@parley/protocol";
import { TokenBucket, type Clock } from "../rate/token-bucket.js";

/** Frame types charged to the request budget; `hello` comes once and `send` has its own limit. */
export type BudgetedFrameType = Exclude<ClientFrameType, "hello" | "send">;

/** Units of the request budget each frame type costs, by the work behind it. */
export const FRAME_COSTS: Readonly<Record<BudgetedFrameType, number>> = Object.freeze({
  ping: 1,
  typing: 1,
  receipt: 1,
  join: 2,
  leave: 2,
  end: 2,
  setStatus: 2,
  setCallData: 2,
  history: 10,
  media: 10,
  watchChats: 10,
});

/**
 * Frames whose answer may be large. They run one at a time per connection and
 * are refused while the answer-bytes budget is spent, so a flood cannot read
 * and serialise many pages before the first one is paid for.
 */
export const HEAVY_FRAMES: ReadonlySet<ClientFrameType> = new Set(["history", "media", "watchChats"]);

function rateLimited(retryAfterMs: number): WireError {
  return wireError("RATE_LIMITED", undefined, { retryAfterMs: Math.max(1, retryAfterMs) });
}

export class FrameBudget {
  private requestBucket: TokenBucket | undefined;
  private replyBytesBucket: TokenBucket | undefined;
  private membershipBucket: TokenBucket | undefined;

  constructor(
    private readonly limits: Limits,
    private readonly clock: Clock = Date.now,
  ) {}

  private get requests(): TokenBucket {
    return (this.requestBucket ??= new TokenBucket(this.limits.requestsPerSecond, this.limits.requestsBurst, this.clock));
  }

  private get replyBytes(): TokenBucket {
    return (this.replyBytesBucket ??= new TokenBucket(this.limits.replyBytesPerSecond, this.limits.replyBytesBurst, this.clock));
  }

  private get membership(): TokenBucket {
    // Twice the chats a session may hold: a console re-joining every chat after a reconnect never waits.
    return (this.membershipBucket ??= new TokenBucket(this.limits.membershipChangesPerSecond, 2 * this.limits.maxContactsPerSession, this.clock));
  }

  /** Drops the buckets that have refilled: a new one starts full, exactly as they are. */
  forgetFull(): void {
    if (this.requestBucket?.isFull() === true) this.requestBucket = undefined;
    if (this.replyBytesBucket?.isFull() === true) this.replyBytesBucket = undefined;
    if (this.membershipBucket?.isFull() === true) this.membershipBucket = undefined;
  }

  /** Charges a request frame its cost; the refusal to answer it with, or undefined when admitted. */
  admit(t: ClientFrameType): WireError | undefined {
    if (t === "hello" || t === "send") return undefined;
    const cost = FRAME_COSTS[t];
    if (this.requests.take(cost)) return undefined;
    return rateLimited(this.requests.retryAfterMs(cost));
  }

  /** Before the work of a large answer: refused while the bytes already answered are not paid back. */
  admitLargeAnswer(): WireError | undefined {
    if (this.replyBytes.hasCredit()) return undefined;
    return rateLimited(this.replyBytes.retryAfterMs());
  }

  /** A join or a leave on this connection. */
  admitMembershipChange(): WireError | undefined {
    if (this.membership.take()) return undefined;
    return rateLimited(this.membership.retryAfterMs());
  }

  /** Counts the bytes of an answer once they are known. */
  chargeAnswer(bytes: number): void {
    this.replyBytes.charge(bytes);
  }
}
