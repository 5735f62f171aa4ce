/**
 * CORS for the HTTP API (`/v1/…`): the customer widget runs on the company's
 * site, another origin than Parley's. Every API answer to an allowed page
 * carries `Access-Control-Allow-Origin`, preflights are answered here, and a
 * page of a disallowed origin gets `403 ORIGIN_NOT_ALLOWED` before anything
 * happens (a chat started from it would be one the operator did not want).
 * @module
 */
import { wireError } from "@parley/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { sendError } from "./errors.js";
import { PREFLIGHT_SCHEMA } from "./schemas/assets.js";
import type { OriginPolicy } from "../policy/origins.js";

const API_PREFIX = "/v1/";

function originOf(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  // Sandboxed frames and file: pages send "null": treat it as a page of no allowed origin.
  return typeof origin === "string" && origin !== "" ? origin : undefined;
}

export function corsRoutes(app: FastifyInstance, policy: OriginPolicy): void {
  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith(API_PREFIX)) return;
    const origin = originOf(request);
    if (origin === undefined) return;
    if (!policy.allows(origin, request.headers.host)) {
      return sendError(reply, wireError("ORIGIN_NOT_ALLOWED", undefined, { origin }));
    }
    // Tokens travel in headers, never in cookies: no credentials mode, so `*` is safe when any origin is allowed.
    void reply.header("access-control-allow-origin", policy.isAnyOrigin ? "*" : origin);
    if (!policy.isAnyOrigin) void reply.header("vary", "origin");
    void reply.header("access-control-expose-headers", "content-disposition, content-length, etag, retry-after");
  });

  app.options(`${API_PREFIX}*`, { schema: PREFLIGHT_SCHEMA }, (_request, reply) =>
    reply
      .header("access-control-allow-methods", "GET, POST")
      .header("access-control-allow-headers", "authorization, content-type")
      .header("access-control-max-age", "600")
      .status(204)
      .send(),
  );
}
