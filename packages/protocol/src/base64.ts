/**
 * Base64 as multimedia sends carry it. Shared by the server (which decodes
 * what sockets send) and the SDK (which checks before sending), so both
 * refuse the same inputs with `MEDIA_INVALID_BASE64`. Dependency-free.
 * @module
 */

// The standard alphabet; padding only at the end. URL-safe Base64 is not what the API documents.
const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL_PREFIX = /^data:[a-z0-9.+-]+\/[a-z0-9.+-]+(?:;[a-z0-9-]+=[^;,]*)*;base64,/i;
const WHITESPACE = /[\t\n\r ]+/g;

/** A Base64 text that passed {@link parseBase64}. */
export interface ParsedBase64 {
  /** The canonical text: no data-URL prefix, no whitespace. */
  base64: string;
  /** Bytes it decodes to. */
  byteLength: number;
}

/**
 * Checks Base64 text strictly and measures it without decoding. Accepted: the
 * standard alphabet, with or without padding, wrapped in lines (MIME), or as a
 * `data:<type>;base64,` URL (what `FileReader.readAsDataURL` gives). Refused
 * (null): other characters, padding in the middle, and lengths no encoder
 * produces (a truncated text).
 */
export function parseBase64(text: string): ParsedBase64 | null {
  const base64 = text.replace(DATA_URL_PREFIX, "").replace(WHITESPACE, "");
  if (!BASE64_BODY.test(base64)) return null;
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  // Padded text comes in whole quads; unpadded text may end in 2 or 3 characters, never 1.
  if (padding > 0 && base64.length % 4 !== 0) return null;
  if (base64.length % 4 === 1) return null;
  const quads = Math.floor(base64.length / 4);
  const rest = base64.length % 4;
  const byteLength = quads * 3 - padding + (rest === 0 ? 0 : rest - 1);
  return { base64, byteLength };
}
