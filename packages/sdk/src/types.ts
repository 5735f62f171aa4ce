/**
 * Public types of the SDK: options, results, connection state and event maps.
 * @module
 */
import type {
  AgentPresence,
  ChatListItem,
  ClientFrame,
  ContactEventMap,
  DocumentType,
  ErrorCode,
  ErrorFrame,
  HistoryEntry,
  MediaFormat,
  MediaMessageType,
  UserRef,
} from "@parley/protocol";

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
  /**
   * `fetch` implementation for the REST calls (`startContact`), media downloads,
   * and uploads where there is no `XMLHttpRequest`. Default: `globalThis.fetch`.
   */
  fetch?: typeof fetch;
  /**
   * `XMLHttpRequest` implementation for media uploads, which reports upload
   * progress as the bytes go out (`fetch` cannot). Default:
   * `globalThis.XMLHttpRequest` when there is one (browsers); otherwise uploads use `fetch`.
   */
  XMLHttpRequest?: new () => XMLHttpRequest;
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
   * Base URL of the Parley server, e.g. `https://chat.example.com` (one node,
   * or a load balancer), or the URLs of several nodes. The SDK connects to
   * `ws(s)://<host>/v1/socket` on the first; whenever a connection fails or
   * drops (refused, 4503 shutting down, abnormal close) it moves on to the next
   * URL with backoff, and resumes there. Uploads and downloads go to the node
   * the socket is on.
   *
   * @example
   * ```js
   * LIVECHATSDK.init({ serverUrl: ["http://a:8080", "http://b:8080"] });
   * ```
   */
  serverUrl: string | string[];
  /**
   * The tenant (company) the chats belong to, on a server that serves
   * several: sent with `startContact`, so the chat is that tenant's. Omit it
   * for a single-company install, or when the server maps its host name to
   * the tenant. A name the server does not know is `TENANT_NOT_FOUND`; one
   * that disagrees with the host name's tenant is `TENANT_MISMATCH`. Agents'
   * tokens carry their tenant already.
   *
   * @example
   * ```js
   * LIVECHATSDK.init({ serverUrl: "https://chat.example.com", tenant: "acme" });
   * ```
   */
  tenant?: string;
  /**
   * Debug logging, off by default: `true` writes with `console.debug`, a
   * function gets each line. One line per frame in and out (the login token
   * and inline file contents never appear) and per connection state change.
   *
   * @example
   * ```js
   * LIVECHATSDK.init({ serverUrl: "https://chat.example.com", debug: (line) => myLog.push(line) });
   * ```
   */
  debug?: boolean | ((line: string) => void);
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
  /**
   * The chat's call data: string variables the company attaches (a customer
   * number from the site's login, an order id, the queue), shown to agents and
   * kept with the chat. Sent as `callData` with `POST /v1/contacts`; omitted
   * when empty. Keys are 1–64 characters of `A-Z a-z 0-9 _ . -`; values at
   * most 1,024 characters; at most 30 keys and 8 KiB in all. Checked before
   * anything is sent (`CALL_DATA_INVALID`, `CALL_DATA_TOO_LARGE`). The
   * customer's own session does not get it back.
   */
  callData?: Record<string, string>;
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

/** A client frame as the SDK queues it, before it is given its request id (`rid`). */
export type RequestFrame = ClientFrame extends infer F ? (F extends { rid?: number } ? Omit<F, "rid"> : F) : never;

/**
 * Context of the `error` event: an error no promise carries, because nothing
 * the application called waits for it.
 */
export interface ErrorContext {
  /** Stable code from the registry (`docs/errors.md`). */
  code: ErrorCode;
  /** Human-readable message, not for parsing. */
  message: string;
  /** Machine-readable context the server or the SDK gave. */
  details?: Record<string, unknown>;
  /** The chat concerned, when there is one. */
  chatId?: string;
  /**
   * Where it comes from:
   * - `errorFrame`: the server refused a frame that had no request id to answer (typing, a malformed frame);
   * - `request`: a request the SDK made on its own failed (a delivery receipt, the re-join of a chat
   *   after a reconnect, the chat feed's re-subscription).
   */
  source: "errorFrame" | "request";
  /** For `errorFrame`: the server's frame. */
  frame?: ErrorFrame;
  /** For `request`: the request that failed. */
  request?: RequestFrame;
}

/** Events of `LIVECHAT.on(name, cb)`. */
export interface LiveChatEventMap {
  /** The connection state changed. */
  state: StateContext;
  /** An error nobody waits for: a server `error` frame, or a failed request the SDK made on its own. */
  error: ErrorContext;
  /**
   * Agents watching the chat feed (`watchChats`): an agent of the same tenant
   * is now `available`, `away` or `offline` (one event per agent online when
   * the feed starts, then one per change).
   */
  presence: AgentPresence;
}

