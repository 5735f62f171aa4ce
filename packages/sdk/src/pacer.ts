/**
 * Client-side mirror of the server's per-connection message bucket
 * (`messagesPerSecond` sustained, `messagesBurst` at once, both announced in
 * `welcome`). Sends wait in the outbox for a token instead of being refused
 * with `RATE_LIMITED`, so a burst of sends is slowed down, never lost, and
 * stays in order. The client takes its token before the server does, so the
 * server's bucket has always refilled at least as much.
 */
export class SendPacer {
  private tokens = 0;
  private capacity = 0;
  private ratePerSecond = 0;
  private updatedAt = 0;

  /** @param now - Clock in milliseconds; injectable for tests. */
  constructor(private readonly now: () => number = Date.now) {}

  /** Starts a full bucket, as the server does for each new connection. */
  reset(ratePerSecond: number, burst: number): void {
    this.ratePerSecond = ratePerSecond > 0 ? ratePerSecond : Infinity;
    this.capacity = Math.max(1, burst);
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
