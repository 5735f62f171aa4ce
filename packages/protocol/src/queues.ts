/**
 * Queues and routing: a chat starts into a named queue, and the queue's
 * routing mode decides how it reaches an agent — picked from the waiting list
 * (`manual`), offered to one agent at a time (`auto`), or left to an outside
 * router (`external`). See `docs/routing.md`.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { CHAT_ID_PATTERN, USER_ID_PATTERN } from "./ids.js";

/** The queue a chat starts into when none is named. Every tenant has it. */
export const DEFAULT_QUEUE = "default";

/** A queue's name: lowercase letters, digits, dashes and underscores, 1 to 64 characters. */
export const QUEUE_NAME_PATTERN = "^[a-z0-9][a-z0-9_-]{0,63}$";

/**
 * How a queue's chats reach agents:
 * - `manual`: agents pick chats from the waiting list;
 * - `auto`: each chat is offered to one available member at a time;
 * - `external`: Parley only announces waiting chats; an outside router calls `joinContact`.
 */
export const ROUTING_MODES = ["manual", "auto", "external"] as const;
/** One of {@link ROUTING_MODES}. */
export type RoutingMode = (typeof ROUTING_MODES)[number];

/**
 * What happens to a chat that waits longer than its queue's waiting limit:
 * - `tell`: the customer is told (a stored `queueNotice` event) and keeps waiting;
 * - `keep`: nothing is done, the chat keeps waiting;
 * - `close`: the customer is told and the chat ends.
 */
export const WAIT_LIMIT_ACTIONS = ["tell", "keep", "close"] as const;
/** One of {@link WAIT_LIMIT_ACTIONS}. */
export type WaitLimitAction = (typeof WAIT_LIMIT_ACTIONS)[number];

/** Seconds an agent has to accept an offer unless the queue says otherwise. */
export const DEFAULT_OFFER_SECONDS = 30;
/** Most members one queue may have. */
export const MAX_QUEUE_MEMBERS = 500;
/** Longest waiting-limit message, in characters. */
export const MAX_WAIT_MESSAGE_LENGTH = 1000;

/** A queue as the REST API lists it. */
export interface QueueInfo {
  name: string;
  mode: RoutingMode;
  /** Seconds an offered agent has to accept (`auto`). */
  offerSeconds: number;
  /** Seconds a chat may wait without an agent before {@link waitLimitAction} applies; null: no limit. */
  waitLimitSeconds: number | null;
  waitLimitAction: WaitLimitAction;
  /** What the customer is told when the limit is reached (`tell`, `close`). */
  waitLimitMessage: string;
  /** Agent ids (`USER_<uuid>`) who take this queue's chats. */
  members: string[];
}

const Mode = Type.Union(ROUTING_MODES.map((mode) => Type.Literal(mode)));
const Action = Type.Union(WAIT_LIMIT_ACTIONS.map((action) => Type.Literal(action)));
const Members = Type.Array(Type.String({ pattern: USER_ID_PATTERN }), { maxItems: MAX_QUEUE_MEMBERS, uniqueItems: true });
const QueueFields = {
  mode: Mode,
  offerSeconds: Type.Integer({ minimum: 5, maximum: 600 }),
  waitLimitSeconds: Type.Union([Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 }), Type.Null()]),
  waitLimitAction: Action,
  waitLimitMessage: Type.String({ maxLength: MAX_WAIT_MESSAGE_LENGTH }),
  members: Members,
};

/** `POST /v1/queues`: an admin creates a queue. */
export const CreateQueueBody = Type.Object(
  {
    name: Type.String({ pattern: QUEUE_NAME_PATTERN }),
    mode: Type.Optional(QueueFields.mode),
    offerSeconds: Type.Optional(QueueFields.offerSeconds),
    waitLimitSeconds: Type.Optional(QueueFields.waitLimitSeconds),
    waitLimitAction: Type.Optional(QueueFields.waitLimitAction),
    waitLimitMessage: Type.Optional(QueueFields.waitLimitMessage),
    members: Type.Optional(QueueFields.members),
  },
  { additionalProperties: false },
);
export type CreateQueueBody = Static<typeof CreateQueueBody>;

/** `PATCH /v1/queues/:name`: an admin changes some of a queue's settings. */
export const UpdateQueueBody = Type.Object(
  {
    mode: Type.Optional(QueueFields.mode),
    offerSeconds: Type.Optional(QueueFields.offerSeconds),
    waitLimitSeconds: Type.Optional(QueueFields.waitLimitSeconds),
    waitLimitAction: Type.Optional(QueueFields.waitLimitAction),
    waitLimitMessage: Type.Optional(QueueFields.waitLimitMessage),
    members: Type.Optional(QueueFields.members),
  },
  { additionalProperties: false },
);
export type UpdateQueueBody = Static<typeof UpdateQueueBody>;

/** The queue of `/v1/queues/:name`. */
export const QueueParams = Type.Object({ name: Type.String({ pattern: QUEUE_NAME_PATTERN }) }, { additionalProperties: false });
export type QueueParams = Static<typeof QueueParams>;

/** TypeBox schema of {@link QueueInfo} (REST responses). */
export const QueueInfoSchema = Type.Object({
  name: Type.String(),
  mode: Mode,
  offerSeconds: Type.Integer(),
  waitLimitSeconds: Type.Union([Type.Integer(), Type.Null()]),
  waitLimitAction: Action,
  waitLimitMessage: Type.String(),
  members: Type.Array(Type.String()),
});

/** Answer to `GET /v1/queues`: every queue of the tenant, by name. */
export interface QueueListResponse {
  queues: QueueInfo[];
}

// -- offers (auto routing) ----------------------------------------------------

const Rid = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const ChatId = Type.String({ pattern: CHAT_ID_PATTERN });

/** Agents only: accept the chat offered to you; the reply is {@link AcceptOfferResult}, then join the chat. */
export const AcceptOfferFrame = Type.Object({ t: Type.Literal("acceptOffer"), rid: Rid, chatId: ChatId }, { additionalProperties: false });
export type AcceptOfferFrame = Static<typeof AcceptOfferFrame>;

/** Agents only: decline the chat offered to you; it moves on to the next agent. The reply is null. */
export const DeclineOfferFrame = Type.Object({ t: Type.Literal("declineOffer"), rid: Rid, chatId: ChatId }, { additionalProperties: false });
export type DeclineOfferFrame = Static<typeof DeclineOfferFrame>;

/** Result of `acceptOffer`: the agent is in the chat (a `userAdded` was stored). */
export interface AcceptOfferResult {
  chatId: string;
}

/** A chat offered to one agent, to accept before `expiresAt`. */
export interface ChatOffer {
  chatId: string;
  queue: string;
  /** The customer's nickname. */
  nickname: string;
  /** When the offer lapses (ISO 8601) and the chat moves to the next agent. */
  expiresAt: string;
  /** Seconds the agent had when the offer was made. */
  offerSeconds: number;
}

/**
 * The server offers a chat to the agent (every socket of theirs; a socket
 * opened while the offer is open gets it after its welcome, `expiresAt` unchanged).
 */
export type OfferFrame = { t: "offer" } & ChatOffer;

/**
 * The offer is no longer open (accepted, declined, lapsed, or the chat was
 * taken or ended): consoles stop ringing.
 */
export interface OfferWithdrawnFrame {
  t: "offerWithdrawn";
  chatId: string;
}
