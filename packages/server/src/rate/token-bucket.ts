/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSecond`.
 * Used for messages per connection, typing per chat and contacts per client
 * address. The clock is injectable so tests need no sleeping.
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

  /** Takes one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until the next token, in whole milliseconds (0 when one is available). */
  retryAfterMs(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
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
