/**
 * The queue's live source: a socket of its own that asks `watchChats` and
 * applies each `chatFeed` change to a map of open chats. After any drop it
 * reconnects with jittered backoff and takes a fresh snapshot, since the feed
 * is not replayed.
 */
import { CLOSE_CODES, PROTOCOL_VERSION, SOCKET_PATH, type ChatFeedFrame, type ChatListItem, type WatchChatsResult } from "@parley/protocol";

export interface FeedCallbacks {
  /** The open chats changed. */
  changed(): void;
  /** A chat started after the snapshot (to announce it). */
  started(chat: ChatListItem): void;
  /** The server refused the token: the login is over. */
  authFailed(): void;
}

export class QueueFeed {
  /** Open chats (waiting and active) by id. */
  readonly chats = new Map<string, ChatListItem>();
  isConnected = false;
  private socket: WebSocket | undefined;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private isStopped = false;

  constructor(
    private readonly token: string,
    private readonly callbacks: FeedCallbacks,
  ) {}

  start(): void {
    this.isStopped = false;
    this.connect();
  }

  stop(): void {
    this.isStopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000);
    this.socket = undefined;
  }

  private connect(): void {
    const url = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${SOCKET_PATH}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ t: "hello", token: this.token, v: PROTOCOL_VERSION }));
    socket.onmessage = (event) => this.receive(socket, String(event.data));
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      this.isConnected = false;
      this.callbacks.changed();
      if (event.code === CLOSE_CODES.AUTH_FAILED || event.code === CLOSE_CODES.TOKEN_EXPIRED) {
        this.callbacks.authFailed();
        return;
      }
      if (this.isStopped) return;
      // Full jitter, 0.5 s doubling to 10 s.
      const delay = Math.random() * Math.min(10_000, 500 * 2 ** this.attempts);
      this.attempts += 1;
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  private receive(socket: WebSocket, raw: string): void {
    let frame: { t?: string; rid?: number; ok?: boolean; result?: unknown };
    try {
      frame = JSON.parse(raw) as typeof frame;
    } catch {
      return;
    }
    if (frame.t === "welcome") {
      socket.send(JSON.stringify({ t: "watchChats", rid: 1 }));
    } else if (frame.t === "reply" && frame.rid === 1 && frame.ok === true) {
      this.attempts = 0;
      this.isConnected = true;
      this.chats.clear();
      for (const chat of (frame.result as WatchChatsResult).chats) this.chats.set(chat.id, chat);
      this.callbacks.changed();
    } else if (frame.t === "chatFeed") {
      this.apply(frame as ChatFeedFrame);
    }
  }

  private apply(frame: ChatFeedFrame): void {
    if (frame.change === "message") {
      const chat = this.chats.get(frame.chatId);
      if (chat !== undefined && chat.firstMessage === null) {
        this.chats.set(chat.id, { ...chat, firstMessage: frame.message });
        this.callbacks.changed();
      }
      return;
    }
    const known = this.chats.get(frame.chat.id);
    // Of two views of one chat, the one with the higher lastSeq is the newer.
    if (known !== undefined && known.lastSeq > frame.chat.lastSeq) return;
    if (frame.change === "ended") {
      this.chats.delete(frame.chat.id);
    } else {
      const item: ChatListItem = { ...frame.chat, firstMessage: known?.firstMessage ?? null };
      this.chats.set(item.id, item);
      if (frame.change === "started" && known === undefined) this.callbacks.started(item);
    }
    this.callbacks.changed();
  }
}
