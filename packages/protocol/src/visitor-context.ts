/**
 * The visitor context: what the widget tells about the customer's browser
 * when a chat starts (`POST /v1/contacts`, field `context`), and the answer
 * of `GET /v1/chats/:chatId/customer`, the customer beside the conversation.
 *
 * Everything here comes from the customer's browser: untrusted, so every
 * field has a budget, checked by {@link visitorContextProblem} with the
 * coded error `VISITOR_CONTEXT_INVALID` (visitor-context-rules.ts).
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { CallDataSchema } from "./call-data.js";

/**
 * The visitor context a customer's browser sends with `POST /v1/contacts`.
 * Every field is optional; lengths and shapes are checked with a coded error
 * (`VISITOR_CONTEXT_INVALID`), the schema only bounds the request.
 */
export const VisitorContextSchema = Type.Object(
  {
    /** The browser's visitor id, so agents see this visitor's previous chats. */
    visitorId: Type.Optional(Type.String({ maxLength: 1024 })),
    /** The browser's language tag. */
    language: Type.Optional(Type.String({ maxLength: 1024 })),
    /** The browser's IANA time zone, so agents see the customer's local time. */
    timeZone: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
/** The visitor context a chat starts with. */
export type VisitorContext = Static<typeof VisitorContextSchema>;


const Nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);

/** The customer of a chat as the console's side panel shows them. */
export const ChatCustomerSchema = Type.Object({
  nickname: Type.String(),
  email: Nullable(Type.String()),
  /** The page the chat was started on, and its title. */
  pageUri: Nullable(Type.String()),
  pageTitle: Nullable(Type.String()),
  /** The browser's user agent string, as sent. */
  userAgent: Nullable(Type.String()),
  language: Nullable(Type.String()),
  timeZone: Nullable(Type.String()),
  /** Whether the browser sent a visitor id (the id itself is not shown). */
  hasVisitorId: Type.Boolean(),
  /** When the chat started (ISO 8601). */
  startedAt: Type.String(),
});
/** The customer of a chat. */
export type ChatCustomer = Static<typeof ChatCustomerSchema>;

/** One earlier chat of the same customer. */
export const PreviousChatSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal("active"), Type.Literal("ended")]),
  createdAt: Type.String(),
  endedAt: Nullable(Type.String()),
  nickname: Type.String(),
  queue: Type.String(),
  /** How it was found: the same e-mail address, the same browser (visitor id), or both. */
  matchedBy: Type.Array(Type.Union([Type.Literal("email"), Type.Literal("visitor")])),
});
/** One earlier chat of the same customer. */
export type PreviousChat = Static<typeof PreviousChatSchema>;

/** At most this many previous chats are listed, newest first. */
export const MAX_PREVIOUS_CHATS = 20;

/** Answer to `GET /v1/chats/:chatId/customer`. */
export const ChatCustomerResponse = Type.Object({
  chatId: Type.String(),
  customer: ChatCustomerSchema,
  /** The chat's call data (the pre-chat form's fields among them). */
  callData: CallDataSchema,
  /** Other chats of the same e-mail address or visitor id, newest first, at most {@link MAX_PREVIOUS_CHATS}. */
  previousChats: Type.Array(PreviousChatSchema),
});
/** Answer to `GET /v1/chats/:chatId/customer`. */
export type ChatCustomerResponse = Static<typeof ChatCustomerResponse>;
