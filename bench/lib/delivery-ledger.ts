/**
 * Counts what each recipient got of each sender's messages in each chat: lost,
 * duplicated and out-of-order messages. A sender numbers its messages in a chat
 * 1, 2, 3…; a recipient must see exactly the acknowledged ones, each once, in
 * that order.
 * @module
 */

/** What went wrong, summed over every stream (sender → recipient in one chat). */
export interface DeliveryErrors {
  /** Acknowledged to the sender, never received. */
  lost: number;
  /** Received more than once. */
  duplicated: number;
  /** Received after a later message of the same sender. */
  outOfOrder: number;
}

interface Stream {
  /** Messages the server acknowledged to the sender. */
  acknowledged: number;
  /** Highest number received so far. */
  highest: number;
  received: Set<number>;
}

export class DeliveryLedger {
  private readonly streams = new Map<string, Stream>();
  private duplicated = 0;
  private outOfOrder = 0;

  private stream(key: string): Stream {
    let stream = this.streams.get(key);
    if (stream === undefined) {
      stream = { acknowledged: 0, highest: 0, received: new Set() };
      this.streams.set(key, stream);
    }
    return stream;
  }

  /** The sender's `n`-th message on `key` was acknowledged (committed). */
  acknowledged(key: string, n: number): void {
    const stream = this.stream(key);
    stream.acknowledged = Math.max(stream.acknowledged, n);
  }

  /** The recipient of `key` got the sender's `n`-th message. */
  received(key: string, n: number): void {
    const stream = this.stream(key);
    if (stream.received.has(n)) {
      this.duplicated++;
      return;
    }
    if (n < stream.highest) this.outOfOrder++;
    stream.received.add(n);
    stream.highest = Math.max(stream.highest, n);
  }

  /** Whether every acknowledged message has reached its recipient. */
  isSettled(): boolean {
    for (const stream of this.streams.values()) if (stream.received.size < stream.acknowledged) return false;
    return true;
  }

  /**
   * The errors so far. Lost counts acknowledged numbers that never arrived, so
   * call it once the traffic has drained ({@link isSettled} or a timeout).
   */
  errors(): DeliveryErrors {
    let lost = 0;
    for (const stream of this.streams.values()) {
      for (let n = 1; n <= stream.acknowledged; n++) if (!stream.received.has(n)) lost++;
    }
    return { lost, duplicated: this.duplicated, outOfOrder: this.outOfOrder };
  }
}
