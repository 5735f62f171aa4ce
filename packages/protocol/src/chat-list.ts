/**
 * What agents see of chats as a whole, outside any one chat: the paged REST
 * list (`GET /v1/chats`) and the realtime chat feed (`watchChats`, then
 * `chatFeed` frames). See `docs/rest.md` and `docs/protocol.md`.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import type { CallData, UserRef } from "./payloads.js";

/**
 * Where a chat stands for agents: `waiting` (active, no agent in it now),
 * `active` (active, at least one agent in it), `ended`.
 */
export type ChatListStatus = "waiting" | "active" | "ended";

/** An agent who is or was in a chat. */
export interface ChatAgent {
  id: string;
  nickname: string;
  /** Whether the agent is in the chat now (joined and not left). */
  isPresent: boolean;
}

/** A short view of a message: its kind and its text, url or file name. */
export interface MessagePreview {
  id: string;
  kind: "text" | "link" | "image" | "document";
  /** The text, the url, or the file name, cut to 200 characters. */
  text: string;
  user: UserRef;
  ts: string;
}

/** A chat as the feed describes it. */
export interface ChatSummary {
  /** `CHAT_<uuid>`. */
  id: string;
  status: ChatListStatus;
  /** The customer's nickname. */
  nickname: string;
  createdAt: string;
  endedAt: string | null;
  /** Every agent who ever joined, in the order they first joined. */
  agents: ChatAgent[];
  /** Sequence number of the chat's last stored event: of two summaries of a chat, keep the higher. */
  lastSeq: number;
}

/** A chat as the REST list and the feed's snapshot give it: the summary and its first message. */
export interface ChatListItem extends ChatSummary {
  /** The chat's first message, or null while there is none. */
  firstMessage: MessagePreview | null;
  /** The chat's call data (`{}` when none). */
  callData: CallData;
}

/** Most `callData.<key>` filters one `GET /v1/chats` may hold. */
export const CHAT_LIST_MAX_CALL_DATA_FILTERS = 5;

/** `GET /v1/chats` query. */
export const ChatListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal("waiting"), Type.Literal("active"), Type.Literal("ended")])),
    /** A chat id (exact) or part of a customer's nickname (case-insensitive). */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,4}$" })),
    /** `nextCursor` of the previous page. */
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    /** The agent token or API key, for integrations that cannot set a header (prefer `Authorization: Bearer`). */
    ctlivetoken: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    /** `true`: only the active chats the calling agent is in now (their "My chats"), newest first, in one page. */
    mine: Type.Optional(Type.Union([Type.Literal("true"), Type.Literal("false")])),
  },
  {
    additionalProperties: false,
    // `callData.<key>=<value>`: only chats whose call data holds that value (every filter given must match).
    patternProperties: { "^callData\\.[A-Za-z0-9_.-]{1,64}$": Type.String({ maxLength: 1024 }) },
    maxProperties: 7 + 5,
  },
);
export type ChatListQuery = Static<typeof ChatListQuery>;

/** Default and largest page of `GET /v1/chats`. */
export const CHAT_LIST_DEFAULT_LIMIT = 50;
export const CHAT_LIST_MAX_LIMIT = 200;

/** Answer to `GET /v1/chats`: newest first. */
export interface ChatListResponse {
  chats: ChatListItem[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Result of `watchChats`: the open chats (waiting and active), newest first, at most 500. */
export interface WatchChatsResult {
  chats: ChatListItem[];
}

/** Most open chats a `watchChats` snapshot holds. */
export const WATCH_SNAPSHOT_LIMIT = 500;

/**
 * One change of the chat feed.
 * - `started`: a customer started a chat (it is waiting).
 * - `updated`: someone joined or left (an agent took it, or left it waiting again).
 * - `ended`: the chat ended.
 * - `message`: a message in a chat that is waiting (so a queue can show the first one).
 */
export type ChatFeedUpdate =
  | { change: "started" | "updated" | "ended"; chat: ChatSummary }
  | { change: "message"; chatId: string; lastSeq: number; message: MessagePreview };

/** A change of the chat feed, sent to each agent socket that asked `watchChats`. */
export type ChatFeedFrame = { t: "chatFeed" } & ChatFeedUpdate;
