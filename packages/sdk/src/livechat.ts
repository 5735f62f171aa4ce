import { DEFAULT_LIMITS } from "@parley/protocol";
import type {
  ClientFrame,
  ErrorCode,
  HistoryEntry,
  HistoryResult,
  JoinResult,
  Limits,
  ServerFrame,
  SessionIdentity,
  StartContactResponse,
  WelcomeFrame,
  WireError,
} from "@parley/protocol";
import { backoff } from "./backoff.js";
import { Connection } from "./connection.js";
import { Contact, type ContactHost, type FrameWithoutRid, type RequestOptions } from "./contact.js";
import { Emitter, type Listener } from "./emitter.js";
import { LiveChatError } from "./errors.js";
import { postJson } from "./http.js";
import { Outbox, type OutboxEntry } from "./outbox.js";
import { SendPacer } from "./pacer.js";
import { RequestTracker } from "./requests.js";
import type {
  ChatHistory,
  ConnectionState,
  DisconnectReason,
  LiveChatEventMap,
  LoginResult,
  LogoutCallback,
  StartContactInfo,
  WebSocketConstructor,
} from "./types.js";
import { checkFrameSize, checkNicknameCharacters, startUri } from "./validate.js";

/** A history page refused for the server's answer budget is asked again this many times at most. */
const MAX_HISTORY_ATTEMPTS = 30;

/** Maximum lengths of the page details in `POST /v1/contacts` (the protocol's `StartContactBody`). */
const PAGE_FIELD_LIMITS = { uri: 2048, title: 512, userAgent: 512 } as const;
/** How long sends wait before going out again after a `STORE_UNAVAILABLE` reply. */
const STORE_RETRY_MS = 500;

/** What the SDK instance gives its `LIVECHAT`. Internal. */
export interface Runtime {
  /** Base URLs from `init`, or undefined before it. */
  serverUrls(): string[] | undefined;
  WebSocket(): WebSocketConstructor | undefined;
  fetch(): typeof fetch | undefined;
  /** `XMLHttpRequest` for uploads with progress, when there is one. */
  XMLHttpRequest(): (new () => XMLHttpRequest) | undefined;
  requestTimeoutMs: number;
  minReconnectDelayMs: number;
  maxReconnectDelayMs: number;
  stableConnectionMs: number;
  heartbeatMs: number | undefined;
  random: () => number;
  now: () => number;
}

interface PendingLogin {
  resolve(result: LoginResult): void;
  reject(error: LiveChatError): void;
  timer: ReturnType<typeof setTimeout>;
}

/** The error a terminal close gives a pending login. */
function loginError(code: number | undefined, wire: WireError | undefined): LiveChatError {
  const expected: Partial<Record<number, ErrorCode>> = {
    4401: "AUTH_INVALID_TOKEN",
    4402: "AUTH_TOKEN_EXPIRED",
    4400: "HELLO_REQUIRED",
  };
  const byCode = code === undefined ? undefined : expected[code];
  if (wire && (byCode === undefined || wire.code === byCode || wire.code === "AUTH_REQUIRED")) return LiveChatError.from(wire);
  return new LiveChatError(byCode ?? "CONNECTION_CLOSED", undefined, code === undefined ? undefined : { closeCode: code });
}

/**
 * The realtime API, `LIVECHATSDK.LIVECHAT`: one WebSocket session shared by
 * every chat it joined, with login, contacts, history and connection state.
 */
export class LiveChat {
  private readonly _runtime: Runtime;
  private readonly _events = new Emitter<LiveChatEventMap>();
  private readonly _outbox = new Outbox();
  private readonly _requests = new RequestTracker((rid) => this._outbox.remove(rid));
  private readonly _contacts = new Map<string, Contact>();
  private readonly _joining = new Map<string, Promise<Contact>>();
  private readonly _host: ContactHost;
  private _connection: Connection | null = null;
  private _state: ConnectionState = "disconnected";
  private _identity: SessionIdentity | null = null;
  private _limits: Limits = DEFAULT_LIMITS;
  private _callback: LogoutCallback | undefined;
  private _login: PendingLogin | null = null;
  private _removeOnlineListener: (() => void) | undefined;
  private readonly _pacer: SendPacer;
  private _pacerTimer: ReturnType<typeof setTimeout> | undefined;
  /** Sends wait until then after the database was reported away (epoch ms). */
  private _sendsHeldUntil = 0;
  /** The login token: media uploads authenticate with it. */
  private _token = "";
  /** Uploads waiting for the session to be connected. */
  private readonly _connectedWaiters: { resolve(): void; reject(error: LiveChatError): void }[] = [];

