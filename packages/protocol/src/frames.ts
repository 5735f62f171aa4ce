/**
 * WebSocket frames. Every frame is a JSON object with a `t` (type) field and is
 * a member of one discriminated union per direction. Client frames have
 * TypeBox schemas: the server validates every inbound frame against them
 * before dispatch. Server frames are typed for the SDK.
 *
 * See `docs/protocol.md` for the rules (hello, requests and replies,
 * sequence numbers and resume, close codes).
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { PROTOCOL_VERSION } from "./constants.js";
import { CHAT_ID_PATTERN, MESSAGE_ID_PATTERN } from "./ids.js";
import type { ChatFeedFrame } from "./chat-list.js";
import { SetStatusFrame, type PresenceFrame } from "./desk.js";
import { SetCallDataFrame } from "./call-data.js";
import type { QueuePositionFrame } from "./queue-position.js";
import type { WireError } from "./errors.js";
import type { Limits } from "./limits.js";
import type { DocumentType, MediaFormat, MediaMessageType, MediaRendition } from "./media.js";
import type {
  CallData,
  ContactEventMap,
  ContactInfo,
  EventPayloads,
  HistoryEntry,
  MultimediaMessageEvent,
  StoredEventName,
  User,
  UserRef,
} from "./payloads.js";


const ChatId = Type.String({ pattern: CHAT_ID_PATTERN, description: "CHAT_<uuid>" });
const MessageId = Type.String({ pattern: MESSAGE_ID_PATTERN, description: "MSG_<uuid>" });
/** Request id chosen by the client; echoed in the reply. */
const Rid = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** Client-chosen id making a send idempotent. */
const ClientId = Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" });
const Seq = Type.Integer({ minimum: 0 });

/** First frame on every socket: authenticates the session. */
export const HelloFrame = Type.Object(
  {
    t: Type.Literal("hello"),
    token: Type.String({ minLength: 1, maxLength: 4096 }),
    v: Type.Literal(PROTOCOL_VERSION),
  },
  { additionalProperties: false },
);

/** Join a chat, or re-join it after a reconnect from `afterSeq`. */
export const JoinFrame = Type.Object(
  {
    t: Type.Literal("join"),
    rid: Rid,
    chatId: ChatId,
    nickname: Type.Optional(Type.String({ maxLength: 256 })),
    /** Resume: replay every stored event with a sequence number greater than this. */
    afterSeq: Type.Optional(Seq),
  },
  { additionalProperties: false },
);

/** Leave a chat; it stays open for the others. */
export const LeaveFrame = Type.Object(
  { t: Type.Literal("leave"), rid: Rid, chatId: ChatId },
  { additionalProperties: false },
);

/** End a chat for every participant. */
export const EndFrame = Type.Object(
  { t: Type.Literal("end"), rid: Rid, chatId: ChatId },
  { additionalProperties: false },
);

/** Send a text message. Repeating a `clientId` returns the original message. */
export const SendTextFrame = Type.Object(
  {
    t: Type.Literal("send"),
    rid: Rid,
    chatId: ChatId,
    clientId: ClientId,
    kind: Type.Literal("text"),
    text: Type.String(),
  },
  { additionalProperties: false },
);

/** Send a link. Repeating a `clientId` returns the original message. */
export const SendLinkFrame = Type.Object(
  {
    t: Type.Literal("send"),
    rid: Rid,
    chatId: ChatId,
    clientId: ClientId,
    kind: Type.Literal("link"),
    url: Type.String(),
  },
  { additionalProperties: false },
);

/** Pattern of an upload id, as `POST /v1/contacts/:chatId/uploads` returns it. */
export const UPLOAD_ID_PATTERN = "^UPLOAD_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

const MediaMessageTypeSchema = Type.Union([Type.Literal("IMAGE"), Type.Literal("DOCUMENT")]);

/**
 * Send an image or a document: either inline as Base64 in `data` (files up to
 * `maxInlineMediaBytes`), or by `uploadId`, naming a file uploaded over HTTP
 * before. Exactly one of the two. The file's type is decided from its bytes;
 * `documentType` is accepted for compatibility and otherwise ignored.
 * Repeating a `clientId` returns the original message.
 */
export const SendMediaFrame = Type.Object(
  {
    t: Type.Literal("send"),
    rid: Rid,
    chatId: ChatId,
    clientId: ClientId,
    kind: Type.Literal("media"),
    messageType: MediaMessageTypeSchema,
    data: Type.Optional(Type.String()),
    uploadId: Type.Optional(Type.String({ pattern: UPLOAD_ID_PATTERN })),
    caption: Type.Optional(Type.String()),
    fileName: Type.Optional(Type.String()),
    documentType: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: false },
);

