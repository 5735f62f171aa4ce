/**
 * Headers every answer carries: no content sniffing (a script or a JSON body
 * is never run as something else), no referrer leaking a page's URL, and
 * `Cache-Control: no-store` on every API answer — tokens, logins, chat starts,
 * transcripts and personal data — unless the route chose its own caching
 * (media downloads, the console's hashed assets).
 * @module
 */
import type { FastifyInstance } from "fastify";

const API_PREFIXES = ["/v1/", "/livechat/"];

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook("onSend", async (request, reply, payload) => {
    if (!reply.hasHeader("x-content-type-options")) void reply.header("x-content-type-options", "nosniff");
    if (!reply.hasHeader("referrer-policy")) void reply.header("referrer-policy", "no-referrer");
    if (!reply.hasHeader("cache-control") && API_PREFIXES.some((prefix) => request.url.startsWith(prefix))) {
      void reply.header("cache-control", "no-store");
    }
    return payload;
  });
}
