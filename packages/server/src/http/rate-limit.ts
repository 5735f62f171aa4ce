/** Per-client-address rate limiting of REST routes, answered as 429 `RATE_LIMITED`. @module */
import { wireError } from "@parley/protocol";
import type { onRequestHookHandler } from "fastify";
import { KeyedRateLimiter } from "../rate/token-bucket.js";
import { sendError } from "./errors.js";

/**
 * An `onRequest` hook allowing `perMinute` requests per client address, with a
 * burst of the whole minute's allowance. It runs before the body is parsed, so
 * invalid requests count too. A refused request is answered 429
 * `RATE_LIMITED` with `Retry-After` (seconds) and `details.retryAfterMs`.
 */
export function perAddressRateLimit(perMinute: number): onRequestHookHandler {
  const limiter = new KeyedRateLimiter(perMinute / 60, perMinute);
  return (request, reply, done) => {
    const waitMs = limiter.take(request.ip);
    if (waitMs === 0) return done();
    void reply.header("retry-after", String(Math.ceil(waitMs / 1000)));
    sendError(reply, wireError("RATE_LIMITED", undefined, { retryAfterMs: waitMs }));
  };
}
