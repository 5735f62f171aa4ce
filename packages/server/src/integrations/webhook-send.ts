/**
 * One HTTP attempt at a webhook delivery: a signed POST, 5 s to answer,
 * redirects not followed (a 3xx is a failure: an endpoint that moved is
 * updated by its admin, never followed to wherever it points), and only the
 * answer's status read (its body is dropped unread).
 * @module
 */
import { signedHeaders } from "../webhooks/signature.js";

/** How long an endpoint has to answer (headers) before the attempt counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** What one attempt got. */
export type AttemptResult = { ok: true; code: number } | { ok: false; code: number | null; error: string };

/** POSTs `body` to `url`, signed with `secret`. Never throws. */
export async function sendWebhook(url: string, secret: string, eventId: string, body: string, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<AttemptResult> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: signedHeaders(secret, eventId, body),
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The answer's body is not ours to read: release the connection without downloading it.
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { ok: true, code: response.status };
    const error = response.status >= 300 && response.status < 400 ? `redirect (not followed) to ${response.headers.get("location") ?? "nowhere"}` : `answered ${response.status}`;
    return { ok: false, code: response.status, error: error.slice(0, 300) };
  } catch (error) {
    return { ok: false, code: null, error: describe(error, timeoutMs) };
  }
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === "string") return `connection failed: ${cause.code}`;
  if (typeof cause?.message === "string") return `connection failed: ${cause.message}`.slice(0, 300);
  return error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300);
}
