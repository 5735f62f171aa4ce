/** Every REST error answers `{ error: { code, message, details? } }` with the registry's status. @module */
import { ERRORS, wireError, type ErrorCode, type WireError } from "@parley/protocol";
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { ParleyError } from "../errors.js";

/** Headers a download sets before its file is read; an error found then (a missing or damaged file) is JSON instead. */
const FILE_HEADERS = ["content-type", "content-length", "content-disposition", "etag"];

export function sendError(reply: FastifyReply, error: WireError, status: number = ERRORS[error.code].status): FastifyReply {
  for (const name of FILE_HEADERS) reply.removeHeader(name);
  return reply.status(status).send({ error });
}

/** Fastify's own error codes mapped to ours. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; status?: number }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: "BAD_JSON" },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: "BAD_JSON" },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: "FRAME_TOO_LARGE" },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: "VALIDATION_FAILED", status: 415 },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: "VALIDATION_FAILED" },
};

/** Installs the error and not-found handlers. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ParleyError) return sendError(reply, error.toWire());
    if (error.validation !== undefined) {
      const first = error.validation[0];
      const details = first === undefined ? undefined : { path: first.instancePath || "/", problem: first.message ?? "invalid" };
      return sendError(reply, wireError("VALIDATION_FAILED", undefined, details));
    }
    const mapped = FASTIFY_CODES[error.code];
    if (mapped !== undefined) {
      const message = mapped.code === "BAD_JSON" ? "The request body is not valid JSON." : undefined;
      return sendError(reply, wireError(mapped.code, message), mapped.status);
    }
    if (error instanceof SyntaxError && error.statusCode === 400) {
      return sendError(reply, wireError("BAD_JSON", "The request body is not valid JSON."));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, wireError("VALIDATION_FAILED", error.message), error.statusCode);
    }
    request.log.error({ err: error }, "request failed");
    return sendError(reply, wireError("INTERNAL_ERROR"));
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, wireError("NOT_FOUND")));
}