  /** @internal Created by `createLiveChatSdk`. */
  constructor(runtime: Runtime) {
    this._runtime = runtime;
    this._pacer = new SendPacer(runtime.now);
    const session = { identity: () => this._identity, limits: () => this._limits, token: () => this._token };
    this._host = {
      get userId() {
        return session.identity()?.userId ?? "";
      },
      get limits() {
        return session.limits();
      },
      get token() {
        return session.token();
      },
      http: {
        get fetch() {
          return runtime.fetch();
        },
        get XMLHttpRequest() {
          return runtime.XMLHttpRequest();
        },
      },
      serverUrls: () => this._serverUrlsByPreference(),
      whenConnected: () => this._whenConnected(),
      retryDelay: (attempt) => backoff(attempt, runtime.minReconnectDelayMs, runtime.maxReconnectDelayMs, runtime.random),
      isJoined: (chatId) => this._contacts.has(chatId),
      now: () => runtime.now(),
      request: (frame, options, transform) => this._request(frame, options, transform),
      writeVolatile: (frame) => this._connection?.write(frame) ?? false,
      resume: (contact) => this._resume(contact),
      // Sends already written get the server's own answer (one committed just before the end resolves).
      ended: (contact) =>
        this._failQueued(contact.contact.id, new LiveChatError("CONTACT_ENDED"), (entry) => entry.frame.t === "send" && !entry.sent),
    };
  }

  /** The connection state: `disconnected`, `connecting`, `connected` or `closed`. */
  get state(): ConnectionState {
    return this._state;
  }

  /** Registers a callback for a session event (`state`). */
  on<K extends keyof LiveChatEventMap>(name: K, callback: Listener<LiveChatEventMap, K>): this {
    this._events.on(name, callback);
    return this;
  }

  /** Removes a callback (or all callbacks of `name`). */
  off<K extends keyof LiveChatEventMap>(name: K, callback?: Listener<LiveChatEventMap, K>): this {
    this._events.off(name, callback);
    return this;
  }

