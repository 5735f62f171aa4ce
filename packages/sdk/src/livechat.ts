import type { AgentStatus, HistoryEntry, HistoryResult, ManualAgentStatus, ServerFrame, SetStatusResult, StartContactResponse } from "@parley/protocol";
import { ChatFeed } from "./chat-feed.js";
import { JoinedContacts } from "./contact-host.js";
import type { Contact } from "./contact.js";
import { Emitter, type Listener } from "./emitter.js";
import { LiveChatError } from "./errors.js";
import { postJson } from "./http.js";
import { OutboxPump, type FrameWithoutRid } from "./outbox.js";
import { Session, type Runtime } from "./session.js";
import { checkCallData, checkNicknameCharacters, startUri } from "./validate.js";
import type {
  ChatFeedListener,
  ChatHistory,
  ConnectionState,
  ErrorContext,
  LiveChatEventMap,
  LoginResult,
  LogoutCallback,
  StartContactInfo,
} from "./types.js";

export type { Runtime } from "./session.js";

/** A history page refused for the server's answer budget is asked again this many times at most. */
const MAX_HISTORY_ATTEMPTS = 30;

/** Maximum lengths of the page details in `POST /v1/contacts` (the protocol's `StartContactBody`). */
const PAGE_FIELD_LIMITS = { uri: 2048, title: 512, userAgent: 512 } as const;

/**
 * The realtime API, `LIVECHATSDK.LIVECHAT`: one WebSocket session shared by
 * every chat it joined, with login, contacts, history, the agents' chat feed
 * and connection state. A facade: the session, the outbox, the joined
 * contacts and the chat feeds do the work.
 */
export class LiveChat {
  private readonly _runtime: Runtime;
  private readonly _events = new Emitter<LiveChatEventMap>();
  private readonly _session: Session;
  private readonly _outbox: OutboxPump;
  private readonly _contacts: JoinedContacts;
  private readonly _feeds = new Set<ChatFeed>();

  /** @internal Created by `createLiveChatSdk`. */
  constructor(runtime: Runtime) {
    this._runtime = runtime;
    this._session = new Session(runtime, {
      welcomed: (markStable) => this._welcomed(markStable),
      frame: (frame) => this._receive(frame),
      dropped: () => this._dropped(),
      ended: (error) => this._ended(error),
      state: (context) => this._events.emit("state", context),
    });
    const session = this._session;
    this._outbox = new OutboxPump({
      session: {
        isOpen: () => session.isOpen,
        isConnected: () => session.isConnected,
        write: (frame) => session.write(frame),
        limits: () => session.limits,
      },
      isJoinedOnSocket: (chatId) => this._contacts.isJoinedOnSocket(chatId),
      requestTimeoutMs: runtime.requestTimeoutMs,
      now: runtime.now,
    });
    this._contacts = new JoinedContacts({
      runtime,
      session,
      outbox: this._outbox,
      reportError: (context) => this._reportError(context),
    });
  }

  /** The connection state: `disconnected`, `connecting`, `connected` or `closed`. */
  get state(): ConnectionState {
    return this._session.state;
  }

