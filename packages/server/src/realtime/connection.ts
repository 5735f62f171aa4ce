/**
 * One WebSocket's outbound side, with per-socket backpressure. `ws` queues
 * what the kernel will not take yet; `bufferedAmount` is that queue. Above
 * the low watermark volatile frames (typing) are dropped; above the high
 * watermark the socket is closed with 4429 and the client resumes from its
 * last seq, so stored events are never silently lost.
 * @module
 */
import { CLOSE_CODES } from "@parley/protocol";
import WebSocket from "ws";

export interface Watermarks {
  /** Bytes queued above which typing frames are dropped. */
  lowBytes: number;
  /** Bytes queued above which the socket is closed (4429). */
  highBytes: number;
}

export const DEFAULT_WATERMARKS: Watermarks = { lowBytes: 1024 * 1024, highBytes: 8 * 1024 * 1024 };

export class Connection {
  constructor(
    readonly ws: WebSocket,
    private readonly watermarks: Watermarks,
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
    return new Promise((resolve) => this.ws.send(frame, () => resolve()));
  }

  writeFrame(frame: object): void {
    this.write(JSON.stringify(frame), false);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.CLOSED || this.ws.readyState === WebSocket.CLOSING) return;
    this.ws.close(code, reason);
  }
}
