/**
 * `GET /metrics` in the Prometheus text format, and the count of coded
 * errors answered over REST (socket errors are counted by the session).
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { wireError } from "@parley/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { sendError } from "./errors.js";
import { METRICS_SCHEMA } from "./schemas/operations.js";
import type { ParleyMetrics } from "../metrics.js";

/** Error bodies are small; a large one is a file, not an error. */
const MAX_ERROR_BODY = 4096;

/** The code of an error answer: `{ error: { code } }`, or the back-office calls' `{ code }`. */
function errorCodeOf(payload: unknown): string | undefined {
  if (typeof payload !== "string" || payload.length > MAX_ERROR_BODY) return undefined;
  try {
    const body = JSON.parse(payload) as { error?: { code?: unknown }; code?: unknown } | null;
    const code = body?.error?.code ?? body?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the request carries `Authorization: Bearer <token>`; compared by digest, in constant time. */
function hasMetricsToken(request: FastifyRequest, token: string): boolean {
  const given = request.headers.authorization?.startsWith("Bearer ") === true ? request.headers.authorization.slice(7).trim() : "";
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

export function metricsRoutes(app: FastifyInstance, deps: { metrics: ParleyMetrics; metricsToken?: string | null }): void {
  app.get("/metrics", { schema: METRICS_SCHEMA }, async (request, reply) => {
    // PARLEY_METRICS_TOKEN: Prometheus sends it as `authorization: { credentials: … }`.
    if (typeof deps.metricsToken === "string" && !hasMetricsToken(request, deps.metricsToken)) return sendError(reply, wireError("AUTH_REQUIRED"));
    const { contentType, body } = await deps.metrics.render();
    return reply.type(contentType).send(body);
  });
  app.addHook("onSend", async (_request, reply, payload) => {
    if (reply.statusCode >= 400) {
      const code = errorCodeOf(payload);
      if (code !== undefined) deps.metrics.errors.inc({ code });
    }
    return payload;
  });
}