  /** Registers a callback for a session event: `state` (connection state) or `error` (an error nobody waits for). */
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
    return this._session.login(token, callbackFN);
  }

  /** Ends the session: closes the socket (1000), rejects pending requests with `LOGGED_OUT`, calls the login callback with `"explicitLogout"`. */
  logout(): Promise<void> {
    this._session.logout();
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
    const limits = this._session.limits;
    const badNickname = checkNicknameCharacters(info?.nickname, limits);
    if (badNickname) throw badNickname;
    const badCallData = info.callData === undefined ? null : checkCallData(info.callData);
    if (badCallData) throw badCallData;
    const body: StartContactInfo = { nickname: info.nickname };
    const page = typeof document === "undefined" ? undefined : globalThis;
    const email = info.email;
    // Page details filled in by the SDK are cut to the server's field limits: a long tracking URL
    // must not stop a customer from starting a chat, nor a page that is not http(s) (file:, about:).
    // Other values given explicitly are sent as given.
    const uri = startUri(info.uri, page?.location?.href, { ...limits, maxUrlLength: Math.min(limits.maxUrlLength, PAGE_FIELD_LIMITS.uri) });
    const title = info.title ?? page?.document?.title?.slice(0, PAGE_FIELD_LIMITS.title);
    const userAgent = info.userAgent ?? page?.navigator?.userAgent?.slice(0, PAGE_FIELD_LIMITS.userAgent);
    if (email !== undefined) body.email = email;
    if (uri !== undefined) body.uri = uri;
    if (title !== undefined) body.title = title;
    if (userAgent !== undefined) body.userAgent = userAgent;
    if (info.callData !== undefined && Object.keys(info.callData).length > 0) body.callData = { ...info.callData };
    const tenant = this._runtime.tenant?.();
    const request = tenant === undefined ? body : { ...body, tenant };
    const started = await postJson<StartContactResponse>(fetchImpl, urls, "/v1/contacts", request);
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
    return this._contacts.join(chatId, nickname);
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
      const frame: FrameWithoutRid = { t: "history", chatId: contact.contact.id, limit: this._session.limits.maxHistoryPage };
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
        return await this._outbox.request<HistoryResult>(frame, { chatId, onDisconnect: "resend", timeout: true });
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
    await this._requestUnlessEnded({ t: "end", chatId: joined.contact.id });
  }

  /**
   * Leaves a chat; it stays open for the others. The contact instance then stops
   * receiving events and its queued sends reject with `NOT_JOINED`.
   */
  async leave(chatId: string | Contact): Promise<void> {
    const id = typeof chatId === "string" ? chatId : chatId?.contact?.id;
    const joined = this._joinedContact(id);
    if (joined instanceof LiveChatError) throw joined;
    await this._requestUnlessEnded({ t: "leave", chatId: joined.contact.id });
    this._contacts.left(joined);
  }

  /**
   * Follows every open chat of the server (agents only), on the session's
   * socket: resolves with a {@link ChatFeed} once its first snapshot arrived;
   * `feed.chats` is then kept up to date and `listener` hears of each change.
   * After a reconnect the SDK asks again and the listener gets a fresh
   * `snapshot`. Rejects with `NOT_INITIALIZED`, `NOT_LOGGED_IN`, `FORBIDDEN`
   * (a customer token), `LOGGED_OUT` (the session ended first), …
   *
   * @example
   * ```ts
   * const feed = await LIVECHATSDK.LIVECHAT.watchChats((event) => render([...feed.chats.values()]));
   * ```
   */
  watchChats(listener: ChatFeedListener): Promise<ChatFeed> {
    const notReady = this._notReady();
    if (notReady) return Promise.reject(notReady);
    const feed = new ChatFeed(
      {
        request: this._outbox.request,
        isConnected: () => this._session.isConnected,
        reportError: (context) => this._reportError(context),
        stopped: (stopped) => this._feeds.delete(stopped),
      },
      listener,
    );
    this._feeds.add(feed);
    feed.subscribe();
    return feed.ready;
  }

  /**
   * Agents only: sets one's own status, `"available"` or `"away"`, kept by the
   * server across sockets, tabs and restarts (an agent with no socket left is
   * `"offline"` to the others). Resolves with the status the other agents now
   * see. Rejects with `NOT_LOGGED_IN`, `FORBIDDEN` (a customer token),
   * `INVALID_FRAME` (another status), …
   *
   * @example
   * ```ts
   * await LIVECHATSDK.LIVECHAT.setStatus("away");
   * ```
   */
  async setStatus(status: ManualAgentStatus): Promise<AgentStatus> {
    const notReady = this._notReady();
    if (notReady) throw notReady;
    // Setting a status twice is harmless: a request cut by a reconnect is sent again.
    const result = await this._outbox.request<SetStatusResult>({ t: "setStatus", status }, { chatId: null, onDisconnect: "resend", timeout: true });
    return result.status;
  }

  // ---------------------------------------------------------------------------

  private _notReady(): LiveChatError | null {
    if (!this._runtime.serverUrls()) return new LiveChatError("NOT_INITIALIZED");
    if (!this._session.isOpen) return new LiveChatError("NOT_LOGGED_IN");
    return null;
  }

  private _joinedContact(chatId: string | undefined): Contact | LiveChatError {
    const notReady = this._notReady();
    if (notReady) return notReady;
    const contact = chatId === undefined ? undefined : this._contacts.get(chatId);
    return contact ?? new LiveChatError("NOT_JOINED", undefined, { chatId });
  }

  /** `end` and `leave`: a chat that has ended meanwhile counts as done. */
  private async _requestUnlessEnded(frame: FrameWithoutRid & { chatId: string }): Promise<void> {
    try {
      await this._outbox.request<unknown>(frame, { chatId: frame.chatId, onDisconnect: "fail", timeout: true });
    } catch (error) {
      if (!(error instanceof LiveChatError && error.code === "CONTACT_ENDED")) throw error;
    }
  }

  private _welcomed(markStable: () => void): void {
    this._outbox.welcomed(this._session.limits);
    // The connection counts as stable (backoff reset) once every chat has resumed on it.
    this._contacts.resumeAll(markStable);
    for (const feed of this._feeds) feed.subscribe();
    this._outbox.flush();
  }

  private _receive(frame: ServerFrame): void {
    switch (frame.t) {
      case "reply":
        this._outbox.receiveReply(frame);
        break;
      case "event":
      case "signal":
        this._contacts.dispatch(frame);
        break;
      case "queuePosition":
        this._contacts.queuePosition(frame);
        break;
      case "chatFeed":
        for (const feed of this._feeds) feed.receive(frame);
        break;
      case "presence":
        this._events.emit("presence", { agentId: frame.agentId, status: frame.status });
        break;
      case "error": {
        // Answers a frame without a rid (typing, a malformed frame): nothing waits for it. Before the
        // welcome it explains a refused hello, which the login's rejection carries.
        if (this._session.isLoggingIn) break;
        const error = LiveChatError.from(frame.error);
        const context: ErrorContext = { code: error.code, message: error.message, source: "errorFrame", frame };
        if (error.details !== undefined) context.details = error.details;
        if (typeof error.details?.chatId === "string") context.chatId = error.details.chatId;
        this._reportError(context);
        break;
      }
      default:
        break;
    }
  }

  private _dropped(): void {
    this._contacts.socketDropped();
    for (const feed of this._feeds) feed.socketDropped();
    this._outbox.dropped();
    // Ended chats are not re-joined: what still waits for them would never go out.
    this._contacts.failEnded();
  }

  /** The session ended: everything pending fails with `error`; contacts and feeds stop. */
  private _ended(error: LiveChatError): void {
    this._outbox.clear(error);
    this._contacts.detachAll(error);
    for (const feed of this._feeds) feed.detach(error);
    this._feeds.clear();
  }

  private _reportError(context: ErrorContext): void {
    this._runtime.log()?.(`error ${context.code}${context.chatId ? ` in ${context.chatId}` : ""}: ${context.message}`);
    this._events.emit("error", context);
  }
}
