/**
 * Pieces every route schema uses: the error answers, answers that are not
 * JSON (files, scripts, pages) and answers without a body. Fastify serialises
 * JSON answers with these schemas (fields a schema does not declare are
 * dropped) and the OpenAPI document (openapi.ts) is generated from them.
 * @module
 */
import { BackOfficeErrorResponse, RestErrorResponse } from "@parley/protocol";
import { Type, type TSchema } from "@sinclair/typebox";

/**
 * A route's schema as Parley declares it: Fastify's parts, plus what only the
 * OpenAPI document reads (`tags`, `summary`, `description`, `consumes`: the
 * content types of a raw body Fastify does not parse; `security`: overrides
 * what the route's `auth` rule implies).
 */
export interface RouteSchema {
  tags?: string[];
  summary?: string;
  description?: string;
  params?: TSchema;
  querystring?: TSchema;
  headers?: TSchema;
  body?: TSchema;
  consumes?: string[];
  security?: Record<string, string[]>[];
  /** By status (`200`, `4xx`…): a schema of the JSON body, or {@link NonJson} / {@link NoBody}. */
  response: Record<string, TSchema | NonJson | NoBody>;
}

/** An answer whose body is not JSON: its content types, each with the body's schema. */
export interface NonJson {
  description: string;
  content: Record<string, { schema: TSchema }>;
}

/** An answer without a body (204, 304). */
export interface NoBody {
  description: string;
}

/** Every error a `/v1/…` route answers: `{ error: { code, message, details? } }` with the registry's status. */
export const ERRORS = { "4xx": RestErrorResponse, "5xx": RestErrorResponse } as const;

/**
 * Errors of the back-office calls: `{ result: false, error, code }`, or the shared error body when the request
 * is refused before the call runs (its body does not validate, too many in flight, a body that stalls).
 */
export const BACK_OFFICE_ERRORS = {
  "4xx": Type.Union([BackOfficeErrorResponse, RestErrorResponse]),
  "5xx": Type.Union([BackOfficeErrorResponse, RestErrorResponse]),
} as const;

/** An answer of bytes in one of `contentTypes`. */
export function bytes(description: string, ...contentTypes: string[]): NonJson {
  return { description, content: Object.fromEntries(contentTypes.map((type) => [type, { schema: Type.String({ format: "binary" }) }])) };
}

/** A text answer (pages, scripts, the metrics) in one of `contentTypes`. */
export function text(description: string, ...contentTypes: string[]): NonJson {
  return { description, content: Object.fromEntries(contentTypes.map((type) => [type, { schema: Type.String() }])) };
}

export function noBody(description: string): NoBody {
  return { description };
}

/** `If-None-Match`, for the answers that carry an `ETag` (answered 304 when it matches). */
export const ConditionalHeaders = Type.Object({ "if-none-match": Type.Optional(Type.String({ description: "The ETag of the copy the client holds." })) });
