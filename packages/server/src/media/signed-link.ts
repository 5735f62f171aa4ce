/**
 * Signed download links: a URL that fetches one rendition of one message's
 * file without a token, for a few minutes. Such a URL can be handed to an
 * `<img src>` or a download manager, which cannot send an Authorization header.
 *
 * The signature is an HMAC-SHA256, keyed with the server secret, over the
 * chat, the message, the format and the expiry, so changing any of them in
 * the URL voids it. The signed text starts with a purpose label: the same
 * secret signs session tokens, and a MAC made for one use must never be valid
 * for another.
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { MediaFormat } from "@parley/protocol";
import { ParleyError } from "../errors.js";

/** What a link downloads. `link` is a way of asking, not something served. */
export interface MediaLinkTarget {
  /** The tenant of the chat: a link opens a file of that tenant only. */
  tenant: string;
  chatId: string;
  messageId: string;
  format: Exclude<MediaFormat, "link">;
}

/** A signed link: the path (with its query) to append to the server's URL, and when it stops working. */
export interface SignedMediaLink {
  path: string;
  /** ISO 8601. */
  expiresAt: string;
}

/** Versioned so that a future change of the signed text cannot verify old links by accident. */
const PURPOSE = "parley/media-link/v2";
/** Base64url of 32 bytes, unpadded. */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
/** Unix milliseconds as a query string gives them: canonical decimal, no sign, no leading zero. */
const EXPIRES = /^[1-9][0-9]{0,15}$/;

/**
 * Signs a link to `target` valid for `ttlMs` from `now`:
 * `/v1/contacts/<chatId>/messages/<messageId>/media?format=<format>&expires=<unix ms>&signature=<base64url>`.
 */
export function signMediaLink(secret: string, target: MediaLinkTarget, ttlMs: number, now = Date.now()): SignedMediaLink {
  const expires = Math.floor(now + ttlMs);
  if (!Number.isSafeInteger(expires) || expires <= 0) throw new RangeError(`invalid link expiry: now ${now} + ttl ${ttlMs}`);
  const query = new URLSearchParams({ tenant: target.tenant, format: target.format, expires: String(expires), signature: mac(secret, target, expires) });
  const path = `/v1/contacts/${encodeURIComponent(target.chatId)}/messages/${encodeURIComponent(target.messageId)}/media?${query.toString()}`;
  return { path, expiresAt: new Date(expires).toISOString() };
}

/**
 * Checks the `expires` and `signature` query parameters of a request for
 * `target`. Throws `MEDIA_LINK_INVALID` when either is missing or malformed,
 * the link has expired, or the signature is not the one this secret gives
 * for this target and expiry. Returns nothing: a link either opens or not.
 */
export function verifyMediaLink(secret: string, target: MediaLinkTarget, expires: unknown, signature: unknown, now = Date.now()): void {
  const expiresAt = parseExpires(expires);
  if (expiresAt === undefined || typeof signature !== "string" || !SIGNATURE.test(signature)) throw invalid();
  // Compared as text, not decoded bytes: base64url has several spellings of the
  // same last byte, and only the one signMediaLink produced should open the file.
  const expected = Buffer.from(mac(secret, target, expiresAt), "latin1");
  const given = Buffer.from(signature, "latin1");
  if (!timingSafeEqual(given, expected)) throw invalid();
  if (expiresAt <= now) throw invalid();
}

function mac(secret: string, target: MediaLinkTarget, expires: number): string {
  // JSON keeps the fields apart whatever characters they hold.
  const signed = JSON.stringify([PURPOSE, target.tenant, target.chatId, target.messageId, target.format, expires]);
  return createHmac("sha256", secret).update(signed, "utf8").digest("base64url");
}

function parseExpires(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== "string" || !EXPIRES.test(value)) return undefined;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : undefined;
}

function invalid(): ParleyError {
  return new ParleyError("MEDIA_LINK_INVALID");
}
