/**
 * REST bodies and answers, as TypeBox schemas (they feed Fastify's validation
 * and the docs) and TypeScript types.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { DocumentTypeSchema, MediaMessageTypeSchema, MediaRenditionSchema } from "./answer-schemas.js";
import { TENANT_PATTERN } from "./ids.js";
import { CallDataSchema } from "./call-data.js";
import { QUEUE_NAME_PATTERN } from "./queues.js";
import { VisitorContextSchema } from "./visitor-context.js";
import { PrechatAnswersSchema } from "./prechat-form.js";

/** The tenant a request names, when it names one (absent: the host name's tenant, or `default`). */
const TenantField = Type.Optional(Type.String({ pattern: TENANT_PATTERN }));

/** `POST /v1/contacts`: a customer starts a chat. */
export const StartContactBody = Type.Object(
  {
    /** The tenant whose chat it is. */
    tenant: TenantField,
    nickname: Type.String({ minLength: 1, maxLength: 256 }),
    email: Type.Optional(Type.String({ maxLength: 320 })),
    uri: Type.Optional(Type.String({ maxLength: 2048 })),
    title: Type.Optional(Type.String({ maxLength: 512 })),
    userAgent: Type.Optional(Type.String({ maxLength: 512 })),
    /** The chat's call data (limits in `CALL_DATA_LIMITS`; refused whole with `CALL_DATA_INVALID` / `CALL_DATA_TOO_LARGE`). */
    callData: Type.Optional(CallDataSchema),
    /** The queue the chat starts into; the tenant's `default` queue when omitted. */
    queue: Type.Optional(Type.String({ pattern: QUEUE_NAME_PATTERN })),
    /** What the browser tells about the visitor (language, time zone, visitor id); refused with `VISITOR_CONTEXT_INVALID`. */
    context: Type.Optional(VisitorContextSchema),
    /** Answers to the queue's pre-chat form by field key (refused whole with `FORM_INVALID` when they do not fit it). */
    form: Type.Optional(PrechatAnswersSchema),
    /** The customer ticked the form's consent box (required when the form asks for consent). */
    consent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type StartContactBody = Static<typeof StartContactBody>;

/** Answer to `POST /v1/contacts` (201). */
export const StartContactResponse = Type.Object({
  contact: Type.Object({ id: Type.String() }),
  user: Type.Object({ id: Type.String(), nickname: Type.String(), isAgent: Type.Boolean() }),
  /** Customer token: opens this one chat only. */
  token: Type.String({ description: "Customer token: opens this one chat only." }),
});
export type StartContactResponse = Static<typeof StartContactResponse>;

/** `POST /v1/auth/login`: an agent logs in. */
export const LoginBody = Type.Object(
  {
    /** The tenant the agent works for; usernames are unique within a tenant. */
    tenant: TenantField,
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/** Answer to `POST /v1/auth/login`. */
export const LoginResponse = Type.Object({
  token: Type.String(),
  /** Expiry of the token (ISO 8601). */
  expiresAt: Type.String({ description: "Expiry of the token (ISO 8601)." }),
  agent: Type.Object({
    id: Type.String(),
    username: Type.String(),
    nickname: Type.String(),
    /** The tenant the token is for. */
    tenant: Type.String(),
    /** What the agent may do: answer chats, also supervise them, or also administer the tenant. */
    role: Type.Union([Type.Literal("agent"), Type.Literal("supervisor"), Type.Literal("admin")]),
  }),
});
export type LoginResponse = Static<typeof LoginResponse>;

const LimitValue = Type.Union([Type.Integer(), Type.Null()]);

/** Limits of a tenant; null is no limit. */
export const TenantLimitsInfo = Type.Object({
  maxAgents: LimitValue,
  maxActiveChats: LimitValue,
  /** Sum of the stored sizes of its files, in bytes. */
  maxStorageBytes: LimitValue,
});
export type TenantLimitsInfo = Static<typeof TenantLimitsInfo>;

/** A tenant as `GET /v1/tenants` and `GET /v1/tenants/:name` give it. */
export const TenantInfo = Type.Object({
  name: Type.String(),
  displayName: Type.String(),
  status: Type.Union([Type.Literal("active"), Type.Literal("disabled")]),
  limits: TenantLimitsInfo,
  /** Chats older than this many days are deleted; null keeps them. */
  retentionDays: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
});
export type TenantInfo = Static<typeof TenantInfo>;

/** `GET /v1/tenants`. */
export const TenantListResponse = Type.Object({ tenants: Type.Array(TenantInfo) });
export type TenantListResponse = Static<typeof TenantListResponse>;

const Limit = Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()]);
const LimitsPatch = Type.Object(
  { maxAgents: Type.Optional(Limit), maxActiveChats: Type.Optional(Limit), maxStorageBytes: Type.Optional(Limit) },
  { additionalProperties: false },
);
const RetentionDays = Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()]);

/** `POST /v1/tenants`: a super-admin creates a tenant. */
export const CreateTenantBody = Type.Object(
  {
    name: Type.String({ pattern: TENANT_PATTERN }),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    limits: Type.Optional(LimitsPatch),
    retentionDays: Type.Optional(RetentionDays),
  },
  { additionalProperties: false },
);
export type CreateTenantBody = Static<typeof CreateTenantBody>;

/** `PATCH /v1/tenants/:name`: only the fields given change. */
export const PatchTenantBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    status: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("disabled")])),
    limits: Type.Optional(LimitsPatch),
    retentionDays: Type.Optional(RetentionDays),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PatchTenantBody = Static<typeof PatchTenantBody>;

/** Error answer of every REST route: a code of the registry, a message for people, and machine-readable details. */
export const RestErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: "A code of the registry (errors.md)." }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { title: "RestError" },
);
export type RestErrorResponse = Static<typeof RestErrorResponse>;

/** Error answer of the original product's back-office calls: `{ result: false, error, code }`. */
export const BackOfficeErrorResponse = Type.Object(
  {
    result: Type.Literal(false),
    error: Type.String({ description: "What went wrong, for people." }),
    code: Type.String({ description: "A code of the registry (errors.md)." }),
  },
  { title: "BackOfficeError" },
);
export type BackOfficeErrorResponse = Static<typeof BackOfficeErrorResponse>;

/**
 * Query of `POST /v1/contacts/:chatId/uploads`: the body is the file's raw
 * bytes (`Content-Type: application/octet-stream`), streamed.
 */
export const UploadQuery = Type.Object(
  {
    messageType: Type.Union([Type.Literal("IMAGE"), Type.Literal("DOCUMENT")]),
    fileName: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type UploadQuery = Static<typeof UploadQuery>;

/**
 * Answer to an upload (201): the file was judged by its bytes, resized if an
 * image, and stored. Send it with a `send` frame of kind `media` and this
 * `uploadId`.
 */
export const UploadResponse = Type.Object({
  uploadId: Type.String(),
  messageType: MediaMessageTypeSchema,
  documentType: DocumentTypeSchema,
  fileName: Type.String(),
  /** The stored rendition (after any resize). */
  fullsize: MediaRenditionSchema,
  /** Images only. */
  thumbnail: Type.Optional(MediaRenditionSchema),
  /** Bytes as uploaded. */
  originalSize: Type.Integer(),
  resized: Type.Boolean(),
});
export type UploadResponse = Static<typeof UploadResponse>;
