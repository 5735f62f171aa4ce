/**
 * The agents' chat feed (`LIVECHAT.watchChats`): every open chat of the
 * server, kept up to date from the session's one socket. The feed is not
 * replayed by the server, so after every reconnect it asks again and starts
 * from a fresh snapshot.
 * @module
 */
import type { ChatFeedFrame, ChatListItem, WatchChatsResult } from "@parley/protocol";
import { Emitter } from "./emitter.js";
import { LiveChatError } from "./errors.js";
import type { RequestFn } from "./outbox.js";
import type { ChatFeedEvent, ChatFeedListener, ErrorContext } from "./types.js";

/** What a feed needs from its session. */
export interface ChatFeedHost {
  request: RequestFn;
  /** Whether the session's socket is welcomed now. */
  isConnected(): boolean;
  /** A re-subscription after a reconnect failed: the `error` event. */
  reportError(context: ErrorContext): void;
  /** The feed stopped: the session forgets it. */
  stopped(feed: ChatFeed): void;
}

/**
 * A live view of the open chats (`waiting` and `active`), as
 * `LIVECHAT.watchChats` gives it. `chats` is kept up to date; the listener
 * given to `watchChats` hears of each change.
 */
export class ChatFeed {
  private readonly _host: ChatFeedHost;
  private readonly _chats = new Map<string, ChatListItem>();
  private readonly _events = new Emitter<{ change: ChatFeedEvent }>();
  /** Whether the snapshot of the current socket arrived. */
  private _hasSnapshot = false;
  /** Whether a `watchChats` request is queued or in flight. */
  private _isAsking = false;
  private _isStopped = false;
  private _ready: { resolve(feed: ChatFeed): void; reject(error: LiveChatError): void } | null = null;
  /** Resolves with the feed once its first snapshot arrived. @internal */
  readonly ready: Promise<ChatFeed>;

  /** @internal Created by `LIVECHAT.watchChats`. */
  constructor(host: ChatFeedHost, listener: ChatFeedListener) {
    this._host = host;
    this._events.on("change", listener);
    this.ready = new Promise((resolve, reject) => (this._ready = { resolve, reject }));
  }

  /** The open chats by id: the latest snapshot with every change since applied. */
  get chats(): ReadonlyMap<string, ChatListItem> {
    return this._chats;
  }

  /**
   * Whether the feed is live: connected, with the snapshot of this connection.
   * While it is not (reconnecting), `chats` is the last known view.
   */
  get isLive(): boolean {
    return this._hasSnapshot && !this._isStopped && this._host.isConnected();
  }

  /** Stops following the chats: no more changes, nothing asked after a reconnect. */
  stop(): void {
    if (this._isStopped) return;
    this._isStopped = true;
    this._hasSnapshot = false;
    this._events.off("change");
    this._ready?.resolve(this);
    this._ready = null;
    this._host.stopped(this);
  }

  /** @internal Asks the server for a snapshot and the changes after it (at once, and after each welcome). */
  subscribe(): void {
    if (this._isStopped || this._isAsking) return;
    this._isAsking = true;
    // "drop": a request lost with its socket is asked again on the next welcome.
    this._host
      .request<void>({ t: "watchChats" }, { chatId: null, onDisconnect: "drop", timeout: false }, (result) => {
        this._isAsking = false;
        if (!this._isStopped) this._snapshot((result as WatchChatsResult).chats);
      })
      .catch((error: unknown) => {
        this._isAsking = false;
        if (this._isStopped || !(error instanceof LiveChatError) || error.code === "CONNECTION_CLOSED") return;
        if (this._ready) {
          // The first answer is a refusal (e.g. FORBIDDEN for a customer): `watchChats` rejects with it.
          this._ready.reject(error);
          this._ready = null;
          this._isStopped = true;
          this._host.stopped(this);
          return;
        }
        const context: ErrorContext = { code: error.code, message: error.message, source: "request", request: { t: "watchChats" } };
        if (error.details !== undefined) context.details = error.details;
        this._host.reportError(context);
      });
  }

  /** @internal A `chatFeed` frame arrived. */
  receive(frame: ChatFeedFrame): void {
    if (this._isStopped || !this._hasSnapshot) return;
    if (frame.change === "message") {
      const chat = this._chats.get(frame.chatId);
      if (chat === undefined || chat.firstMessage !== null) return;
      const updated = { ...chat, firstMessage: frame.message };
      this._chats.set(chat.id, updated);
      this._events.emit("change", { change: "message", chat: updated });
      return;
    }
    const known = this._chats.get(frame.chat.id);
    // Of two views of one chat, the one with the higher lastSeq is the newer.
    if (known !== undefined && known.lastSeq > frame.chat.lastSeq) return;
    const item: ChatListItem = { ...frame.chat, firstMessage: known?.firstMessage ?? null, callData: known?.callData ?? {} };
    if (frame.change === "ended") {
      this._chats.delete(item.id);
      this._events.emit("change", { change: "ended", chat: item });
      return;
    }
    this._chats.set(item.id, item);
    this._events.emit("change", { change: frame.change === "started" && known === undefined ? "started" : "updated", chat: item });
  }

  /** @internal The socket dropped: the feed waits for the next snapshot. */
  socketDropped(): void {
    this._hasSnapshot = false;
  }

  /** @internal The session ended. */
  detach(error: LiveChatError): void {
    this._isStopped = true;
    this._hasSnapshot = false;
    this._ready?.reject(new LiveChatError(error.code, error.message, error.details));
    this._ready = null;
  }

  private _snapshot(chats: ChatListItem[]): void {
    this._chats.clear();
    for (const chat of chats) this._chats.set(chat.id, chat);
    this._hasSnapshot = true;
    this._ready?.resolve(this);
    this._ready = null;
    this._events.emit("change", { change: "snapshot", chats: [...chats] });
  }
}
