import type { Limits } from "@parley/protocol";
import { LiveChatError } from "./errors.js";

/**
 * Local checks run before a frame is queued, with the codes the server uses,
 * so that a frame the server would refuse never waits in the outbox.
 */

/** Rejects empty (or blank) and over-long text: `TEXT_EMPTY`, `TEXT_TOO_LONG`. */
export function checkText(text: unknown, limits: Limits): LiveChatError | null {
  if (typeof text !== "string" || text.trim().length === 0) return new LiveChatError("TEXT_EMPTY");
  if (text.length > limits.maxTextLength) {
    return new LiveChatError("TEXT_TOO_LONG", undefined, { limit: limits.maxTextLength, length: text.length });
  }
  return null;
}

/** Accepts absolute http(s) URLs within `maxUrlLength` only: `INVALID_URL` otherwise. */
export function checkUrl(url: unknown, limits: Limits): LiveChatError | null {
  if (typeof url !== "string") return new LiveChatError("INVALID_URL");
  if (url.length > limits.maxUrlLength) {
    return new LiveChatError("INVALID_URL", "The link exceeds the maximum URL length.", { limit: limits.maxUrlLength });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return new LiveChatError("INVALID_URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return new LiveChatError("INVALID_URL");
  return null;
}

let encoder: TextEncoder | undefined;

/** Size in UTF-8 bytes of a serialized frame. */
export function utf8Length(text: string): number {
  encoder ??= new TextEncoder();
  return encoder.encode(text).length;
}

/** Rejects a frame larger than `maxFrameBytes`: `FRAME_TOO_LARGE`. */
export function checkFrameSize(serialized: string, limits: Limits): LiveChatError | null {
  // Every UTF-16 code unit takes at most 3 UTF-8 bytes: small frames need no encoding.
  if (serialized.length * 3 <= limits.maxFrameBytes) return null;
  const bytes = utf8Length(serialized);
  if (bytes <= limits.maxFrameBytes) return null;
  return new LiveChatError("FRAME_TOO_LARGE", undefined, { limit: limits.maxFrameBytes, bytes });
}
