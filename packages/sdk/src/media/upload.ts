/**
 * The HTTP upload of a file too large to ride inline:
 * `POST <server>/v1/contacts/<chatId>/uploads?messageType=…&fileName=…` with the
 * session's token and the raw bytes, retried with backoff.
 * @module
 */
import type { MediaMessageType, UploadResponse } from "@parley/protocol";
import { LiveChatError } from "../errors.js";
import { answerError, NetworkError, post, type HttpTransports } from "./transfer.js";

/** Attempts of one upload before it rejects with `UPLOAD_FAILED`. */
export const UPLOAD_ATTEMPTS = 5;

/** The longest `Retry-After` honoured; a longer one is cut to this, so a send cannot hang for hours. */
const MAX_RETRY_AFTER_MS = 60_000;

/** What an upload needs from its session. */
export interface MediaHost {
  /** Base URLs of the servers, the one the socket is connected to first. */
  serverUrls(): string[];
  /** The session's login token: uploads authenticate with it as a Bearer token. */
  readonly token: string;
  /** HTTP implementations. */
  readonly http: HttpTransports;
  /** Resolves once the session is connected (at once if it is); rejects when the session ends. */
  whenConnected(): Promise<void>;
  /** The backoff delay before retry number `attempt` (0-based). */
  retryDelay(attempt: number): number;
}

/** One file to upload. */
export interface UploadRequest {
  chatId: string;
  messageType: MediaMessageType;
  fileName: string | undefined;
  body: Blob | Uint8Array;
  size: number;
  /** Bytes sent so far; starts again from 0 on a retry. */
  onProgress(sentBytes: number): void;
  /** Aborted when the contact can no longer send (left, logged out, ended), with the reason. */
  signal: AbortSignal;
}

/** Settles with `promise`, or rejects with the abort reason as soon as `signal` aborts. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How long the server asked to wait: `details.retryAfterMs`, else `Retry-After` (seconds or an HTTP date). */
function retryAfterMs(error: LiveChatError, header: string | null): number | undefined {
  const fromDetails = Number(error.details?.retryAfterMs);
  if (Number.isFinite(fromDetails) && fromDetails >= 0) return Math.min(fromDetails, MAX_RETRY_AFTER_MS);
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : undefined;
}

function parseUploadResponse(text: string): UploadResponse {
  let uploaded: Partial<UploadResponse> | null = null;
  try {
    uploaded = JSON.parse(text) as Partial<UploadResponse> | null;
  } catch {
    // Reported below.
  }
  if (typeof uploaded?.uploadId !== "string") throw new LiveChatError("INTERNAL_ERROR", "The upload answer names no uploadId.");
  return uploaded as UploadResponse;
}

/**
 * Uploads a file and resolves with the server's answer (its `uploadId` names
 * the file in the send frame). Each attempt first waits for the session to be
 * connected, so a customer who is offline does not burn attempts. Network
 * failures, 5xx and 429 answers are retried after a full-jitter backoff (or
 * the server's `Retry-After`), up to {@link UPLOAD_ATTEMPTS} attempts in all,
 * then `UPLOAD_FAILED`; a network failure also moves on to the next server
 * URL. Other answers reject at once with the server's code (e.g.
 * `MEDIA_TYPE_NOT_ALLOWED`, `FORBIDDEN`, `AUTH_TOKEN_EXPIRED`).
 */
export async function upload(host: MediaHost, request: UploadRequest): Promise<UploadResponse> {
  const query = new URLSearchParams({ messageType: request.messageType });
  if (request.fileName !== undefined) query.set("fileName", request.fileName);
  const path = `/v1/contacts/${encodeURIComponent(request.chatId)}/uploads?${query}`;
  const { signal } = request;
  let networkFailures = 0;
  let last: LiveChatError | NetworkError | undefined;
  for (let attempt = 0; attempt < UPLOAD_ATTEMPTS; attempt++) {
    await unlessAborted(host.whenConnected(), signal);
    const urls = host.serverUrls();
    const url = `${urls[networkFailures % urls.length]}${path}`;
    let wait: number | undefined;
    try {
      const answer = await post(
        host.http,
        url,
        { authorization: `Bearer ${host.token}`, "content-type": "application/octet-stream" },
        request.body,
        signal,
        request.onProgress,
      );
      if (answer.status >= 200 && answer.status < 300) {
        const uploaded = parseUploadResponse(answer.text);
        request.onProgress(request.size);
        return uploaded;
      }
      const refused = answerError(answer.status, answer.text);
      if (answer.status < 500 && answer.status !== 429) throw refused;
      last = refused;
      wait = retryAfterMs(refused, answer.retryAfter);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      last = error;
      networkFailures++;
    }
    if (attempt + 1 < UPLOAD_ATTEMPTS) await unlessAborted(sleep(wait ?? host.retryDelay(attempt)), signal);
  }
  throw new LiveChatError("UPLOAD_FAILED", undefined, {
    attempts: UPLOAD_ATTEMPTS,
    cause: last instanceof LiveChatError ? last.code : last?.message,
  });
}
