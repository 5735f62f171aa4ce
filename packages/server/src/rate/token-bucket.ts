/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSecond`.
 * Used for messages and request frames per connection, typing per chat, and
 * contacts per client address. The clock is injectable so tests need no sleeping.
 * @module
 */

export type Clock = () => number;

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly clock: Clock = Date.now,
  ) {
    this.tokens = capacity;
    this.updatedAt = clock();
  }

  /** Takes `cost` tokens if there are that many. */
  take(cost = 1): boolean {
    this.refill();
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /**
   * Takes `cost` tokens whatever is left, going into debt: for a cost known
   * only after the work (the bytes of an answer). {@link hasCredit} then
   * stays false until the debt is paid back.
   */
  charge(cost: number): void {
    this.refill();
    this.tokens -= cost;
  }

  /** Whether any token is left (not in debt, not empty). */
  hasCredit(): boolean {
    this.refill();
    return this.tokens > 0;
  }

  /** How long until `cost` tokens are there, in whole milliseconds (0 when they are). */
  retryAfterMs(cost = 1): number {
    this.refill();
    if (this.tokens >= cost) return 0;
    return Math.ceil(((cost - this.tokens) / this.ratePerSecond) * 1000);
  }

  /** Whether the bucket is full, i.e. it remembers nothing and can be dropped. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.capacity;
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerSecond);
    this.updatedAt = now;
  }
}

/** One bucket per key (e.g. client address), forgetting full buckets so memory stays bounded. */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly clock: Clock = Date.now,
  ) {}

  /** Takes a token for the key; returns 0 when allowed, else the milliseconds to wait. */
  take(key: string): number {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= 10_000) this.sweep();
      bucket = new TokenBucket(this.ratePerSecond, this.capacity, this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket.take() ? 0 : bucket.retryAfterMs();
  }

  private sweep(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
  }
}
