/**
 * Client-side mirror of the server's per-connection message bucket
 * (`messagesPerSecond` sustained, `messagesBurst` at once, both announced in
 * `welcome`). Sends wait in the outbox for a token instead of being refused
 * with `RATE_LIMITED`, so a burst of sends is slowed down, never lost, and
 * stays in order. Should the server refuse one anyway, it is re-sent after
 * the server's `retryAfterMs`. The client takes its token before the server does, so the
 * server's bucket has always refilled at least as much.
 */
export class SendPacer {
  private tokens = 0;
  private capacity = 0;
  private ratePerSecond = 0;
  private updatedAt = 0;

  /** @param now - Clock in milliseconds; injectable for tests. */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Starts a full bucket, as the server does for each new connection. One
   * token of the burst is kept in reserve: the server measures its refill from
   * when it handles each frame, not from when it was written, so network jitter
   * could otherwise make an early frame look late.
   */
  reset(ratePerSecond: number, burst: number): void {
    this.ratePerSecond = ratePerSecond > 0 ? ratePerSecond : Infinity;
    this.capacity = Math.max(1, burst - 1);
    this.tokens = this.capacity;
    this.updatedAt = this.now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Empties the bucket so that the next token comes in `ms` (the server said `retryAfterMs`). */
  hold(ms: number): void {
    this.refill();
    if (!Number.isFinite(this.ratePerSecond)) return;
    this.tokens = Math.min(this.tokens, 1 - (Math.max(0, ms) / 1000) * this.ratePerSecond);
  }

  /** Milliseconds until the next token (0 when one is available). */
  waitMs(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerSecond);
    this.updatedAt = now;
  }
}
