/**
 * A waiting customer's place in their queue. The server sends it to the
 * customer's sockets in the chat while no agent is in it, whenever it
 * changes; the SDK emits it as the contact's `queuePosition` event.
 * See `docs/routing.md`.
 * @module
 */

/** Where a waiting chat stands in its queue. */
export interface QueuePosition {
  /** The queue's name. */
  queue: string;
  /** 1 for the next chat to be taken; 0 once an agent has joined. */
  position: number;
  /** The estimated wait in seconds, or null while the queue has too little history to say. */
  etaSeconds: number | null;
}

/** The server tells a waiting customer where their chat stands. */
export type QueuePositionFrame = { t: "queuePosition"; chatId: string } & QueuePosition;
