import type { ReplyFrame } from "@parley/protocol";
import { LiveChatError } from "./errors.js";

interface Pending {
  /** Runs synchronously when the reply is handled, before the next frame: its value resolves the promise. */
  transform: ((result: unknown) => unknown) | undefined;
  resolve(result: unknown): void;
  reject(error: LiveChatError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Request ids (`rid`) mapped to the promises waiting for their `reply`.
 * Each request may have a timeout (`REQUEST_TIMEOUT`); `null` means it waits
 * until answered or explicitly rejected (sends in the outbox).
 */
export class RequestTracker {
  private _nextRid = 1;
  private readonly _pending = new Map<number, Pending>();

  /** @param onTimeout - Told about a request that timed out, so its frame can be dropped. */
  constructor(private readonly onTimeout: (rid: number) => void) {}

  /** Number of requests waiting for an answer. */
  get size(): number {
    return this._pending.size;
  }

  /**
   * Allocates a rid and the promise its reply settles. `transform` runs
   * synchronously on a successful reply (so state it sets up is in place for the
   * very next frame) and gives the resolved value; if it throws, the promise rejects.
   */
  open<T>(timeoutMs: number | null, transform?: (result: unknown) => T): { rid: number; promise: Promise<T> } {
    const rid = this._nextRid;
    this._nextRid = this._nextRid >= 2 ** 31 ? 1 : this._nextRid + 1;
    const promise = new Promise<T>((resolve, reject) => {
      const pending: Pending = { transform, resolve: resolve as (result: unknown) => void, reject, timer: undefined };
      if (timeoutMs !== null) {
        pending.timer = setTimeout(() => {
          this._pending.delete(rid);
          reject(new LiveChatError("REQUEST_TIMEOUT", undefined, { timeoutMs }));
          this.onTimeout(rid);
        }, timeoutMs);
      }
      this._pending.set(rid, pending);
    });
    return { rid, promise };
  }

  /** Settles the request a reply answers. Returns false for an unknown (e.g. timed-out) rid. */
  settle(reply: ReplyFrame): boolean {
    const pending = this._take(reply.rid);
    if (!pending) return false;
    if (!reply.ok) {
      pending.reject(LiveChatError.from(reply.error));
      return true;
    }
    try {
      pending.resolve(pending.transform ? pending.transform(reply.result) : reply.result);
    } catch (error) {
      pending.reject(error instanceof LiveChatError ? error : new LiveChatError("INTERNAL_ERROR", String(error)));
    }
    return true;
  }

  /** Rejects one request. */
  reject(rid: number, error: LiveChatError): void {
    this._take(rid)?.reject(error);
  }

  /** Rejects every request still waiting. */
  rejectAll(error: LiveChatError): void {
    for (const rid of [...this._pending.keys()]) this.reject(rid, error);
  }

  private _take(rid: number): Pending | undefined {
    const pending = this._pending.get(rid);
    if (!pending) return undefined;
    this._pending.delete(rid);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    return pending;
  }
}
