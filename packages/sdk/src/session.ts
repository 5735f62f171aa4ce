/**
 * The session: login over one {@link Connection}, its keepalive and
 * reconnects, the identity and limits the server welcomed it with, and its
 * end — `logout`, a newer `login`, a login timeout or a terminal close — with
 * the reason the login callback is given.
 * @module
 */
import { DEFAULT_LIMITS } from "@parley/protocol";
import type { ClientFrame, ErrorCode, Limits, ServerFrame, SessionIdentity, WelcomeFrame, WireError } from "@parley/protocol";
import { Connection } from "./connection.js";
import type { DebugLogger } from "./debug.js";
import { LiveChatError } from "./errors.js";
import type { ConnectionState, DisconnectReason, LoginResult, LogoutCallback, StateContext, WebSocketConstructor } from "./types.js";

/** What the SDK instance gives its `LIVECHAT`. Internal. */
export interface Runtime {
  /** Base URLs from `init`, or undefined before it. */
  serverUrls(): string[] | undefined;
  /** The tenant from `init`, or undefined when none was named (the server's host mapping or `default`). */
  tenant?(): string | undefined;
  /** The debug logger from `init`, or undefined when debugging is off. */
  log(): DebugLogger | undefined;
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

/** What the session tells the parts built on it. */
export interface SessionHandlers {
  /** A socket was welcomed (the first or after a reconnect); `markStable` resets the backoff for it. */
  welcomed(markStable: () => void): void;
  /** Any other frame of the current socket. */
  frame(frame: ServerFrame): void;
  /** The socket dropped; a reconnect is scheduled. */
  dropped(): void;
  /** The session ended: everything pending fails with `error`. */
  ended(error: LiveChatError): void;
  /** The connection state changed. */
  state(context: StateContext): void;
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

export class Session {
  private _connection: Connection | null = null;
  private _state: ConnectionState = "disconnected";
  private _identity: SessionIdentity | null = null;
  private _limits: Limits = DEFAULT_LIMITS;
  private _callback: LogoutCallback | undefined;
  private _login: PendingLogin | null = null;
  private _removeOnlineListener: (() => void) | undefined;
  /** The login token: media uploads authenticate with it. */
  private _token = "";
  /** Uploads waiting for the session to be connected. */
  private readonly _connectedWaiters: { resolve(): void; reject(error: LiveChatError): void }[] = [];

  private readonly _runtime: Runtime;
  private readonly _handlers: SessionHandlers;

  constructor(runtime: Runtime, handlers: SessionHandlers) {
    this._runtime = runtime;
    this._handlers = handlers;
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this._state;
  }

  /** Whether there is a session (logged in, or logging in). */
  get isOpen(): boolean {
    return this._connection !== null;
  }

  /** Whether the current socket is welcomed. */
  get isConnected(): boolean {
    return this._connection?.state === "connected";
  }

  /** Who the server welcomed, or null. */
  get identity(): SessionIdentity | null {
    return this._identity;
  }

  /** The limits announced by the server (the defaults before the first welcome). */
  get limits(): Limits {
    return this._limits;
  }

  /** The login token. */
  get token(): string {
    return this._token;
  }

  /** Whether a login waits for its welcome. */
  get isLoggingIn(): boolean {
    return this._login !== null;
  }

  /** Writes a frame now if the socket is welcomed. */
  write(frame: ClientFrame): boolean {
    return this._connection?.write(frame) ?? false;
  }

  /** Opens the session; see `LiveChat.login`. */
  login(token: string, callbackFN: LogoutCallback | undefined): Promise<LoginResult> {
    const urls = this._runtime.serverUrls();
    if (!urls || urls.length === 0) return Promise.reject(new LiveChatError("NOT_INITIALIZED"));
    const WebSocketImpl = this._runtime.WebSocket();
    if (!WebSocketImpl) {
      return Promise.reject(
        new LiveChatError("NOT_INITIALIZED", "No WebSocket implementation: pass { WebSocket } to createLiveChatSdk."),
      );
    }
    if (typeof token !== "string" || token.length === 0) return Promise.reject(new LiveChatError("AUTH_REQUIRED"));
    if (this._connection) this.end(new LiveChatError("LOGGED_OUT"), "explicitLogout");
    this._callback = typeof callbackFN === "function" ? callbackFN : undefined;
    this._token = token;

    const log = this._runtime.log();
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
        log,
      },
      {
        onWelcome: (frame) => connection === this._connection && this._welcomed(connection, frame),
        onFrame: (frame) => connection === this._connection && this._handlers.frame(frame),
        onDropped: () => connection === this._connection && this._handlers.dropped(),
        onClosed: (reason, code, error) => connection === this._connection && this._closedByServer(reason, code, error),
        onState: (context) => {
          log?.(`state ${context.previous} → ${context.state}${context.reason ? ` (${context.reason}${context.code ? `, ${context.code}` : ""})` : ""}`);
          this._state = context.state;
          this._handlers.state(context);
        },
      },
    );
    this._connection = connection;
    const promise = new Promise<LoginResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.end(new LiveChatError("REQUEST_TIMEOUT"), "loginTimeout");
      }, this._runtime.requestTimeoutMs);
      this._login = { resolve, reject, timer };
    });
    this._listenOnline();
    connection.start();
    return promise;
  }

  /** Ends the session at the application's request and calls the login callback with `"explicitLogout"`. */
  logout(): void {
    if (!this._connection) return;
    const callback = this._callback;
    this.end(new LiveChatError("LOGGED_OUT"), "explicitLogout");
    callback?.("explicitLogout");
  }

  /** Resolves once the session is connected; rejects if it ends first. */
  whenConnected(): Promise<void> {
    if (!this._connection) return Promise.reject(new LiveChatError("NOT_LOGGED_IN"));
    if (this._state === "connected") return Promise.resolve();
    return new Promise((resolve, reject) => this._connectedWaiters.push({ resolve, reject }));
  }

  /** The server URLs, the one the current socket goes to first (media HTTP calls go there). */
  serverUrlsByPreference(): string[] {
    const urls = this._runtime.serverUrls() ?? [];
    const current = this._connection?.serverUrl;
    return current === undefined || !urls.includes(current) ? urls : [current, ...urls.filter((url) => url !== current)];
  }

  /** Stops the session: the pending login and everything waiting fail with `error`; the login callback is forgotten. */
  end(error: LiveChatError, reason: DisconnectReason): void {
    const connection = this._connection;
    this._connection = null;
    connection?.stop(reason);
    this._removeOnlineListener?.();
    this._removeOnlineListener = undefined;
    const login = this._login;
    this._login = null;
    if (login) {
      clearTimeout(login.timer);
      login.reject(error);
    }
    this._callback = undefined;
    this._identity = null;
    for (const waiter of this._connectedWaiters.splice(0)) waiter.reject(new LiveChatError(error.code, error.message, error.details));
    this._handlers.ended(error);
  }

  private _welcomed(connection: Connection, frame: WelcomeFrame): void {
    this._identity = frame.identity;
    this._limits = { ...DEFAULT_LIMITS, ...frame.limits };
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
    this._handlers.welcomed(() => {
      if (this._connection === connection) connection.markStable();
    });
  }

  private _closedByServer(reason: DisconnectReason, code: number | undefined, error: WireError | undefined): void {
    const wasLoggedIn = this._login === null;
    const callback = this._callback;
    this.end(loginError(code, error), reason);
    if (wasLoggedIn) callback?.("keepaliveExpired");
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
