import { LiveChatError } from "./errors.js";

/**
 * POSTs JSON to `path` on the first server that answers, trying the next base
 * URL when one cannot be reached. A non-2xx answer rejects with the server's
 * coded error (`{ error: { code, message, details } }`).
 */
export async function postJson<T>(fetchFn: typeof fetch, baseUrls: string[], path: string, body: unknown): Promise<T> {
  let lastFailure: unknown;
  for (const base of baseUrls) {
    let response: Response;
    try {
      response = await fetchFn(`${base.replace(/\/+$/, "")}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
      });
    } catch (error) {
      lastFailure = error;
      continue;
    }
    const payload = (await response.json().catch(() => null)) as { error?: unknown } | null;
    if (!response.ok) {
      if (payload?.error && typeof payload.error === "object") throw LiveChatError.from(payload.error);
      throw new LiveChatError(response.status >= 500 ? "UNAVAILABLE" : "VALIDATION_FAILED", `HTTP ${response.status}`, {
        status: response.status,
      });
    }
    if (payload === null) throw new LiveChatError("INTERNAL_ERROR", "The server answered with invalid JSON.");
    return payload as T;
  }
  throw new LiveChatError("CONNECTION_CLOSED", "No server could be reached.", {
    cause: lastFailure instanceof Error ? lastFailure.message : String(lastFailure),
  });
}
