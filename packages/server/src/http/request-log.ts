/**
 * One log line per request, written when it is answered. At the default level
 * only failures are logged (5xx as warnings; the error itself is logged where
 * it happened); every request is logged at `debug`, its query string with
 * credentials replaced.
 * @module
 */
import type { FastifyInstance } from "fastify";
import { pathOf, redactUrl } from "../redact.js";

export function installRequestLog(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    const status = reply.statusCode;
    const line = { method: request.method, path: pathOf(request.url), status, ms: Math.round(reply.elapsedTime) };
    if (status >= 500) request.log.warn(line, "request failed");
    else request.log.debug({ ...line, url: redactUrl(request.url), ip: request.ip }, "request");
  });
}
