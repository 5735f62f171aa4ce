/**
 * The outbox pump: every request goes through here. It queues the frame,
 * writes what may go while connected (in order, a chat's frames only once the
 * chat is joined on the current socket, sends paced to the server's message
 * bucket), keeps sends the server could not take yet (`RATE_LIMITED`,
 * `STORE_UNAVAILABLE`) in their place, and settles each request with its reply.
 * @module
 */
import type { ClientFrame, Limits, ReplyFrame } from "@parley/protocol";
import { LiveChatError } from "./errors.js";
import { OutboxQueue, type DisconnectPolicy, type OutboxEntry } from "./outbox-queue.js";
import { SendPacer } from "./pacer.js";
import { RequestTracker } from "./requests.js";
import type { RequestFrame } from "./types.js";
import { checkFrameSize } from "./validate.js";

/** How long sends wait before going out again after a `STORE_UNAVAILABLE` reply. */
const STORE_RETRY_MS = 500;

/** How a request is queued: see {@link DisconnectPolicy}. */
export interface RequestOptions {
  /** The frame waits until this chat is (re-)joined on the current socket; null: not gated. */
  chatId: string | null;
  onDisconnect: DisconnectPolicy;
  /** Whether the request times out (`REQUEST_TIMEOUT`); sends do not. */
  timeout: boolean;
}

/** A client frame before the SDK gives it a `rid`. */
export type FrameWithoutRid = RequestFrame;

/** Queues a request and resolves with its result (passed through `transform`, run synchronously on the reply). */
export type RequestFn = <T>(frame: FrameWithoutRid, options: RequestOptions, transform?: (result: unknown) => T) => Promise<T>;

/** The session as the outbox sees it. */
export interface OutboxSession {
  /** Whether there is a session (logged in or logging in). */
  isOpen(): boolean;
  /** Whether the socket is welcomed: frames may be written. */
  isConnected(): boolean;
  /** Writes a frame now; false when it could not be written. */
  write(frame: ClientFrame): boolean;
  /** The limits the server announced. */
  limits(): Limits;
}

/** What an {@link OutboxPump} needs. */
export interface OutboxConfig {
  session: OutboxSession;
  /** Whether a chat is joined on the current socket (its gated frames may go). */
  isJoinedOnSocket(chatId: string): boolean;
  requestTimeoutMs: number;
  /** Clock of the send pacer. */
  now: () => number;
}

export class OutboxPump {
  private readonly _queue = new OutboxQueue();
  private readonly _requests = new RequestTracker((rid) => this._queue.remove(rid));
  private readonly _pacer: SendPacer;
  private _pacerTimer: ReturnType<typeof setTimeout> | undefined;
  /** Sends wait until then after the database was reported away (epoch ms). */
  private _sendsHeldUntil = 0;

  private readonly _config: OutboxConfig;

  constructor(config: OutboxConfig) {
    this._config = config;
    this._pacer = new SendPacer(config.now);
  }

  /** Queues a request; see {@link RequestFn}. Rejects at once with `NOT_LOGGED_IN` or `FRAME_TOO_LARGE`. */
  readonly request: RequestFn = <T>(frameWithoutRid: FrameWithoutRid, options: RequestOptions, transform?: (result: unknown) => T) => {
    if (!this._config.session.isOpen()) return Promise.reject(new LiveChatError("NOT_LOGGED_IN"));
    const { rid, promise } = this._requests.open<T>(options.timeout ? this._config.requestTimeoutMs : null, transform);
    const frame = { ...frameWithoutRid, rid } as ClientFrame;
    const tooLarge = checkFrameSize(JSON.stringify(frame), this._config.session.limits());
    if (tooLarge) {
      this._requests.reject(rid, tooLarge);
      return promise;
    }
    this._queue.add({ rid, frame, chatId: options.chatId, onDisconnect: options.onDisconnect, sent: false });
    this.flush();
    return promise;
  };

  /** Writes what may go now, in order. */
  flush(): void {
    const { session } = this._config;
    if (!session.isConnected()) return;
    let paced = false;
    this._queue.flush(
      (entry) => {
        if (entry.chatId !== null && !this._config.isJoinedOnSocket(entry.chatId)) return false;
        if (entry.frame.t !== "send") return true;
        // Once one send waits for a token, every later send waits too: order is kept.
        if (paced || Date.now() < this._sendsHeldUntil || !this._pacer.take()) paced = true;
        return !paced;
      },
      (frame) => session.write(frame),
    );
    if (paced && this._pacerTimer === undefined) {
      this._pacerTimer = setTimeout(() => {
        this._pacerTimer = undefined;
        this.flush();
      }, Math.max(1, this._pacer.waitMs(), this._sendsHeldUntil - Date.now()));
    }
  }

  /** A socket was welcomed: the server's bucket starts full again. */
  welcomed(limits: Limits): void {
    this._pacer.reset(limits.messagesPerSecond, limits.messagesBurst);
  }

  /** Settles the request a reply answers, or keeps a send the server could not take yet. */
  receiveReply(frame: ReplyFrame): void {
    const entry = this._queue.get(frame.rid);
    if (entry && entry.frame.t === "send" && !frame.ok && frame.error?.code === "RATE_LIMITED") {
      // Not stored: keep it in its place and write it again once the server's bucket refilled.
      const retryAfterMs = Number(frame.error.details?.retryAfterMs);
      entry.sent = false;
      this._pacer.hold(Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 1_000);
      this.flush();
      return;
    }
    if (entry && entry.frame.t === "send" && !frame.ok && frame.error?.code === "STORE_UNAVAILABLE") {
      // The database was away for a moment and nothing was changed: keep the send in its place
      // and write it again, same clientId, a little later (a commit the reply missed is answered
      // with the original message, never stored twice).
      entry.sent = false;
      this._sendsHeldUntil = Date.now() + STORE_RETRY_MS;
      this.flush();
      return;
    }
    this._queue.remove(frame.rid);
    this._requests.settle(frame);
  }

  /** Rejects the queued requests of a chat (those matching `which`, all by default). */
  failQueued(chatId: string, error: LiveChatError, which: (entry: OutboxEntry) => boolean = () => true): void {
    const removed = this._queue.removeWhere((entry) => entry.chatId === chatId && which(entry));
    for (const entry of removed) this._requests.reject(entry.rid, new LiveChatError(error.code, error.message, error.details));
  }

  /** The socket dropped: each request in flight is kept, failed or dropped by its {@link DisconnectPolicy}. */
  dropped(): void {
    for (const entry of this._queue.disconnected()) {
      this._requests.reject(entry.rid, new LiveChatError("CONNECTION_CLOSED"));
    }
  }

  /** The session ended: every request rejects with `error`. */
  clear(error: LiveChatError): void {
    if (this._pacerTimer !== undefined) clearTimeout(this._pacerTimer);
    this._pacerTimer = undefined;
    this._queue.removeWhere(() => true);
    this._requests.rejectAll(error);
  }
}
