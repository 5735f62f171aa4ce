/**
 * Public types of the SDK: options, results, connection state and event maps.
 * @module
 */
import type { ContactEventMap, HistoryEntry } from "@parley/protocol";

/** The part of the standard WebSocket interface the SDK uses (browsers' and `ws`' both fit). */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Writes one text message. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Called when the socket opened. */
  onopen: ((event: unknown) => void) | null;
  /** Called for each message; `data` is a string for text messages. */
  onmessage: ((event: { data: unknown }) => void) | null;
  /** Called once when the socket closed. */
  onclose: ((event: { code: number; reason: string }) => void) | null;
  /** Called on a transport error (a close follows). */
  onerror: ((event: unknown) => void) | null;
}

/** A WebSocket constructor: `globalThis.WebSocket` in browsers, `ws`' `WebSocket` in Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Options of {@link createLiveChatSdk}. Every field is optional. */
export interface LiveChatSdkOptions {
  /** WebSocket implementation. Default: `globalThis.WebSocket` (browser build) or `ws` (Node build). */
  WebSocket?: WebSocketConstructor;
  /** `fetch` implementation for the REST calls (`startContact`). Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** How long a request waits for the server's answer before it rejects with `REQUEST_TIMEOUT`. Default 15 000 ms. Sends are exempt (see the outbox). */
  requestTimeoutMs?: number;
  /** Base delay of the reconnect backoff. Default 500 ms. */
  minReconnectDelayMs?: number;
  /** Cap of the reconnect backoff. Default 20 000 ms. */
  maxReconnectDelayMs?: number;
  /** A connection that stayed up this long resets the backoff (so does one on which every chat resumed). Default 10 000 ms. */
  stableConnectionMs?: number;
  /** Overrides the server's `heartbeatMs` (ping after this much silence, reconnect after twice it). */
  heartbeatMs?: number;
  /** Uniform random source in [0, 1) used for backoff jitter; injectable for tests. */
  random?: () => number;
  /** Clock in milliseconds used for typing throttling; injectable for tests. */
  now?: () => number;
}

/** Options of `init`. */
export interface InitOptions {
  /**
   * Base URL of the Parley server, e.g. `https://chat.example.com`, or several
   * (one per node): the SDK connects to `ws(s)://<host>/v1/socket` and moves to
   * the next URL whenever a connection fails or drops.
   */
  serverUrl: string | string[];
}

/** Resolution of `LIVECHAT.login`. */
export interface LoginResult {
  /** Always `true` (failures reject). */
  result: true;
  /** Who the token belongs to. */
  user: { id: string; nickname: string; isAgent: boolean };
}

/** Why the login callback was called. */
export type LogoutReason = "explicitLogout" | "keepaliveExpired";

/** The login callback: called once when the session ends for good. */
export type LogoutCallback = (reason: LogoutReason) => void;

/** What a customer gives to start a chat with `LIVECHAT.startContact`. */
export interface StartContactInfo {
  /** The customer's nickname (required). */
  nickname: string;
  /** The customer's e-mail address. */
  email?: string;
  /** Page address; in browsers defaults to `location.href`. */
  uri?: string;
  /** Page title; in browsers defaults to `document.title`. */
  title?: string;
  /** User agent; in browsers defaults to `navigator.userAgent`. */
  userAgent?: string;
}

/** Resolution of `LIVECHAT.getChatHistory`: messages oldest first, as the original product shaped them. */
export interface ChatHistory {
  /** Every message of the chat (or the newest page when `all` is false), oldest first. */
  messages: HistoryEntry[];
}

/**
 * Connection state, centrifuge-js style:
 * - `disconnected`: no socket; before the first login, and between reconnect attempts;
 * - `connecting`: a socket is opening or waiting for the server's `welcome`;
 * - `connected`: `welcome` received; requests flow;
 * - `closed`: stopped for good (logout, rejected or expired token); only `login` starts again.
 */
export type ConnectionState = "disconnected" | "connecting" | "connected" | "closed";

/** Why the connection went down (a closed union; see `docs/sdk.md`). */
export type DisconnectReason =
  /** `logout()` was called. */
  | "explicitLogout"
  /** The server closed normally (1000). Terminal. */
  | "normalClosure"
  /** The server refused the first frame (4400). Terminal. */
  | "helloInvalid"
  /** The token is missing, malformed or forged (4401). Terminal. */
  | "authFailed"
  /** The token expired (4402). Terminal. */
  | "tokenExpired"
  /** No hello reached the server in time (4408). */
  | "helloTimeout"
  /** Heartbeats were missed (4410, or the SDK heard nothing for 2 × heartbeatMs). */
  | "heartbeatTimeout"
  /** The socket could not keep up (4429). */
  | "slowConsumer"
  /** The server is shutting down (4503). */
  | "serverShutdown"
  /** A frame exceeded the server's hard limit (1009). */
  | "messageTooBig"
  /** The login did not complete within `requestTimeoutMs`. Terminal. */
  | "loginTimeout"
  /** Anything else: network failure, refused connection, abnormal closure. */
  | "transportClosed";

/** Context of the `state` event. */
export interface StateContext {
  /** The new state. */
  state: ConnectionState;
  /** The state before. */
  previous: ConnectionState;
  /** WebSocket close code when a socket closed. */
  code?: number;
  /** Why the connection went down (for `disconnected` and `closed`). */
  reason?: DisconnectReason;
}

/** Events of `LIVECHAT.on(name, cb)`. */
export interface LiveChatEventMap {
  /** The connection state changed. */
  state: StateContext;
}

/** Events of `contact.on(name, cb)`: the protocol's {@link ContactEventMap} (`userLeft` included). */
export type ContactEvents = ContactEventMap;
