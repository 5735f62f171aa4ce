/**
 * REST bodies and answers, as TypeBox schemas (they feed Fastify's validation
 * and the docs) and TypeScript types.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import type { DocumentType, MediaMessageType, MediaRendition } from "./media.js";
import type { User } from "./payloads.js";

/** `POST /v1/contacts`: a customer starts a chat. */
export const StartContactBody = Type.Object(
  {
    nickname: Type.String({ minLength: 1, maxLength: 256 }),
    email: Type.Optional(Type.String({ maxLength: 320 })),
    uri: Type.Optional(Type.String({ maxLength: 2048 })),
    title: Type.Optional(Type.String({ maxLength: 512 })),
    userAgent: Type.Optional(Type.String({ maxLength: 512 })),
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
  agent: { id: string; username: string; nickname: string };
}

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
