/**
 * The signature of a webhook delivery: `Parley-Signature: v1=<hex>` where hex
 * is the HMAC-SHA256, keyed with the endpoint's secret, of
 * `"<Parley-Timestamp>.<raw body>"` (the scheme Stripe and Chatwoot use). The
 * timestamp is signed so a receiver can refuse a replayed old request.
 * @module
 */
import { createHmac, randomBytes } from "node:crypto";

/** The header names integrators rely on. */
export const WEBHOOK_HEADERS = {
  eventId: "Parley-Event-Id",
  timestamp: "Parley-Timestamp",
  signature: "Parley-Signature",
} as const;

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex")}`;
}

/** The headers of one attempt, signed at `now` (Unix seconds). */
export function signedHeaders(secret: string, eventId: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    "content-type": "application/json",
    "user-agent": "Parley-Webhooks/1",
    [WEBHOOK_HEADERS.eventId]: eventId,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: webhookSignature(secret, timestamp, body),
  };
}

/** A secret for an endpoint registered without one: `whsec_` and 32 random bytes, base64url. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}
