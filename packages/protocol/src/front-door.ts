/**
 * The customer's front door and way out: the satisfaction survey after a
 * chat, a queue's business hours and whether it is open now, and the
 * messages customers leave while nobody can answer. Queues are named by
 * text (`default` when a chat has none); their settings are kept by name.
 * @module
 */
import { QUEUE_NAME_PATTERN } from "./queues.js";
import { Type, type Static } from "@sinclair/typebox";



/** Most extra questions a survey asks besides its rating and comment. */
export const MAX_SURVEY_QUESTIONS = 5;
/** Longest survey comment or text answer, in characters. */
export const MAX_SURVEY_TEXT_LENGTH = 2000;
/** Longest question label, in characters. */
export const MAX_SURVEY_LABEL_LENGTH = 200;
/** Default time a customer has to answer, from the end of the chat: 24 hours. */
export const DEFAULT_SURVEY_EXPIRY_MINUTES = 24 * 60;

/** `GET/PUT /v1/queues/:queue/...` and `/v1/surveys/:queue`: the queue named in the path. */
export const QueueSettingsParams = Type.Object({ queue: Type.String({ pattern: QUEUE_NAME_PATTERN }) });
export type QueueSettingsParams = Static<typeof QueueSettingsParams>;

/** One extra question of a survey: a rating on the survey's scale, or a free text. */
export const SurveyQuestion = Type.Object(
  {
    /** Names the answer: `q1`, `resolved`… (letters, digits, dashes, underscores). */
    id: Type.String({ pattern: "^[A-Za-z0-9_-]{1,32}$" }),
    kind: Type.Union([Type.Literal("rating"), Type.Literal("text")]),
    label: Type.String({ minLength: 1, maxLength: MAX_SURVEY_LABEL_LENGTH }),
    /** Whether the customer must answer it. */
    required: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SurveyQuestion = Static<typeof SurveyQuestion>;

/** A queue's survey, as admins set it (`PUT /v1/surveys/:queue`). */
export const SurveyConfig = Type.Object(
  {
    /** Whether the customer is asked at all when a chat of the queue ends. */
    enabled: Type.Boolean(),
    /** The rating's lowest and highest scores (`1`–`5` by default). */
    scale: Type.Object({ min: Type.Integer({ minimum: 0, maximum: 1 }), max: Type.Integer({ minimum: 2, maximum: 10 }) }, { additionalProperties: false }),
    /** Whether an optional comment is offered. */
    comment: Type.Boolean(),
    questions: Type.Array(SurveyQuestion, { maxItems: MAX_SURVEY_QUESTIONS }),
    /** How long after the end of the chat the survey can be answered. */
    expiryMinutes: Type.Integer({ minimum: 1, maximum: 30 * 24 * 60 }),
  },
  { additionalProperties: false },
);
export type SurveyConfig = Static<typeof SurveyConfig>;

/** The survey of a queue no admin configured: a 1–5 rating and an optional comment, for 24 hours. */
export const DEFAULT_SURVEY: SurveyConfig = {
  enabled: true,
  scale: { min: 1, max: 5 },
  comment: true,
  questions: [],
  expiryMinutes: DEFAULT_SURVEY_EXPIRY_MINUTES,
};

/** `POST /v1/chats/:chatId/survey`: the customer's answers, checked against the queue's survey. */
export const SurveyAnswerBody = Type.Object(
  {
    rating: Type.Integer({ minimum: 0, maximum: 10 }),
    comment: Type.Optional(Type.String({ maxLength: MAX_SURVEY_TEXT_LENGTH })),
    /** Answers to the extra questions, by question id: a score or a text. */
    answers: Type.Optional(
      Type.Record(Type.String({ pattern: "^[A-Za-z0-9_-]{1,32}$" }), Type.Union([Type.Integer({ minimum: 0, maximum: 10 }), Type.String({ maxLength: MAX_SURVEY_TEXT_LENGTH })]), {
        maxProperties: MAX_SURVEY_QUESTIONS,
      }),
    ),
  },
  { additionalProperties: false },
);
export type SurveyAnswerBody = Static<typeof SurveyAnswerBody>;

/** A submitted survey, stored with its chat. */
export interface SurveyResult {
  chatId: string;
  queue: string;
  /** The agent who last took part in the chat; null when none did. */
  agentId: string | null;
  rating: number;
  comment: string | null;
  answers: Record<string, number | string>;
  submittedAt: string;
}

/** `GET /v1/chats/:chatId/survey`: the survey of an ended chat, and its answers once given. */
export interface ChatSurveyResponse {
  /** The questions; null when the queue asks none. */
  config: SurveyConfig | null;
  /** Until when the customer may answer; null while the chat is active. */
  expiresAt: string | null;
  result: SurveyResult | null;
}

/** A weekly interval of opening, in the queue's zone: day 0 is Sunday; `HH:MM`, close after open. */
export const OpeningInterval = Type.Object(
  {
    day: Type.Integer({ minimum: 0, maximum: 6 }),
    open: Type.String({ pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$" }),
    /** `24:00` closes at midnight. */
    close: Type.String({ pattern: "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$" }),
  },
  { additionalProperties: false },
);
export type OpeningInterval = Static<typeof OpeningInterval>;

/** A queue's business hours (`PUT /v1/queues/:name/hours`). */
export const BusinessHours = Type.Object(
  {
    /** An IANA zone, e.g. `Europe/Paris`. */
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    weekly: Type.Array(OpeningInterval, { maxItems: 70 }),
    /** Whole days closed, `YYYY-MM-DD` in the queue's zone. */
    holidays: Type.Array(Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$" }), { maxItems: 400 }),
  },
  { additionalProperties: false },
);
export type BusinessHours = Static<typeof BusinessHours>;

/** `GET /v1/queues/:name/hours`: null when none are set (always open). */
export interface BusinessHoursResponse {
  hours: BusinessHours | null;
}

/** `GET /v1/availability`: the queue asked about, and the tenant when no host names it. */
export const AvailabilityQuery = Type.Object(
  {
    queue: Type.Optional(Type.String({ pattern: QUEUE_NAME_PATTERN })),
    tenant: Type.Optional(Type.String({ maxLength: 63 })),
  },
  { additionalProperties: false },
);
export type AvailabilityQuery = Static<typeof AvailabilityQuery>;

/** Why a queue is, or is not, taking chats now. */
export type AvailabilityReason = "open" | "outsideHours" | "holiday" | "noAgent";

/** `GET /v1/availability`: whether a chat started now would be answered. */
export interface AvailabilityResponse {
  open: boolean;
  agentsAvailable: boolean;
  reason: AvailabilityReason;
}

/** Longest offline message, in characters. */
export const MAX_OFFLINE_MESSAGE_LENGTH = 4000;
/** Longest name on an offline message. */
export const MAX_OFFLINE_NAME_LENGTH = 128;
/** Longest e-mail address (RFC 5321's path limit). */
export const MAX_EMAIL_LENGTH = 254;
/** Most offline messages a tenant keeps unanswered; past it new ones are refused until some are answered. */
export const MAX_OPEN_OFFLINE_MESSAGES = 10_000;

/** `POST /v1/offline-messages`: a customer leaves a message while the queue is closed. */
export const OfflineMessageBody = Type.Object(
  {
    tenant: Type.Optional(Type.String({ maxLength: 63 })),
    queue: Type.Optional(Type.String({ pattern: QUEUE_NAME_PATTERN })),
    name: Type.String({ minLength: 1, maxLength: MAX_OFFLINE_NAME_LENGTH }),
    email: Type.String({ minLength: 3, maxLength: MAX_EMAIL_LENGTH }),
    message: Type.String({ minLength: 1, maxLength: MAX_OFFLINE_MESSAGE_LENGTH }),
    /** The customer agreed to be contacted (the widget asks when the site requires it). */
    consent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type OfflineMessageBody = Static<typeof OfflineMessageBody>;

/** Where an offline message stands: `new`, opened by an agent (`read`), or `answered`. */
export type OfflineMessageState = "new" | "read" | "answered";

/** An offline message as agents list it. */
export interface OfflineMessage {
  id: string;
  queue: string;
  name: string;
  email: string;
  message: string;
  consent: boolean;
  state: OfflineMessageState;
  createdAt: string;
  /** The agent who marked it answered, and when. */
  answeredBy: string | null;
  answeredAt: string | null;
}

/** `GET /v1/offline-messages`: newest first, a page at a time. */
export const OfflineMessageListQuery = Type.Object(
  {
    state: Type.Optional(Type.Union([Type.Literal("new"), Type.Literal("read"), Type.Literal("answered")])),
    /** The `createdAt|id` of the last message of the previous page. */
    before: Type.Optional(Type.String({ maxLength: 128 })),
    limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,3}$" })),
  },
  { additionalProperties: false },
);
export type OfflineMessageListQuery = Static<typeof OfflineMessageListQuery>;

export interface OfflineMessageListResponse {
  messages: OfflineMessage[];
  nextCursor: string | null;
}

/** `PATCH /v1/offline-messages/:id`: an agent marks a message read or answered. */
export const OfflineMessageUpdateBody = Type.Object(
  { state: Type.Union([Type.Literal("read"), Type.Literal("answered")]) },
  { additionalProperties: false },
);
export type OfflineMessageUpdateBody = Static<typeof OfflineMessageUpdateBody>;

/** An offline message's id: `OFF_<uuid>`. */
export const OfflineMessageParams = Type.Object({ id: Type.String({ pattern: "^OFF_[0-9a-f-]{36}$" }) });
export type OfflineMessageParams = Static<typeof OfflineMessageParams>;

/**
 * An e-mail address as forms accept it: one `@`, a local part and a domain
 * with a dot, no spaces, controls or angle brackets. Deliverability is not
 * judged; a typo-free shape is.
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > MAX_EMAIL_LENGTH) return false;
  return /^[^\s@<>()[\]\\,;:"\p{Cc}\p{Cf}]{1,64}@[A-Za-z0-9\p{L}](?:[A-Za-z0-9\p{L}-]*[A-Za-z0-9\p{L}])?(?:\.[A-Za-z0-9\p{L}](?:[A-Za-z0-9\p{L}-]*[A-Za-z0-9\p{L}])?)+$/u.test(value);
}

/**
 * Controls (C0, DEL, C1), line and paragraph separators, format characters
 * (bidi overrides, zero-width characters, the BOM) and the backslash.
 */
const UNSAFE_IN_LINE = /[\p{Cc}\p{Cf}\u2028\u2029\\]/gu;

/**
 * Text kept on one transcript line: `\n`, `\r`, `\t` and `\\` as such, other
 * unsafe characters as `\u{…}`, so no message can forge another line or author.
 * The console's transcript applies the same rule.
 */
export function escapeTranscriptLine(text: string): string {
  return text.replace(UNSAFE_IN_LINE, (char) => {
    if (char === "\\") return "\\\\";
    if (char === "\n") return "\\n";
    if (char === "\r") return "\\r";
    if (char === "\t") return "\\t";
    return `\\u{${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;
  });
}
