/**
 * Canned responses: texts an agent inserts in the console's composer by
 * typing `/` and their shortcut. `shared` ones belong to the tenant (every
 * agent uses them, supervisors and admins manage them); `personal` ones to the
 * agent who made them. Their text may hold placeholders the console fills
 * from the chat (see {@link CANNED_PLACEHOLDERS}).
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";

/** Pattern of a canned response's id, e.g. `CANNED_eaa2e7c0-9c26-40db-b720-d777ab68078d`. */
export const CANNED_ID_PATTERN = "^CANNED_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/** A shortcut (typed after `/`): lowercase letters, digits and dashes, 1 to 32 characters, starting with a letter or digit. */
export const CANNED_SHORTCUT_PATTERN = "^[a-z0-9][a-z0-9-]{0,31}$";

/** Longest title, in characters. */
export const MAX_CANNED_TITLE_LENGTH = 100;
/** Longest text, in characters (placeholders counted as written). */
export const MAX_CANNED_TEXT_LENGTH = 2000;
/** Most shared canned responses one tenant holds. */
export const MAX_SHARED_CANNED_RESPONSES = 500;
/** Most personal canned responses one agent holds. */
export const MAX_PERSONAL_CANNED_RESPONSES = 100;

/** Whose a canned response is: the tenant's (`shared`) or one agent's (`personal`). */
export const CANNED_SCOPES = ["shared", "personal"] as const;
/** One of {@link CANNED_SCOPES}. */
export type CannedScope = (typeof CANNED_SCOPES)[number];

/**
 * The placeholders a canned response's text may hold, filled by the console
 * when it inserts the text: the chat's customer, the inserting agent, and any
 * call data key as `{{callData.<key>}}`. An unknown or empty one becomes empty text.
 */
export const CANNED_PLACEHOLDERS = ["{{customer.name}}", "{{customer.email}}", "{{agent.name}}", "{{callData.<key>}}"] as const;

/** A canned response as the REST API answers it. */
export interface CannedResponse {
  /** `CANNED_<uuid>`. */
  id: string;
  scope: CannedScope;
  /** The agent it belongs to (`USER_<uuid>`) when personal; null when shared. */
  ownerId: string | null;
  title: string;
  /** Without its `/`. */
  shortcut: string;
  text: string;
  createdAt: string;
  updatedAt: string;
}

const Title = Type.String({ minLength: 1, maxLength: MAX_CANNED_TITLE_LENGTH, pattern: "\\S" });
const Shortcut = Type.String({ pattern: CANNED_SHORTCUT_PATTERN });
const Text = Type.String({ minLength: 1, maxLength: MAX_CANNED_TEXT_LENGTH, pattern: "\\S" });
const Scope = Type.Union(CANNED_SCOPES.map((scope) => Type.Literal(scope)));

/** `POST /v1/canned-responses`: a personal response for yourself, or (supervisors and admins) a shared one. */
export const CreateCannedBody = Type.Object({ scope: Scope, title: Title, shortcut: Shortcut, text: Text }, { additionalProperties: false });
export type CreateCannedBody = Static<typeof CreateCannedBody>;

/** `PATCH /v1/canned-responses/:id`: changes some of its fields (the scope stays). */
export const UpdateCannedBody = Type.Object(
  { title: Type.Optional(Title), shortcut: Type.Optional(Shortcut), text: Type.Optional(Text) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCannedBody = Static<typeof UpdateCannedBody>;

/** The canned response of `/v1/canned-responses/:id`. */
export const CannedParams = Type.Object({ id: Type.String({ pattern: CANNED_ID_PATTERN }) }, { additionalProperties: false });
export type CannedParams = Static<typeof CannedParams>;

/** TypeBox schema of {@link CannedResponse} (REST responses). */
export const CannedResponseSchema = Type.Object({
  id: Type.String(),
  scope: Scope,
  ownerId: Type.Union([Type.String(), Type.Null()]),
  title: Type.String(),
  shortcut: Type.String(),
  text: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

/** Answer to `GET /v1/canned-responses`: the shared ones and the caller's personal ones, each group by shortcut. */
export interface CannedListResponse {
  cannedResponses: CannedResponse[];
}