  /**
   * Opens the session with a token (agent or customer JWT). Resolves once the
   * server welcomed it; rejects with `NOT_INITIALIZED`, `AUTH_REQUIRED`,
   * `AUTH_INVALID_TOKEN`, `AUTH_TOKEN_EXPIRED` or `REQUEST_TIMEOUT`.
   * Logging in again replaces the previous session.
   *
   * @param token - The JWT.
   * @param _enableVideo - Accepted and ignored (video is out of scope).
   * @param _enableBlur - Accepted and ignored.
   * @param callbackFN - Called once when the session ends: `"explicitLogout"` after `logout()`,
   *   `"keepaliveExpired"` when the server ends it for good (token expired or rejected).
   */
  login(token: string, _enableVideo?: boolean, _enableBlur?: boolean, callbackFN?: LogoutCallback): Promise<LoginResult> {
    const urls = this._runtime.serverUrls();
    if (!urls || urls.length === 0) return Promise.reject(new LiveChatError("NOT_INITIALIZED"));
    const WebSocketImpl = this._runtime.WebSocket();
    if (!WebSocketImpl) {
      return Promise.reject(
        new LiveChatError("NOT_INITIALIZED", "No WebSocket implementation: pass { WebSocket } to createLiveChatSdk."),
      );
    }
    if (typeof token !== "string" || token.length === 0) return Promise.reject(new LiveChatError("AUTH_REQUIRED"));
    if (this._connection) this._teardown(new LiveChatError("LOGGED_OUT"), "explicitLogout");
    this._callback = typeof callbackFN === "function" ? callbackFN : undefined;
    this._token = token;

    const connection: Connection = new Connection(
      {
        urls,
        token,
        WebSocket: WebSocketImpl,
        minReconnectDelayMs: this._runtime.minReconnectDelayMs,
        maxReconnectDelayMs: this._runtime.maxReconnectDelayMs,
        stableConnectionMs: this._runtime.stableConnectionMs,
        heartbeatMs: this._runtime.heartbeatMs,
        random: this._runtime.random,
      },
      {
        onWelcome: (frame) => connection === this._connection && this._welcomed(frame),
        onFrame: (frame) => connection === this._connection && this._receive(frame),
        onDropped: () => connection === this._connection && this._dropped(),
        onClosed: (reason, code, error) => connection === this._connection && this._closedByServer(reason, code, error),
        onState: (context) => {
          this._state = context.state;
          this._events.emit("state", context);
        },
      },
    );
    this._connection = connection;
    const promise = new Promise<LoginResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this._teardown(new LiveChatError("REQUEST_TIMEOUT"), "loginTimeout");
      }, this._runtime.requestTimeoutMs);
      this._login = { resolve, reject, timer };
    });
    this._listenOnline();
    connection.start();
    return promise;
  }

  /** Ends the session: closes the socket (1000), rejects pending requests with `LOGGED_OUT`, calls the login callback with `"explicitLogout"`. */
  logout(): Promise<void> {
    if (!this._connection) return Promise.resolve();
    const callback = this._callback;
    this._teardown(new LiveChatError("LOGGED_OUT"), "explicitLogout");
    callback?.("explicitLogout");
    return Promise.resolve();
  }

  /**
   * Starts a chat as a customer: `POST /v1/contacts`, then `login` with the
   * customer token it returns, then `joinContact`. In browsers `uri`, `title`
   * and `userAgent` default to the current page's. Rejects with the server's
   * code (e.g. `NICKNAME_INVALID`, `RATE_LIMITED`) or a login/join error.
   */
  async startContact(info: StartContactInfo, callbackFN?: LogoutCallback): Promise<Contact> {
    const urls = this._runtime.serverUrls();
    if (!urls || urls.length === 0) throw new LiveChatError("NOT_INITIALIZED");
    const fetchImpl = this._runtime.fetch();
    if (!fetchImpl) throw new LiveChatError("NOT_INITIALIZED", "No fetch implementation: pass { fetch } to createLiveChatSdk.");
    const badNickname = checkNicknameCharacters(info?.nickname, this._limits);
    if (badNickname) throw badNickname;
    const body: StartContactInfo = { nickname: info.nickname };
    const page = typeof document === "undefined" ? undefined : globalThis;
    const email = info.email;
    // Page details filled in by the SDK are cut to the server's field limits: a long tracking URL
    // must not stop a customer from starting a chat, nor a page that is not http(s) (file:, about:).
    // Other values given explicitly are sent as given.
    const uri = startUri(info.uri, page?.location?.href, { ...this._limits, maxUrlLength: Math.min(this._limits.maxUrlLength, PAGE_FIELD_LIMITS.uri) });
    const title = info.title ?? page?.document?.title?.slice(0, PAGE_FIELD_LIMITS.title);
    const userAgent = info.userAgent ?? page?.navigator?.userAgent?.slice(0, PAGE_FIELD_LIMITS.userAgent);
    if (email !== undefined) body.email = email;
    if (uri !== undefined) body.uri = uri;
    if (title !== undefined) body.title = title;
    if (userAgent !== undefined) body.userAgent = userAgent;
    const started = await postJson<StartContactResponse>(fetchImpl, urls, "/v1/contacts", body);
    await this.login(started.token, false, false, callbackFN);
    return this.joinContact(started.contact.id, info.nickname);
  }

  /**
   * Joins a chat by its id. Resolves with the contact instance (the same one
   * when the chat was joined already). Without a nickname the server uses the
   * token's. Rejects with `NOT_LOGGED_IN`, `CONTACT_NOT_FOUND`, `CONTACT_ENDED`,
   * `FORBIDDEN`, `PARTICIPANTS_LIMIT`, `NICKNAME_INVALID`, `REQUEST_TIMEOUT`, …
   */
  joinContact(chatId: string, nickname?: string): Promise<Contact> {
    const notReady = this._notReady();
    if (notReady) return Promise.reject(notReady);
    const existing = this._contacts.get(chatId);
    if (existing) return Promise.resolve(existing);
    const joining = this._joining.get(chatId);
    if (joining) return joining;
    const frame: FrameWithoutRid = { t: "join", chatId };
    if (typeof nickname === "string") {
      const badNickname = checkNicknameCharacters(nickname, this._limits);
      if (badNickname) return Promise.reject(badNickname);
      frame.nickname = nickname;
    }
    // The contact is created synchronously with the reply, so the live events right behind it find it.
    const promise = this._request<Contact>(frame, { chatId: null, onDisconnect: "resend", timeout: true }, (result) => {
      this._joining.delete(chatId);
      const contact = new Contact(this._host, result as JoinResult, nickname);
      this._contacts.set(chatId, contact);
      queueMicrotask(() => this._flush());
      return contact;
    }).catch((error: unknown) => {
      if (this._joining.get(chatId) === promise) this._joining.delete(chatId);
      throw error;
    });
    this._joining.set(chatId, promise);
    return promise;
  }

  /**
   * Every message of a joined chat, oldest first, fetched page by page
   * (`{ messages: [{ data: { id, messageType, content, ts, seq, replyTo, deliverySuccess, deliveryErrorReason } }] }`).
   * With `all === false` only the newest page. Rejects with `NOT_JOINED` for a chat not joined in this session.
   */
  async getChatHistory(chatId: string | Contact, all: boolean = true): Promise<ChatHistory> {
    const id = typeof chatId === "string" ? chatId : chatId?.contact?.id;
    const contact = this._joinedContact(id);
    if (contact instanceof LiveChatError) throw contact;
    const pages: HistoryEntry[][] = [];
    let beforeSeq: number | undefined;
    for (;;) {
      const frame: FrameWithoutRid = { t: "history", chatId: contact.contact.id, limit: this._limits.maxHistoryPage };
      if (beforeSeq !== undefined) frame.beforeSeq = beforeSeq;
      const page = await this._historyPage(frame, contact.contact.id);
      pages.unshift(page.messages);
      const oldest = page.messages[0];
      if (!all || !page.hasMore || !oldest) break;
      beforeSeq = oldest.data.seq;
    }
    return { messages: pages.flat() };
  }

  /**
   * One page of history. The server counts the bytes it answers per connection:
   * a long chat's pages may be refused with `RATE_LIMITED` for a while, and are
   * asked again after `retryAfterMs` rather than failing the whole history.
   */
  private async _historyPage(frame: FrameWithoutRid, chatId: string): Promise<HistoryResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this._request<HistoryResult>(frame, { chatId, onDisconnect: "resend", timeout: true });
      } catch (error) {
        if (!(error instanceof LiveChatError) || error.code !== "RATE_LIMITED" || attempt >= MAX_HISTORY_ATTEMPTS) throw error;
        const retryAfterMs = Number(error.details?.retryAfterMs);
        await new Promise((resolve) => setTimeout(resolve, Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 1_000));
      }
    }
  }

  /**
   * Ends a chat for every participant (a contact instance or a chat id).
   * Resolves once ended (at once if it already had). Rejects with `NOT_JOINED`,
   * `FORBIDDEN`, `CONNECTION_CLOSED` (the socket dropped before the answer; retry), …
   */
  async endContact(contact: Contact | string): Promise<void> {
    const id = typeof contact === "string" ? contact : contact?.contact?.id;
    const joined = this._joinedContact(id);
    if (joined instanceof LiveChatError) throw joined;
    if (joined.hasEnded) return;
    try {
      await this._request<unknown>(
        { t: "end", chatId: joined.contact.id },
        { chatId: joined.contact.id, onDisconnect: "fail", timeout: true },
      );
    } catch (error) {
      if (!(error instanceof LiveChatError && error.code === "CONTACT_ENDED")) throw error;
    }
  }

  /**
   * Leaves a chat; it stays open for the others. The contact instance then stops
   * receiving events and its queued sends reject with `NOT_JOINED`.
   */
  async leave(chatId: string | Contact): Promise<void> {
    const id = typeof chatId === "string" ? chatId : chatId?.contact?.id;
    const joined = this._joinedContact(id);
    if (joined instanceof LiveChatError) throw joined;
    try {
      await this._request<unknown>(
        { t: "leave", chatId: joined.contact.id },
        { chatId: joined.contact.id, onDisconnect: "fail", timeout: true },
      );
    } catch (error) {
      if (!(error instanceof LiveChatError && error.code === "CONTACT_ENDED")) throw error;
    }
    if (this._contacts.get(joined.contact.id) === joined) this._contacts.delete(joined.contact.id);
    const notJoined = new LiveChatError("NOT_JOINED");
    joined.detach(notJoined);
    this._failQueued(joined.contact.id, notJoined);
  }

  // ---------------------------------------------------------------------------

  private _notReady(): LiveChatError | null {
    if (!this._runtime.serverUrls()) return new LiveChatError("NOT_INITIALIZED");
    if (!this._connection) return new LiveChatError("NOT_LOGGED_IN");
    return null;
  }

  /** Resolves once the session is connected; rejects if it ends first. */
  private _whenConnected(): Promise<void> {
    if (!this._connection) return Promise.reject(new LiveChatError("NOT_LOGGED_IN"));
    if (this._state === "connected") return Promise.resolve();
    return new Promise((resolve, reject) => this._connectedWaiters.push({ resolve, reject }));
  }

  /** The server URLs, the one the current socket goes to first (media HTTP calls go there). */
  private _serverUrlsByPreference(): string[] {
    const urls = this._runtime.serverUrls() ?? [];
    const current = this._connection?.serverUrl;
    return current === undefined || !urls.includes(current) ? urls : [current, ...urls.filter((url) => url !== current)];
  }

  private _joinedContact(chatId: string | undefined): Contact | LiveChatError {
    const notReady = this._notReady();
    if (notReady) return notReady;
    const contact = chatId === undefined ? undefined : this._contacts.get(chatId);
    return contact ?? new LiveChatError("NOT_JOINED", undefined, { chatId });
  }

  private _request<T>(frameWithoutRid: FrameWithoutRid, options: RequestOptions, transform?: (result: unknown) => T): Promise<T> {
    if (!this._connection) return Promise.reject(new LiveChatError("NOT_LOGGED_IN"));
    const { rid, promise } = this._requests.open<T>(
      options.timeout ? this._runtime.requestTimeoutMs : null,
      transform,
    );
    const frame = { ...frameWithoutRid, rid } as ClientFrame;
    const tooLarge = checkFrameSize(JSON.stringify(frame), this._limits);
    if (tooLarge) {
      this._requests.reject(rid, tooLarge);
      return promise;
    }
    this._outbox.add({ rid, frame, chatId: options.chatId, onDisconnect: options.onDisconnect, sent: false });
    this._flush();
    return promise;
  }

  private _flush(): void {
    const connection = this._connection;
    if (!connection || connection.state !== "connected") return;
    let paced = false;
    this._outbox.flush(
      (entry) => {
        if (entry.chatId !== null && this._contacts.get(entry.chatId)?.isJoinedOnSocket !== true) return false;
        if (entry.frame.t !== "send") return true;
        // Once one send waits for a token, every later send waits too: order is kept.
        if (paced || Date.now() < this._sendsHeldUntil || !this._pacer.take()) paced = true;
        return !paced;
      },
      (frame) => connection.write(frame),
    );
    if (paced && this._pacerTimer === undefined) {
      this._pacerTimer = setTimeout(() => {
        this._pacerTimer = undefined;
        this._flush();
      }, Math.max(1, this._pacer.waitMs(), this._sendsHeldUntil - Date.now()));
    }
  }

  /** Re-joins a contact with `afterSeq`; the server replays what was missed, then answers. */
  private _resume(contact: Contact, onResumed?: () => void): void {
    if (contact.isResuming || contact.hasEnded) return;
    contact.resumeStarted();
    const chatId = contact.contact.id;
    const frame: FrameWithoutRid = { t: "join", chatId, afterSeq: contact.lastSeq };
    if (contact.nickname !== undefined) frame.nickname = contact.nickname;
    this._request<void>(frame, { chatId: null, onDisconnect: "drop", timeout: false }, (result) => {
      if (this._contacts.get(chatId) !== contact) return;
      contact.resumed(result as JoinResult);
      onResumed?.();
      queueMicrotask(() => this._flush());
    }).then(
      () => undefined,
      (error: unknown) => {
        contact.resumeFailed();
        if (!(error instanceof LiveChatError) || this._contacts.get(chatId) !== contact) return;
        if (error.code === "CONNECTION_CLOSED" || error.code === "LOGGED_OUT") return;
        // The chat cannot be resumed (e.g. FORBIDDEN): what waits for it never will go out.
        this._contacts.delete(chatId);
        contact.detach(error);
        this._failQueued(chatId, error);
      },
    );
  }

  /** Rejects the queued requests of a chat (those matching `which`, all by default). */
  private _failQueued(chatId: string, error: LiveChatError, which: (entry: OutboxEntry) => boolean = () => true): void {
    const removed = this._outbox.removeWhere((entry) => entry.chatId === chatId && which(entry));
    for (const entry of removed) this._requests.reject(entry.rid, new LiveChatError(error.code, error.message, error.details));
  }

  private _welcomed(frame: WelcomeFrame): void {
    this._identity = frame.identity;
    this._limits = { ...DEFAULT_LIMITS, ...frame.limits };
    this._pacer.reset(this._limits.messagesPerSecond, this._limits.messagesBurst);
    for (const waiter of this._connectedWaiters.splice(0)) waiter.resolve();
    const login = this._login;
    if (login) {
      this._login = null;
      clearTimeout(login.timer);
      login.resolve({
        result: true,
        user: { id: frame.identity.userId, nickname: frame.identity.nickname, isAgent: frame.identity.role === "agent" },
      });
    }
    // The connection counts as stable (backoff reset) once every chat has resumed on it.
    const connection = this._connection;
    const resuming = [...this._contacts.values()].filter((contact) => !contact.hasEnded);
    let waiting = resuming.length;
    if (waiting === 0) connection?.markStable();
    for (const contact of resuming) {
      this._resume(contact, () => {
        if (--waiting === 0 && this._connection === connection) connection?.markStable();
      });
    }
    this._flush();
  }

  private _receive(frame: ServerFrame): void {
    switch (frame.t) {
      case "reply": {
        const entry = this._outbox.get(frame.rid);
        if (entry && entry.frame.t === "send" && !frame.ok && frame.error?.code === "RATE_LIMITED") {
          // Not stored: keep it in its place and write it again once the server's bucket refilled.
          const retryAfterMs = Number(frame.error.details?.retryAfterMs);
          entry.sent = false;
          this._pacer.hold(Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 1_000);
          this._flush();
          break;
        }
        if (entry && entry.frame.t === "send" && !frame.ok && frame.error?.code === "STORE_UNAVAILABLE") {
          // The database was away for a moment and nothing was changed: keep the send in its place
          // and write it again, same clientId, a little later (a commit the reply missed is answered
          // with the original message, never stored twice).
          entry.sent = false;
          this._sendsHeldUntil = Date.now() + STORE_RETRY_MS;
          this._flush();
          break;
        }
        this._outbox.remove(frame.rid);
        this._requests.settle(frame);
        break;
      }
      case "event":
        this._contacts.get(frame.chatId)?.receiveEvent(frame);
        break;
      case "signal":
        this._contacts.get(frame.chatId)?.receiveSignal(frame);
        break;
      default:
        // `error` frames answer frames without a rid (fire-and-forget receipts): nothing waits for them.
        break;
    }
  }

  private _dropped(): void {
    for (const contact of this._contacts.values()) contact.socketDropped();
    for (const entry of this._outbox.disconnected()) {
      this._requests.reject(entry.rid, new LiveChatError("CONNECTION_CLOSED"));
    }
    // Ended chats are not re-joined: what still waits for them would never go out.
    for (const contact of this._contacts.values()) {
      if (contact.hasEnded) this._failQueued(contact.contact.id, new LiveChatError("CONTACT_ENDED"));
    }
  }

  private _closedByServer(reason: DisconnectReason, code: number | undefined, error: WireError | undefined): void {
    const login = this._login;
    const wasLoggedIn = login === null;
    const callback = this._callback;
    const failure = loginError(code, error);
    this._teardown(failure, reason);
    if (wasLoggedIn) callback?.("keepaliveExpired");
  }

  /** Stops the session: rejects the pending login and every request with `error`; contacts stop receiving. */
  private _teardown(error: LiveChatError, reason: DisconnectReason): void {
    const connection = this._connection;
    this._connection = null;
    connection?.stop(reason);
    this._removeOnlineListener?.();
    this._removeOnlineListener = undefined;
    if (this._pacerTimer !== undefined) clearTimeout(this._pacerTimer);
    this._pacerTimer = undefined;
    const login = this._login;
    this._login = null;
    if (login) {
      clearTimeout(login.timer);
      login.reject(error);
    }
    this._callback = undefined;
    this._identity = null;
    for (const waiter of this._connectedWaiters.splice(0)) waiter.reject(new LiveChatError(error.code, error.message, error.details));
    this._outbox.removeWhere(() => true);
    this._requests.rejectAll(error);
    for (const contact of this._contacts.values()) contact.detach(error);
    this._contacts.clear();
    this._joining.clear();
  }

  /** In browsers, reconnect at once when the network comes back instead of waiting out the backoff. */
  private _listenOnline(): void {
    const target = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
    if (typeof window === "undefined" || typeof target.addEventListener !== "function") return;
    const onOnline = () => this._connection?.reconnectNow();
    window.addEventListener("online", onOnline);
    this._removeOnlineListener = () => window.removeEventListener("online", onOnline);
  }
}