/** Ask for a short-lived download URL of a multimedia message's file, with its metadata. */
export const MediaFrame = Type.Object(
  {
    t: Type.Literal("media"),
    rid: Rid,
    chatId: ChatId,
    messageId: MessageId,
    format: Type.Optional(Type.Union([Type.Literal("fullsize"), Type.Literal("thumbnail"), Type.Literal("link")])),
  },
  { additionalProperties: false },
);

/** A delivery (`received`) or read (`seen`) receipt for one message. */
export const ReceiptFrame = Type.Object(
  {
    t: Type.Literal("receipt"),
    rid: Type.Optional(Rid),
    chatId: ChatId,
    messageId: MessageId,
    kind: Type.Union([Type.Literal("received"), Type.Literal("seen")]),
  },
  { additionalProperties: false },
);

/** Started (`true`) or stopped (`false`) writing. Volatile: never stored, never answered. */
export const TypingFrame = Type.Object(
  { t: Type.Literal("typing"), chatId: ChatId, bwrite: Type.Boolean() },
  { additionalProperties: false },
);

/** Ask for a page of a chat's messages, newest first, before a sequence number. */
export const HistoryFrame = Type.Object(
  {
    t: Type.Literal("history"),
    rid: Rid,
    chatId: ChatId,
    beforeSeq: Type.Optional(Seq),
    limit: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

/** Application-level heartbeat; answered with `pong`. */
export const PingFrame = Type.Object(
  { t: Type.Literal("ping"), rid: Type.Optional(Rid) },
  { additionalProperties: false },
);

/**
 * Agents only: follow every chat of the server. The reply is a snapshot of
 * the open chats ({@link WatchChatsResult}); `chatFeed` frames follow with
 * each change until the socket closes. Asking again sends a fresh snapshot.
 */
export const WatchChatsFrame = Type.Object(
  { t: Type.Literal("watchChats"), rid: Rid },
  { additionalProperties: false },
);

/** Schemas of every client frame, keyed by `t` (send has one schema per `kind`). */
export const CLIENT_FRAME_SCHEMAS = {
  hello: HelloFrame,
  join: JoinFrame,
  leave: LeaveFrame,
  end: EndFrame,
  send: Type.Union([SendTextFrame, SendLinkFrame, SendMediaFrame]),
  receipt: ReceiptFrame,
  typing: TypingFrame,
  history: HistoryFrame,
  media: MediaFrame,
  ping: PingFrame,
  watchChats: WatchChatsFrame,
  setStatus: SetStatusFrame,
  setCallData: SetCallDataFrame,
} as const;

/** Type names of client frames. */
export type ClientFrameType = keyof typeof CLIENT_FRAME_SCHEMAS;

/** A client frame of each type. */
export type HelloFrame = Static<typeof HelloFrame>;
export type JoinFrame = Static<typeof JoinFrame>;
export type LeaveFrame = Static<typeof LeaveFrame>;
export type EndFrame = Static<typeof EndFrame>;
export type SendTextFrame = Static<typeof SendTextFrame>;
export type SendLinkFrame = Static<typeof SendLinkFrame>;
export type SendMediaFrame = Static<typeof SendMediaFrame>;
export type SendFrame = SendTextFrame | SendLinkFrame | SendMediaFrame;
export type MediaFrame = Static<typeof MediaFrame>;
export type ReceiptFrame = Static<typeof ReceiptFrame>;
export type TypingFrame = Static<typeof TypingFrame>;
export type HistoryFrame = Static<typeof HistoryFrame>;
export type PingFrame = Static<typeof PingFrame>;
export type WatchChatsFrame = Static<typeof WatchChatsFrame>;

/** Any frame a client may send. */
export type ClientFrame =
  | HelloFrame
  | JoinFrame
  | LeaveFrame
  | EndFrame
  | SendFrame
  | ReceiptFrame
  | TypingFrame
  | HistoryFrame
  | MediaFrame
  | PingFrame
  | WatchChatsFrame
  | SetStatusFrame
  | SetCallDataFrame;

// ---------------------------------------------------------------------------
// Server → client

/** Who the session belongs to, as the server sees its token. */
export interface SessionIdentity {
  /** `USER_<uuid>`: the same for every chat the user is in. */
  userId: string;
  /** `"agent"` or `"customer"`. */
  role: "agent" | "customer";
  /** Default nickname (agent display name or customer nickname). */
  nickname: string;
  /** For customers: the one chat the token opens. */
  chatId?: string;
}

/** Answer to a valid `hello`. */
export interface WelcomeFrame {
  t: "welcome";
  /** Server-chosen id of this socket session (for logs and support). */
  sessionId: string;
  identity: SessionIdentity;
  /** The limits in force on this server. */
  limits: Limits;
  /** Server time (ISO 8601), for clock-skew display only. */
  serverTime: string;
}

/** Answer to a request frame carrying `rid`. */
export type ReplyFrame =
  | { t: "reply"; rid: number; ok: true; result: unknown }
  | { t: "reply"; rid: number; ok: false; error: WireError };

/**
 * A stored event of one chat. `seq` increases by exactly one per stored event
 * of that chat; a client resumes by re-joining with `afterSeq` = the last
 * `seq` it handled. A union over the event names: `switch (frame.name)`
 * narrows `frame.data`.
 */
export type EventFrame<N extends StoredEventName = StoredEventName> = {
  [K in N]: {
    t: "event";
    chatId: string;
    seq: number;
    name: K;
    data: EventPayloads[K];
  };
}[N];

/** A volatile event (typing): no sequence number, may be dropped under backpressure. */
export interface SignalFrame {
  t: "signal";
  chatId: string;
  name: "isWriting";
  data: ContactEventMap["isWriting"];
}

/** An error about a frame that had no `rid` to reply to (e.g. malformed JSON). */
export interface ErrorFrame {
  t: "error";
  error: WireError;
}

/** Answer to `ping`. */
export interface PongFrame {
  t: "pong";
  rid?: number;
}

/** Any frame the server sends. */
export type ServerFrame = WelcomeFrame | ReplyFrame | EventFrame | SignalFrame | ErrorFrame | PongFrame | ChatFeedFrame | PresenceFrame | QueuePositionFrame;

// ---------------------------------------------------------------------------
// Results of requests

/** Result of `join`. Sent after any replayed events (when `afterSeq` was given). */
export interface JoinResult {
  contact: ContactInfo;
  /** The joiner as a participant of this chat. */
  user: User;
  /** Everyone currently in the chat, the joiner included. */
  participants: User[];
  /** Sequence number of the last stored event the joiner has been given (replayed or skipped). */
  lastSeq: number;
  /**
   * On a first join (no `afterSeq`): the newest page of messages, oldest first.
   * On a resume: empty (the missed events were replayed as event frames).
   */
  history: { messages: HistoryEntry[]; hasMore: boolean };
  /** Agents only: the chat's call data (customers' joins have none). */
  callData?: CallData;
}

/** Result of `send`. */
export interface SendResult {
  /** `MSG_<uuid>` of the message (the original one when `clientId` was seen before). */
  id: string;
  /** Sequence number of the message in the chat's log. */
  seq: number;
  ts: string;
  /** True when this `clientId` had been committed before and nothing new was stored. */
  duplicate: boolean;
  /** Media sends: the message as the others receive it, but without the Base64 (so `content.inline` is false here). */
  message?: MultimediaMessageEvent;
}

/**
 * Result of `media`: the file's metadata and a signed download URL of the
 * requested format (`link` and `fullsize` give the stored file). The URL needs
 * no token and expires at `expiresAt`.
 */
export interface MediaResult {
  chatID: string;
  messageID: string;
  messageType: MediaMessageType;
  format: MediaFormat;
  /** Absolute path of the download (`/v1/…?expires=…&signature=…`); prefix it with the server's URL. */
  url: string;
  expiresAt: string;
  content: {
    caption: string;
    fileName: string;
    documentType: DocumentType;
    user: UserRef;
  } & MediaRendition;
}

/** Result of `history`: messages oldest first. */
export interface HistoryResult {
  messages: HistoryEntry[];
  /** Whether older messages exist before the first one returned. */
  hasMore: boolean;
  /** Agents only: the chat's call data now. */
  callData?: CallData;
}

/** Result of `leave` and `end`. */
export interface AckResult {
  /** Sequence number of the stored `userLeft` / `contactEnded` event, or null if nothing changed. */
  seq: number | null;
}

/** Result of `receipt` (only when `rid` was given). */
export interface ReceiptResult {
  /** Sequence number of the stored receipt event, or null when it was already recorded. */
  seq: number | null;
}

/** Re-export for convenience. */
export type { UserRef };
