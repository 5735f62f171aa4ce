/**
 * REST bodies and answers, as TypeBox schemas (they feed Fastify's validation
 * and the docs) and TypeScript types.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import type { DocumentType, MediaMessageType, MediaRendition } from "./media.js";
import type { User } from "./payloads.js";
import { TENANT_PATTERN } from "./ids.js";
import { CallDataSchema } from "./call-data.js";


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
  },
  { additionalProperties: false },
);
export type StartContactBody = Static<typeof StartContactBody>;

/** Answer to `POST /v1/contacts` (201). */
export interface StartContactResponse {
  contact: { id: string };
  user: Pick<User, "id" | "nickname" | "isAgent">;
  /** Customer token: opens this one chat only. */
  token: string;
}

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
export interface LoginResponse {
  token: string;
  /** Expiry of the token (ISO 8601). */
  expiresAt: string;
  agent: {
    id: string;
    username: string;
    nickname: string;
    /** The tenant the token is for. */
    tenant: string;
    /** What the agent may do: answer chats, also supervise them, or also administer the tenant. */
    role: "agent" | "supervisor" | "admin";
  };
}

/** Limits of a tenant; null is no limit. */
export interface TenantLimitsInfo {
  maxAgents: number | null;
  maxActiveChats: number | null;
  /** Sum of the stored sizes of its files, in bytes. */
  maxStorageBytes: number | null;
}

/** A tenant as `GET /v1/tenants` and `GET /v1/tenants/:name` give it. */
export interface TenantInfo {
  name: string;
  displayName: string;
  status: "active" | "disabled";
  limits: TenantLimitsInfo;
  /** Chats older than this many days are deleted; null keeps them. */
  retentionDays: number | null;
  createdAt: string;
}

/** `GET /v1/tenants`. */
export interface TenantListResponse {
  tenants: TenantInfo[];
}

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

/** Error answer of every REST route. */
export interface RestErrorResponse {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

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
export interface UploadResponse {
  uploadId: string;
  messageType: MediaMessageType;
  documentType: DocumentType;
  fileName: string;
  /** The stored rendition (after any resize). */
  fullsize: MediaRendition;
  /** Images only. */
  thumbnail?: MediaRendition;
  /** Bytes as uploaded. */
  originalSize: number;
  resized: boolean;
}
