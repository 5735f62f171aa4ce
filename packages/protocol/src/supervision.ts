/**
 * Transfer, internal notes and supervision: what agents and supervisors say
 * to each other about a chat, and how a chat moves between them. Notes are
 * kept apart from the chat's event log: no customer socket, history page or
 * transcript ever carries one. See `docs/routing.md` and `docs/protocol.md`.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { CHAT_ID_PATTERN, USER_ID_PATTERN } from "./ids.js";
import type { UserRef } from "./payloads.js";

const Rid = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const ChatId = Type.String({ pattern: CHAT_ID_PATTERN, description: "CHAT_<uuid>" });
/** A queue's name, as the routing of queues names them. */
const QueueName = Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$" });
/** The text of a note; the server holds it to `maxTextLength` like a message. */
const NoteText = Type.String({ maxLength: 65_536 });

/**
 * What an internal note is: `note` (an agent's), `whisper` (a supervisor's,
 * written while monitoring), `transfer` (written with a transfer, a
 * reassignment or a take-over; the next agent reads it first).
 */
export type NoteKind = "note" | "whisper" | "transfer";

/** An internal note of a chat: agents and supervisors see it, customers never do. */
export interface InternalNote {
  /** `NOTE_<uuid>`. */
  id: string;
  chatId: string;
  kind: NoteKind;
  /** The text; empty for a transfer without a note. */
  text: string;
  /** Who wrote it. */
  author: UserRef;
  /** When the server stored it (ISO 8601). */
  ts: string;
  /** For `transfer` notes: where the chat went. */
  transfer?: TransferTarget;
}

/** Where a transfer sends a chat: to an agent, or back to a queue. */
export type TransferTarget = { agentId: string; nickname: string } | { queue: string };

/** Agents only: write an internal note into a chat joined or monitored on this socket. */
export const SendNoteFrame = Type.Object(
  { t: Type.Literal("note"), rid: Rid, chatId: ChatId, text: NoteText },
  { additionalProperties: false },
);
export type SendNoteFrame = Static<typeof SendNoteFrame>;

/**
 * Hands a chat to another agent (`agentId`) or back to a queue (`queue`),
 * exactly one of the two, with an optional note the next agent reads first.
 * An agent transfers a chat they are in; a supervisor or admin may transfer
 * (reassign) any chat they monitor. To a queue, the chat moves there and
 * waits (keeping its first wait's place in line): that queue's routing takes
 * it, and an unknown queue is refused with `QUEUE_NOT_FOUND`.
 */
export const TransferFrame = Type.Object(
  {
    t: Type.Literal("transfer"),
    rid: Rid,
    chatId: ChatId,
    agentId: Type.Optional(Type.String({ pattern: USER_ID_PATTERN })),
    queue: Type.Optional(QueueName),
    note: Type.Optional(NoteText),
  },
  { additionalProperties: false },
);
export type TransferFrame = Static<typeof TransferFrame>;

/**
 * Supervisors and admins: take over a chat monitored or joined on this
 * socket. The supervisor joins it (when not in it yet) and every other agent
 * in it leaves; the optional note is stored as a `transfer` note.
 */
export const TakeOverFrame = Type.Object(
  { t: Type.Literal("takeOver"), rid: Rid, chatId: ChatId, note: Type.Optional(NoteText) },
  { additionalProperties: false },
);
export type TakeOverFrame = Static<typeof TakeOverFrame>;

/** The most notes a join or a resume replays to an agent (the newest; older ones stay in the store). */
export const NOTES_REPLAYED = 200;

/** Result of `note`: the stored note. */
export interface SendNoteResult {
  note: InternalNote;
}

/** Result of `transfer` and `takeOver`. */
export interface TransferResult {
  /** The transfer note that was stored. */
  note: InternalNote;
  /** Sequence number of the stored `contactTransferred` event (transfer) or of the supervisor's `userAdded` (take-over; null when already in). */
  seq: number | null;
}

/**
 * A note stored in a chat, sent to every agent socket that joined or
 * monitors the chat; never to a customer's.
 */
export interface NoteFrame {
  t: "note";
  chatId: string;
  note: InternalNote;
}

/**
 * Payload of `contactTransferred`: the chat is being handed to another agent
 * or back to a queue. Customers see it (the widget says "you are being
 * transferred"); the transfer's note is never in it.
 */
export interface ContactTransferredEvent {
  chatId: string;
  /** Who transferred the chat (an agent or a supervisor). */
  user: UserRef;
  /** `agent` when another agent takes it now, `queue` when it waits for one. */
  to: "agent" | "queue";
  /** The queue's name when `to` is `queue`, else null. */
  queue: string | null;
  ts: string;
}

/** A chat as the supervision view gives it (`GET /v1/supervision/chats`). */
export interface SupervisedChat {
  /** `CHAT_<uuid>`. */
  id: string;
  /** `waiting`: no agent in it now; `active`: at least one agent in it. */
  status: "waiting" | "active";
  /** The customer's nickname. */
  nickname: string;
  createdAt: string;
  /** The agents in the chat now. */
  agents: { id: string; nickname: string; joinedAt: string }[];
  /** Seconds the chat has waited without an agent: since it started or since its last agent left (0 while active). */
  waitSeconds: number;
  /** Seconds since the agent in it now joined (the earliest of them), 0 while waiting. */
  handleSeconds: number;
  /** The chat's queue: where it started, or where a transfer last sent it. */
  queue: string | null;
}

/** `GET /v1/supervision/chats` query. */
export const SupervisionChatsQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal("waiting"), Type.Literal("active")])),
    /** At most this many chats (1 to 500, the default). */
    limit: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,2}$" })),
  },
  { additionalProperties: false },
);
export type SupervisionChatsQuery = Static<typeof SupervisionChatsQuery>;

const SupervisedChatSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal("waiting"), Type.Literal("active")]),
  nickname: Type.String(),
  createdAt: Type.String(),
  agents: Type.Array(Type.Object({ id: Type.String(), nickname: Type.String(), joinedAt: Type.String() })),
  waitSeconds: Type.Integer({ minimum: 0 }),
  handleSeconds: Type.Integer({ minimum: 0 }),
  queue: Type.Union([Type.String(), Type.Null()]),
});

/** Answer to `GET /v1/supervision/chats`: waiting chats first (longest wait first), then active ones. */
export const SupervisionChatsResponse = Type.Object({ chats: Type.Array(SupervisedChatSchema) });
export interface SupervisionChatsResponse {
  chats: SupervisedChat[];
}
