/**
 * One WebSocket's outbound side, with per-socket backpressure. `ws` queues
 * what the kernel will not take yet; `bufferedAmount` is that queue. Above
 * the low watermark volatile frames (typing) are dropped; above the high
 * watermark the socket is closed with 4429 and the client resumes from its
 * last seq, so stored events are never silently lost.
 *
 * Write batching: the frames written to a socket during one turn of the event
 * loop (a group commit's events, the replies to a burst of frames) leave in
 * one system call. The TCP socket is corked at the first write of the turn and
 * uncorked when the turn ends.
 * @module
 */
import type { Duplex } from "node:stream";
import { CLOSE_CODES } from "@parley/protocol";
import WebSocket from "ws";

export interface Watermarks {
  /** Bytes queued above which typing frames are dropped. */
  lowBytes: number;
  /** Bytes queued above which the socket is closed (4429). */
  highBytes: number;
}

export const DEFAULT_WATERMARKS: Watermarks = { lowBytes: 1024 * 1024, highBytes: 8 * 1024 * 1024 };

/** Sockets corked during this turn of the event loop. */
const corked = new Set<Duplex>();
let isUncorkScheduled = false;

function uncorkAll(): void {
  isUncorkScheduled = false;
  const sockets = [...corked];
  corked.clear();
  for (const socket of sockets) socket.uncork();
}

/** Holds the socket's writes until the end of this turn (`setImmediate` runs after the turn's I/O callbacks). */
function batchWrites(socket: Duplex): void {
  if (corked.has(socket) || socket.destroyed) return;
  socket.cork();
  corked.add(socket);
  if (!isUncorkScheduled) {
    isUncorkScheduled = true;
    setImmediate(uncorkAll);
  }
}

export class Connection {
  /** Whether a pong arrived since the last heartbeat ping. */
  isAlive = true;

  /**
   * @param socket - The TCP socket under `ws`, for write batching; without it
   *   each frame is written on its own.
   * @param address - The client's address, counted against `socketsPerAddress` until the socket closes.
   */
  constructor(
    readonly ws: WebSocket,
    private readonly watermarks: Watermarks,
    private readonly socket?: Duplex,
    readonly address = "",
  ) {}

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  write(frame: string, volatile: boolean): void {
    if (!this.isOpen) return;
    const queued = this.ws.bufferedAmount;
    if (queued > this.watermarks.highBytes) {
      this.close(CLOSE_CODES.SLOW_CONSUMER, "SLOW_CONSUMER");
      return;
    }
    if (volatile && queued > this.watermarks.lowBytes) return;
    if (this.socket !== undefined) batchWrites(this.socket);
    this.ws.send(frame);
  }

  /** Whether more than the low watermark is queued: a bulk writer should wait for {@link writeFlushed}. */
  get isBacklogged(): boolean {
    return this.ws.bufferedAmount > this.watermarks.lowBytes;
  }

  /**
   * Writes a stored-event frame and resolves once it (and so everything queued
   * before it) has been handed to the kernel, or the socket closed. A replay
   * awaits this when backlogged, so a long resume goes at the client's pace
   * instead of tripping the high watermark.
   */
  writeFlushed(frame: string): Promise<void> {
    if (!this.isOpen) return Promise.resolve();
    if (this.socket !== undefined) batchWrites(this.socket);
    return new Promise((resolve) => this.ws.send(frame, () => resolve()));
  }

  /**
   * Serialises and writes a frame; returns its length in characters, for the
   * answer budget. A closed socket gets nothing, and nothing is serialised for it.
   */
  writeFrame(frame: object): number {
    if (!this.isOpen) return 0;
    const text = JSON.stringify(frame);
    this.write(text, false);
    return text.length;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.CLOSED || this.ws.readyState === WebSocket.CLOSING) return;
    this.ws.close(code, reason);
  }
}
