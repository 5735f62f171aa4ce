import { checkLink, checkText as checkTextRule, type Limits } from "@parley/protocol";
import { LiveChatError } from "./errors.js";

/**
 * Local checks run before a frame is queued, with the codes the server uses,
 * so that a frame the server would refuse never waits in the outbox.
 */

/** Text rules of the protocol (`TEXT_EMPTY`, `TEXT_TOO_LONG`) as a rejection, or null. */
export function checkText(text: unknown, limits: Limits): LiveChatError | null {
  const violation = checkTextRule(text, limits);
  return violation === null ? null : LiveChatError.from(violation);
}

/** Link rules of the protocol (`INVALID_URL`) as a rejection, or null. */
export function checkUrl(url: unknown, limits: Limits): LiveChatError | null {
  const violation = checkLink(url, limits);
  return violation === null ? null : LiveChatError.from(violation);
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
