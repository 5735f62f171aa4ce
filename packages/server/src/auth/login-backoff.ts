/**
 * Per-account login backoff. The per-address limit alone lets a botnet guess
 * one account's password from many addresses; this bounds the guesses per
 * username, whichever addresses they come from. Unknown usernames are tracked
 * exactly like real ones, so the answers never tell which accounts exist.
 *
 * Kept in memory, per node: a cluster of N nodes allows N times the attempts,
 * and a restart forgets the counts.
 * @module
 */

export interface LoginBackoffOptions {
  /** Attempts a username gets before any wait. */
  freeAttempts: number;
  /** Wait after the first attempt beyond the free ones; each further attempt doubles it. */
  baseDelayMs: number;
  /** The longest wait. */
  maxDelayMs: number;
  /** A username with no attempt for this long starts afresh. */
  forgetAfterMs: number;
  /** Usernames tracked at once; beyond it the longest-quiet one is forgotten (bounds memory). */
  maxTracked: number;
}

export const DEFAULT_LOGIN_BACKOFF: Readonly<LoginBackoffOptions> = Object.freeze({
  freeAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
  maxTracked: 100_000,
});

interface Attempts {
  /** Attempts since the last success, this one included. */
  count: number;
  lastAt: number;
  /** No attempt is heard before this time. */
  blockedUntil: number;
}

export class LoginBackoff {
  private readonly options: LoginBackoffOptions;
  /** In order of last attempt, oldest first (a Map keeps insertion order). */
  private readonly byUsername = new Map<string, Attempts>();

  constructor(options: Partial<LoginBackoffOptions> = {}, private readonly clock: () => number = Date.now) {
    this.options = { ...DEFAULT_LOGIN_BACKOFF, ...options };
  }

  /**
   * Records an attempt for `username` and returns 0 when it may be checked,
   * or how many milliseconds remain before the next one is heard. An attempt
   * counts as failed until {@link succeeded} says otherwise, so attempts made
   * in parallel cannot slip past the count while their passwords are hashed.
   */
  attempt(username: string): number {
    const now = this.clock();
    let entry = this.byUsername.get(username);
    if (entry !== undefined && now - entry.lastAt > this.options.forgetAfterMs) entry = undefined;
    if (entry !== undefined && entry.blockedUntil > now) return entry.blockedUntil - now;
    entry ??= { count: 0, lastAt: now, blockedUntil: 0 };
    entry.count += 1;
    entry.lastAt = now;
    const beyond = entry.count - this.options.freeAttempts;
    // 2^beyond is bounded by the cap well before it could overflow.
    if (beyond >= 0) entry.blockedUntil = now + Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(beyond, 40));
    this.byUsername.delete(username);
    this.byUsername.set(username, entry);
    if (this.byUsername.size > this.options.maxTracked) {
      const oldest = this.byUsername.keys().next().value;
      if (oldest !== undefined) this.byUsername.delete(oldest);
    }
    return 0;
  }

  /** The password was right: the username starts afresh. */
  succeeded(username: string): void {
    this.byUsername.delete(username);
  }
}
