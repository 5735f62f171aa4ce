/**
 * One HTTP exchange for media: a POST with upload progress (XMLHttpRequest
 * when there is one, i.e. in browsers, since `fetch` reports no upload
 * progress), or a GET of bytes (`fetch`). A transport failure rejects with
 * {@link NetworkError}; any HTTP answer resolves, whatever its status.
 * @module
 */
import { LiveChatError } from "../errors.js";

/** The HTTP implementations a session may use. */
export interface HttpTransports {
  fetch: typeof fetch | undefined;
  XMLHttpRequest: (new () => XMLHttpRequest) | undefined;
}

/** An HTTP answer, read whole. */
export interface HttpAnswer {
  status: number;
  /** The body as text. */
  text: string;
  /** The `Retry-After` header, if any. */
  retryAfter: string | null;
}

/** The request never got an HTTP answer (refused, reset, offline). Retried by callers. */
export class NetworkError extends Error {}

/** Rejects with the abort reason (the SDK aborts with a `LiveChatError`). */
function aborted(signal: AbortSignal): unknown {
  return signal.reason ?? new LiveChatError("LOGGED_OUT");
}

/** POSTs `body`, calling `onProgress(sentBytes)` as it goes out. */
export function post(
  transports: HttpTransports,
  url: string,
  headers: Record<string, string>,
  body: Blob | Uint8Array,
  signal: AbortSignal,
  onProgress: (sentBytes: number) => void,
): Promise<HttpAnswer> {
  const Xhr = transports.XMLHttpRequest;
  if (Xhr) {
    return new Promise((resolve, reject) => {
      const xhr = new Xhr();
      const abort = () => xhr.abort();
      const settle = () => signal.removeEventListener("abort", abort);
      xhr.open("POST", url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => onProgress(event.loaded);
      xhr.onload = () => {
        settle();
        resolve({ status: xhr.status, text: xhr.responseText, retryAfter: xhr.getResponseHeader("retry-after") });
      };
      xhr.onerror = xhr.ontimeout = () => {
        settle();
        reject(new NetworkError("The upload could not reach the server."));
      };
      xhr.onabort = () => {
        settle();
        reject(aborted(signal));
      };
      signal.addEventListener("abort", abort);
      // XMLHttpRequest accepts any ArrayBufferView; the DOM typings want an ArrayBuffer-backed one.
      xhr.send(body as Blob);
    });
  }
  const fetchImpl = transports.fetch;
  if (!fetchImpl) return Promise.reject(new LiveChatError("NOT_INITIALIZED", "No fetch or XMLHttpRequest to upload with."));
  return postWithFetch(fetchImpl, url, headers, body, signal, onProgress);
}

async function postWithFetch(
  fetchImpl: typeof fetch,
  url: string,
  headers: Record<string, string>,
  body: Blob | Uint8Array,
  signal: AbortSignal,
  onProgress: (sentBytes: number) => void,
): Promise<HttpAnswer> {
  // fetch reports no upload progress: 0 now; the caller reports the total once answered.
  onProgress(0);
  try {
    const response = await fetchImpl(url, { method: "POST", headers, body: body as Blob, signal });
    return { status: response.status, text: await response.text(), retryAfter: response.headers.get("retry-after") };
  } catch (error) {
    throw signal.aborted ? aborted(signal) : new NetworkError(String(error));
  }
}

/** GETs `url`'s bytes. Resolves with the status and, for a 2xx answer, the bytes (else the text). */
export async function getBytes(
  fetchImpl: typeof fetch,
  url: string,
): Promise<{ status: number; bytes: Uint8Array | null; text: string }> {
  try {
    const response = await fetchImpl(url, { method: "GET" });
    if (response.ok) return { status: response.status, bytes: new Uint8Array(await response.arrayBuffer()), text: "" };
    return { status: response.status, bytes: null, text: await response.text() };
  } catch (error) {
    throw new NetworkError(String(error));
  }
}

/**
 * The error of an HTTP error answer: the server's coded error
 * (`{ error: { code, message, details } }`) when it gave one; otherwise one
 * named after the status (a proxy's own 413 becomes `MEDIA_TOO_LARGE`).
 */
export function answerError(status: number, text: string): LiveChatError {
  let payload: { error?: unknown } | null = null;
  try {
    payload = JSON.parse(text) as { error?: unknown } | null;
  } catch {
    // Not JSON (a proxy's HTML page): named after the status below.
  }
  if (payload?.error && typeof payload.error === "object") return LiveChatError.from(payload.error);
  const code = status === 413 ? "MEDIA_TOO_LARGE" : status >= 500 || status === 429 ? "UNAVAILABLE" : "VALIDATION_FAILED";
  return new LiveChatError(code, `HTTP ${status}`, { status });
}
