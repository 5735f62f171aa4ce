/**
 * TypeBox schemas of the objects REST answers carry that are also socket
 * payloads (users, media renditions, history messages, chat list items).
 * Their TypeScript types stay interfaces (payloads.ts, chat-list.ts, the
 * SDK's public types); each schema is checked against its interface at
 * compile time, so the two cannot drift apart.
 * @module
 */
import { Type, type Static, type TSchema } from "@sinclair/typebox";
import type { ChatAgent, ChatListItem, MessagePreview } from "./chat-list.js";
import { DOCUMENT_TYPES, type MediaRendition } from "./media.js";
import type { HistoryMessage, MultimediaContent, UserRef } from "./payloads.js";

/** True when `S` describes exactly the values of `T` (each assignable to the other). */
type Describes<S extends TSchema, T> = [Static<S>] extends [T] ? ([T] extends [Static<S>] ? true : false) : false;

/** A participant as it appears inside messages. */
export const UserRefSchema = Type.Object({ id: Type.String(), nickname: Type.String(), isAgent: Type.Boolean() });

/** Size and shape of one stored rendition of a file. */
export const MediaRenditionSchema = Type.Object({
  mimeType: Type.String(),
  size: Type.Integer(),
  width: Type.Optional(Type.Integer()),
  height: Type.Optional(Type.Integer()),
});

/** `IMAGE` or `DOCUMENT`. */
export const MediaMessageTypeSchema = Type.Union([Type.Literal("IMAGE"), Type.Literal("DOCUMENT")]);

/** The type detected from a file's bytes. */
export const DocumentTypeSchema = Type.Union(DOCUMENT_TYPES.map((type) => Type.Literal(type)));

/** A multimedia message's content: its caption and the file's metadata (never Base64 in REST answers). */
export const MultimediaContentSchema = Type.Object({
  caption: Type.String(),
  fileName: Type.String(),
  documentType: DocumentTypeSchema,
  mimeType: Type.String(),
  size: Type.Integer(),
  width: Type.Optional(Type.Integer()),
  height: Type.Optional(Type.Integer()),
  thumbnail: Type.Optional(MediaRenditionSchema),
  inline: Type.Boolean(),
  img: Type.Optional(Type.String()),
  document: Type.Optional(Type.String()),
  user: UserRefSchema,
});

/** One choice of a menu or quick reply. */
const StoredMenuOptionSchema = Type.Object({
  id: Type.String(),
  text: Type.String(),
  command: Type.Optional(Type.String()),
  targetUrl: Type.Optional(Type.String()),
  params: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/** A message as history and transcripts give it. */
export const HistoryMessageSchema = Type.Object({
  id: Type.String(),
  messageType: Type.Union([
    Type.Literal("TEXT"),
    Type.Literal("LINK"),
    MediaMessageTypeSchema,
    Type.Literal("MENU"),
    Type.Literal("QUICK_REPLY"),
    Type.Literal("MENU_RESPONSE"),
    Type.Literal("QUICK_REPLY_RESPONSE"),
  ]),
  content: Type.Union([
    Type.Object({ text: Type.String(), user: UserRefSchema }),
    Type.Object({ url: Type.String(), user: UserRefSchema }),
    MultimediaContentSchema,
    Type.Object({ text: Type.String(), options: Type.Array(StoredMenuOptionSchema), user: UserRefSchema }),
    Type.Object({ menuId: Type.String(), option: StoredMenuOptionSchema, user: UserRefSchema }),
  ]),
  ts: Type.String(),
  /** The same instant as `ts`, in epoch milliseconds. */
  tsMs: Type.Number(),
  seq: Type.Integer(),
  replyTo: Type.Null(),
  deliverySuccess: Type.Boolean(),
  deliveryErrorReason: Type.Union([Type.String(), Type.Null()]),
});

/** An agent who is or was in a chat. */
export const ChatAgentSchema = Type.Object({ id: Type.String(), nickname: Type.String(), isPresent: Type.Boolean() });

/** A short view of a message. */
export const MessagePreviewSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal("text"), Type.Literal("link"), Type.Literal("image"), Type.Literal("document")]),
  text: Type.String(),
  user: UserRefSchema,
  ts: Type.String(),
});

/** A chat as the REST list gives it. */
export const ChatListItemSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal("waiting"), Type.Literal("active"), Type.Literal("ended")]),
  nickname: Type.String(),
  createdAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  agents: Type.Array(ChatAgentSchema),
  lastSeq: Type.Integer(),
  /** The queue the chat is in. */
  queue: Type.Optional(Type.String()),
  /** When the customer first started waiting (ISO 8601). */
  firstWaitAt: Type.Optional(Type.String()),
  /** The chat's call data (`{}` when none). */
  callData: Type.Record(Type.String(), Type.String()),
  firstMessage: Type.Union([MessagePreviewSchema, Type.Null()]),
});

/** Answer to `GET /v1/chats`. */
export const ChatListResponseSchema = Type.Object({
  chats: Type.Array(ChatListItemSchema),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

// Compile-time checks: each schema describes its interface exactly.
const describes: [
  Describes<typeof UserRefSchema, UserRef>,
  Describes<typeof MediaRenditionSchema, MediaRendition>,
  Describes<typeof MultimediaContentSchema, MultimediaContent>,
  Describes<typeof HistoryMessageSchema, HistoryMessage>,
  Describes<typeof ChatAgentSchema, ChatAgent>,
  Describes<typeof MessagePreviewSchema, MessagePreview>,
  Describes<typeof ChatListItemSchema, ChatListItem>,
] = [true, true, true, true, true, true, true];
void describes;
