/** How often `isWriting(true)` is repeated at most while the user keeps writing. */
export const TYPING_REFRESH_MS = 3_000;

/**
 * Throttles typing frames. `isWriting(true)` goes out at most once per
 * {@link TYPING_REFRESH_MS} while writing continues (the server reports the
 * writer as stopped after 10 s without a refresh); `isWriting(false)` goes out
 * at once, and only if a `true` went out. Typing is volatile: when `send`
 * returns false (offline) nothing is remembered or queued.
 */
export class TypingThrottle {
  private _active = false;
  private _lastSentAt = 0;

  /**
   * @param send - Writes one typing frame now; returns whether it was written.
   * @param now - Clock in milliseconds; injectable for tests.
   * @param refreshMs - Minimum interval between two `true` frames.
   */
  constructor(
    private readonly send: (bwrite: boolean) => boolean,
    private readonly now: () => number = Date.now,
    private readonly refreshMs: number = TYPING_REFRESH_MS,
  ) {}

  /** Reports that the user is (`true`) or is no longer (`false`) writing. */
  set(bwrite: boolean): void {
    if (bwrite) {
      const now = this.now();
      if (this._active && now - this._lastSentAt < this.refreshMs) return;
      if (this.send(true)) {
        this._active = true;
        this._lastSentAt = now;
      }
    } else if (this._active) {
      this._active = false;
      this.send(false);
    }
  }

  /** Forgets the current state, e.g. after a disconnect (the server already reported a stop). */
  reset(): void {
    this._active = false;
  }
}
