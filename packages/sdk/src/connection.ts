import { CLOSE_CODES, DEFAULT_LIMITS, PROTOCOL_VERSION, SOCKET_PATH, TERMINAL_CLOSE_CODES } from "@parley/protocol";
import type { ClientFrame, ServerFrame, WelcomeFrame, WireError } from "@parley/protocol";
import { backoff } from "./backoff.js";
import { frameLine, type DebugLogger } from "./debug.js";
import type {
  ConnectionState,
  DisconnectReason,
  StateContext,
  WebSocketConstructor,
  WebSocketLike,
} from "./types.js";

const OPEN = 1;

/** What a {@link Connection} needs. */
export interface ConnectionConfig {
  /** Base URLs of the servers; attempts rotate through them. */
  urls: string[];
  token: string;
  WebSocket: WebSocketConstructor;
  minReconnectDelayMs: number;
  maxReconnectDelayMs: number;
  stableConnectionMs: number;
  /** Overrides the server's heartbeat interval. */
  heartbeatMs: number | undefined;
  random: () => number;
  /** The debug logger: frames in and out (tokens redacted). */
  log: DebugLogger | undefined;
}

/** What a {@link Connection} tells its owner. */
export interface ConnectionHandlers {
  /** A socket was welcomed (first time or after a reconnect). */
  onWelcome(frame: WelcomeFrame): void;
  /** Any other server frame (replies, events, signals, errors). */
  onFrame(frame: ServerFrame): void;
  /** The socket dropped and a reconnect is scheduled. */
  onDropped(reason: DisconnectReason, code: number | undefined): void;
  /** The connection stopped for good because of the server (terminal close code). */
  onClosed(reason: DisconnectReason, code: number | undefined, error: WireError | undefined): void;
  /** The state changed. */
  onState(context: StateContext): void;
}