/**
 * A change of the agents' chat feed, as the `LIVECHAT.watchChats` listener gets it:
 * - `snapshot`: the open chats after (re)subscribing, at first and after every reconnect;
 * - `started`: a customer started a chat (it is waiting);
 * - `updated`: someone joined or left (an agent took the chat, or its last agent left it waiting again);
 * - `ended`: the chat ended (it is no longer in `chats`);
 * - `message`: the first message of a waiting chat (`chat.firstMessage`).
 */
export type ChatFeedEvent =
  | { change: "snapshot"; chats: ChatListItem[] }
  | { change: "started" | "updated" | "ended" | "message"; chat: ChatListItem };

/** The listener of `LIVECHAT.watchChats`. */
export type ChatFeedListener = (event: ChatFeedEvent) => void;

/**
 * Events of `contact.on(name, cb)`: the protocol's {@link ContactEventMap}. Each
 * callback gets the event's payload unchanged:
 * - `message`, `link`: a text or a link from someone else (a `received` receipt is sent for you);
 * - `multimediaMessage`: an image or a document from someone else (a `received` receipt is sent
 *   for you). `content.img` / `content.document` hold the Base64 when `content.inline` is true
 *   (files up to `maxInlineMediaBytes`); otherwise fetch the file with
 *   `contact.GetMultimediaMessageInActiveChat(chatId, id)`;
 * - `multimediaMessageStored`: a large file was resized (images) and stored, and its `formats`
 *   can be fetched. It has no author: every participant gets it, the sender included;
 * - `messageReceived`, `messageSeen`: a receipt for one of your messages;
 * - `isWriting`: someone started or stopped writing (volatile);
 * - `userAdded`, `userLeft`: a participant joined or left;
 * - `contactEnded`: the chat ended for everyone (always handed, whoever ended it).
 */
export type ContactEvents = ContactEventMap;

/** A file as `SendMultimediaMessage` takes it: Base64 text (a `data:` URL too), a `Blob` or `File`, or bytes. */
export type MultimediaFile = string | Blob | Uint8Array | ArrayBuffer;

/**
 * Second argument of `contact.SendMultimediaMessage(type, content)`, as the
 * original product documents it: `img` for an `IMAGE`, `document` for a `DOCUMENT`.
 */
export interface MultimediaMessageContent {
  /** The image (type `IMAGE`): PNG or JPEG. */
  img?: MultimediaFile | null;
  /** The document (type `DOCUMENT`): PDF, DOC, DOCX, PPT, PPTX, XLS or XLSX. */
  document?: MultimediaFile | null;
  /** Shown with the file; at most `limits.maxCaptionLength` characters. */
  caption?: string | null;
  /** A plain file name (no path). Default: a `File`'s own name, else the server names the file. */
  fileName?: string | null;
  /** Accepted for compatibility and ignored: the server decides the type from the file's bytes. */
  documentType?: string | null;
}

/** Third argument of `contact.SendMultimediaMessage`. */
export interface SendMultimediaOptions {
  /**
   * Called as the file goes out: `sentBytes` of `totalBytes`. Inline files report
   * 0 when queued and the total once committed; uploads report as the bytes are
   * sent (with `XMLHttpRequest`; with `fetch` only 0 and the total), starting
   * again from 0 if an attempt is retried.
   */
  onProgress?(sentBytes: number, totalBytes: number): void;
}

/** `data.content` of `GetMultimediaMessageInActiveChat`'s resolution. */
export interface MultimediaFileContent {
  caption: string;
  fileName: string;
  /** The type the server detected from the bytes. */
  documentType: DocumentType;
  /** Who sent the message. */
  user: UserRef;
  /** MIME type of the requested rendition. */
  mimeType: string;
  /** Bytes of the requested rendition. */
  size: number;
  /** Pixels of the requested rendition (images only). */
  width?: number;
  height?: number;
  /** Format `link`: an absolute URL that downloads the file without a token until `expiresAt`. */
  url?: string;
  /** Format `link`: when `url` stops working (ISO 8601). */
  expiresAt?: string;
  /** Formats `fullsize` / `thumbnail` of an image: the bytes as Base64. */
  img?: string;
  /** Format `fullsize` of a document: the bytes as Base64. */
  document?: string;
}

/** Resolution of `contact.GetMultimediaMessageInActiveChat`, shaped as the original product's. */
export interface MultimediaMessageResult {
  /** Always `true` (failures reject with a `LiveChatError`). */
  result: true;
  data: {
    chatID: string;
    messageID: string;
    messageType: MediaMessageType;
    format: MediaFormat;
    content: MultimediaFileContent;
  };
  /** Always `null`. */
  error: null;
}
