/**
 * Schemas of the pre-chat form's REST calls: a queue's form as admins define
 * it (`PUT /v1/queues/:name/form`, `GET /v1/queues/:name/form/definition`), as
 * the widget reads it (`GET /v1/queues/:name/form`), and the answers a chat
 * starts with (`POST /v1/contacts`). The rules beyond shapes are in
 * `prechat-rules.ts`.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { MAX_FORM_PATTERN_LENGTH } from "./form-pattern.js";
import { PRECHAT_FIELD_KINDS, PRECHAT_LANGUAGES, PRECHAT_LIMITS, type PrechatForm, type PublicPrechatForm } from "./prechat-rules.js";

const Label = Type.String({ minLength: 1, maxLength: PRECHAT_LIMITS.maxLabelLength });

/** Labels by language (`en fr it es de pt`); at least one. */
export const PrechatLabelsSchema = Type.Object(Object.fromEntries(PRECHAT_LANGUAGES.map((language) => [language, Type.Optional(Label)])), {
  additionalProperties: false,
  minProperties: 1,
});

const Option = Type.Object(
  { value: Type.String({ minLength: 1, maxLength: PRECHAT_LIMITS.maxLineLength }), labels: PrechatLabelsSchema },
  { additionalProperties: false },
);

const fieldProperties = {
  key: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_.-]+$" }),
  kind: Type.Union(PRECHAT_FIELD_KINDS.map((kind) => Type.Literal(kind))),
  mandatory: Type.Boolean(),
  pattern: Type.Union([Type.String({ minLength: 1, maxLength: MAX_FORM_PATTERN_LENGTH }), Type.Null()]),
  options: Type.Array(Option, { maxItems: PRECHAT_LIMITS.maxOptions }),
  labels: PrechatLabelsSchema,
};

/** One field as admins define it. */
export const PrechatFieldSchema = Type.Object({ ...fieldProperties, agentVisible: Type.Boolean() }, { additionalProperties: false });

/** The consent checkbox: its privacy link and label. */
export const PrechatConsentSchema = Type.Object(
  { privacyUrl: Type.String({ minLength: 8, maxLength: PRECHAT_LIMITS.maxUrlLength }), labels: PrechatLabelsSchema },
  { additionalProperties: false },
);

/** `PUT /v1/queues/:name/form`: the whole form; `{ fields: [], consent: null }` asks nothing. */
export const PrechatFormSchema = Type.Object(
  {
    fields: Type.Array(PrechatFieldSchema, { maxItems: PRECHAT_LIMITS.maxFields }),
    consent: Type.Union([PrechatConsentSchema, Type.Null()]),
  },
  { additionalProperties: false },
);

/** A form as anyone reads it: what admins decide about agents is left out. */
export const PublicPrechatFormSchema = Type.Object({
  fields: Type.Array(Type.Object(fieldProperties)),
  consent: Type.Union([PrechatConsentSchema, Type.Null()]),
});

/** Answer of `GET /v1/queues/:name/form`: null when the queue asks nothing before a chat. */
export const PublicPrechatFormResponse = Type.Object({ queue: Type.String(), form: Type.Union([PublicPrechatFormSchema, Type.Null()]) });
export interface PublicPrechatFormResponse {
  queue: string;
  form: PublicPrechatForm | null;
}

/** Answer of `PUT /v1/queues/:name/form` and `GET /v1/queues/:name/form/definition`. */
export const PrechatFormResponse = Type.Object({ queue: Type.String(), form: Type.Union([PrechatFormSchema, Type.Null()]) });
export interface PrechatFormResponse {
  queue: string;
  form: PrechatForm | null;
}

/** The answers of `POST /v1/contacts` (`form`): text by field key, a boolean for a checkbox. */
export const PrechatAnswersSchema = Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: PRECHAT_LIMITS.maxTextLength + 64 }), Type.Boolean()]), {
  maxProperties: PRECHAT_LIMITS.maxFields,
});
export type PrechatAnswersBody = Static<typeof PrechatAnswersSchema>;