/** Derives the socket URL from a server base URL: `http(s)://host/prefix` → `ws(s)://host/prefix/v1/socket`. */
export function socketUrl(base: string): string {
  const url = new URL(base);
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${SOCKET_PATH}`;
  url.search = "";
  url.hash = "";
  return url.toString();
}

/** The disconnect reason a close code stands for. */
export function reasonForCloseCode(code: number | undefined): DisconnectReason {
  switch (code) {
    case CLOSE_CODES.NORMAL:
      return "normalClosure";
    case CLOSE_CODES.MESSAGE_TOO_BIG:
      return "messageTooBig";
    case CLOSE_CODES.HELLO_INVALID:
      return "helloInvalid";
    case CLOSE_CODES.AUTH_FAILED:
      return "authFailed";
    case CLOSE_CODES.TOKEN_EXPIRED:
      return "tokenExpired";
    case CLOSE_CODES.HELLO_TIMEOUT:
      return "helloTimeout";
    case CLOSE_CODES.HEARTBEAT_TIMEOUT:
      return "heartbeatTimeout";
    case CLOSE_CODES.SLOW_CONSUMER:
      return "slowConsumer";
    case CLOSE_CODES.SHUTTING_DOWN:
      return "serverShutdown";
    default:
      return "transportClosed";
  }
}

/**
 * One WebSocket session with its life cycle: connect, `hello`, `welcome`,
 * heartbeats, and reconnects with full-jitter backoff across the configured
 * URLs until stopped or closed by a terminal close code.
 */
export class Connection {
  private _state: ConnectionState = "disconnected";
  private _socket: WebSocketLike | null = null;
  private _urlIndex = 0;
  private _attempt = 0;
  private _connectedAt = 0;
  private _heartbeatMs: number;
  private _reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private _pingTimer: ReturnType<typeof setTimeout> | undefined;
  private _deadTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last `error` frame, which a server may send just before a terminal close. */
  private _lastError: WireError | undefined;

  constructor(
    private readonly config: ConnectionConfig,
    private readonly handlers: ConnectionHandlers,
  ) {
    this._heartbeatMs = config.heartbeatMs ?? DEFAULT_LIMITS.heartbeatMs;
  }

  /** The current state. */
  get state(): ConnectionState {
    return this._state;
  }

  /** Opens the first socket. */
  start(): void {
    this._connect();
  }

  /** Writes a frame if a welcomed socket is open. Returns whether it was written. */
  write(frame: ClientFrame): boolean {
    if (this._state !== "connected") return false;
    return this._writeRaw(frame);
  }

  /**
   * The session is usable again (welcomed and every chat resumed): the next
   * drop starts the backoff from its base delay again.
   */
  markStable(): void {
    if (this._state === "connected") this._attempt = 0;
  }

  /** Skips the backoff wait and reconnects now (e.g. the browser went back online). */
  reconnectNow(): void {
    if (this._state !== "disconnected" || this._reconnectTimer === undefined) return;
    clearTimeout(this._reconnectTimer);
    this._reconnectTimer = undefined;
    this._connect();
  }

  /** Closes for good (logout, login timeout): no reconnect, state `closed`. */
  stop(reason: DisconnectReason, code: number = CLOSE_CODES.NORMAL): void {
    if (this._state === "closed") return;
    const socket = this._detach();
    try {
      socket?.close(code);
    } catch {
      // The socket may not be open yet; closing is best effort.
    }
    this._setState("closed", { code, reason });
  }

  /** The server URL (as given in `urls`) of the current or latest socket. */
  get serverUrl(): string | undefined {
    const urls = this.config.urls;
    return urls[this._urlIndex % urls.length];
  }

  private _connect(): void {
    const urls = this.config.urls;
    const url = socketUrl(urls[this._urlIndex % urls.length] as string);
    this._lastError = undefined;
    this.config.log?.(`connecting to ${url}`);
    this._setState("connecting", {});
    let socket: WebSocketLike;
    try {
      socket = new this.config.WebSocket(url);
    } catch {
      this._dropped(undefined, "transportClosed");
      return;
    }
    this._socket = socket;
    this._armDeadTimer();
    socket.onopen = () => {
      if (socket !== this._socket) return;
      this._heard();
      this._writeRaw({ t: "hello", token: this.config.token, v: PROTOCOL_VERSION });
    };
    socket.onmessage = (event) => {
      if (socket !== this._socket || typeof event.data !== "string") return;
      this._heard();
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data) as ServerFrame;
      } catch {
        this.config.log?.(`in (not JSON, ignored) ${event.data.slice(0, 200)}`);
        return;
      }
      if (frame === null || typeof frame !== "object") return;
      this.config.log?.(frameLine("in", frame));
      this._receive(frame);
    };
    socket.onclose = (event) => {
      if (socket !== this._socket) return;
      this._closed(event.code);
    };
    socket.onerror = () => {
      // A close event always follows; it decides what happens next.
    };
  }

  private _receive(frame: ServerFrame): void {
    if (frame.t === "welcome") {
      if (this._state !== "connecting") return;
      this._connectedAt = Date.now();
      this._heartbeatMs = this.config.heartbeatMs ?? frame.limits?.heartbeatMs ?? DEFAULT_LIMITS.heartbeatMs;
      this._heard();
      this._setState("connected", {});
      this.handlers.onWelcome(frame);
      return;
    }
    if (frame.t === "pong") return;
    if (frame.t === "error") this._lastError = frame.error;
    if (this._state === "connected" || frame.t === "error") this.handlers.onFrame(frame);
  }

  private _closed(code: number | undefined): void {
    const wasConnected = this._state === "connected";
    this._detach();
    if (wasConnected && Date.now() - this._connectedAt >= this.config.stableConnectionMs) this._attempt = 0;
    const reason = reasonForCloseCode(code);
    if (code !== undefined && TERMINAL_CLOSE_CODES.includes(code)) {
      this._setState("closed", { code, reason });
      this.handlers.onClosed(reason, code, this._lastError);
      return;
    }
    this._dropped(code, reason);
  }

  private _dropped(code: number | undefined, reason: DisconnectReason): void {
    this._detach();
    this._urlIndex = (this._urlIndex + 1) % this.config.urls.length;
    const delay = backoff(
      this._attempt++,
      this.config.minReconnectDelayMs,
      this.config.maxReconnectDelayMs,
      this.config.random,
    );
    const context: Omit<StateContext, "state" | "previous"> = { reason };
    if (code !== undefined) context.code = code;
    this._setState("disconnected", context);
    this.handlers.onDropped(reason, code);
    if (this._state !== "disconnected") return; // stopped by a handler
    this._reconnectTimer = setTimeout(() => {
      this._reconnectTimer = undefined;
      this._connect();
    }, delay);
  }

  /** Something arrived: re-arm the ping and the dead-socket timers. */
  private _heard(): void {
    if (this._pingTimer !== undefined) clearTimeout(this._pingTimer);
    this._pingTimer = setTimeout(() => {
      this._pingTimer = undefined;
      if (this._state === "connected") this._writeRaw({ t: "ping" });
    }, this._heartbeatMs);
    this._armDeadTimer();
  }

  private _armDeadTimer(): void {
    if (this._deadTimer !== undefined) clearTimeout(this._deadTimer);
    this._deadTimer = setTimeout(() => {
      this._deadTimer = undefined;
      const socket = this._socket;
      if (!socket) return;
      this._detach();
      try {
        socket.close(4000, "heartbeat timeout");
      } catch {
        // Already closing.
      }
      this._dropped(undefined, "heartbeatTimeout");
    }, this._heartbeatMs * 2);
  }

  private _writeRaw(frame: ClientFrame): boolean {
    const socket = this._socket;
    if (!socket || socket.readyState !== OPEN) return false;
    try {
      socket.send(JSON.stringify(frame));
      this.config.log?.(frameLine("out", frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Forgets the current socket and its timers; returns it. */
  private _detach(): WebSocketLike | null {
    const socket = this._socket;
    this._socket = null;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      // Keep an error listener: Node's `ws` throws on an unhandled "error" (e.g. closing while connecting).
      socket.onerror = () => {};
    }
    for (const timer of [this._pingTimer, this._deadTimer, this._reconnectTimer]) {
      if (timer !== undefined) clearTimeout(timer);
    }
    this._pingTimer = this._deadTimer = this._reconnectTimer = undefined;
    return socket;
  }

  private _setState(state: ConnectionState, context: Omit<StateContext, "state" | "previous">): void {
    const previous = this._state;
    if (previous === state) return;
    this._state = state;
    this.handlers.onState({ state, previous, ...context });
  }
}
