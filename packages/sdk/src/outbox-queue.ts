import type { ClientFrame } from "@parley/protocol";

/**
 * What happens to a request in flight when the socket drops:
 * - `resend`: kept and sent again after the reconnect (idempotent requests: sends, joins, history, seen receipts);
 * - `fail`: rejected with `CONNECTION_CLOSED` (leave, end: the outcome is unknown);
 * - `drop`: forgotten silently (the SDK's own re-joins, which it issues again on the next welcome).
 */
export type DisconnectPolicy = "resend" | "fail" | "drop";

/** A request frame waiting to be written or answered. */
export interface OutboxEntry {
  /** The request id; the same across re-sends (the old socket is gone). */
  readonly rid: number;
  /** The frame, `rid` included. */
  readonly frame: ClientFrame;
  /** When set, the frame goes out only once this chat is joined on the current socket. */
  readonly chatId: string | null;
  /** What a disconnect does to it. */
  readonly onDisconnect: DisconnectPolicy;
  /** Whether it was written on the current socket. */
  sent: boolean;
}

/**
 * The ordered queue of requests not yet answered. Entries are written in the
 * order they were added; an entry waiting for its chat's (re-)join holds back
 * the later entries of that chat only, so per-chat order is kept. After a
 * reconnect, entries are re-sent unchanged: a `send` keeps its `clientId`, and
 * the server answers a repeated `clientId` with the original message.
 */
export class OutboxQueue {
  private _entries: OutboxEntry[] = [];

  /** Number of entries waiting. */
  get size(): number {
    return this._entries.length;
  }

  /** Appends an entry. */
  add(entry: OutboxEntry): void {
    this._entries.push(entry);
  }

  /** The entry with `rid`, if still queued. */
  get(rid: number): OutboxEntry | undefined {
    return this._entries.find((entry) => entry.rid === rid);
  }

  /** Removes the entry with `rid` (answered, timed out or rejected). */
  remove(rid: number): OutboxEntry | undefined {
    const index = this._entries.findIndex((entry) => entry.rid === rid);
    if (index < 0) return undefined;
    const [entry] = this._entries.splice(index, 1);
    return entry;
  }

  /** Removes and returns every entry matching `predicate`. */
  removeWhere(predicate: (entry: OutboxEntry) => boolean): OutboxEntry[] {
    const removed = this._entries.filter(predicate);
    this._entries = this._entries.filter((entry) => !predicate(entry));
    return removed;
  }

  /**
   * Writes the unsent entries that may go now, in order. Stops at the first
   * failed write (the socket is not open).
   */
  flush(mayGo: (entry: OutboxEntry) => boolean, write: (frame: ClientFrame) => boolean): void {
    for (const entry of [...this._entries]) {
      if (entry.sent || !mayGo(entry)) continue;
      if (!write(entry.frame)) return;
      entry.sent = true;
    }
  }

  /**
   * Applies each entry's {@link DisconnectPolicy} after the socket dropped:
   * `resend` entries become unsent; `fail` and `drop` entries are removed and returned.
   */
  disconnected(): OutboxEntry[] {
    const removed = this.removeWhere((entry) => entry.sent && entry.onDisconnect !== "resend");
    for (const entry of this._entries) entry.sent = false;
    return removed;
  }
}
