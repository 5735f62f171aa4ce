/**
 * The call-data limits as a check, without schemas: the SDK runs it before
 * sending, so it must not pull the schema library into browsers.
 * @module
 */
import { CALL_DATA_KEY_PATTERN, CALL_DATA_LIMITS } from "./limits.js";

/** Why a call-data object is refused, or null when it may be stored. */
export function callDataProblem(
  callData: Record<string, string | null>,
): { code: "CALL_DATA_INVALID" | "CALL_DATA_TOO_LARGE"; path: string; problem: string } | null {
  const keyPattern = new RegExp(CALL_DATA_KEY_PATTERN);
  let keys = 0;
  let bytes = 0;
  for (const [key, value] of Object.entries(callData)) {
    if (key.length > CALL_DATA_LIMITS.maxKeyLength || !keyPattern.test(key)) {
      return { code: "CALL_DATA_INVALID", path: `/callData/${key}`, problem: "invalid key" };
    }
    if (value === null) continue;
    if (typeof value !== "string") return { code: "CALL_DATA_INVALID", path: `/callData/${key}`, problem: "not a string" };
    if (value.length > CALL_DATA_LIMITS.maxValueLength) return { code: "CALL_DATA_INVALID", path: `/callData/${key}`, problem: "value too long" };
    keys += 1;
    bytes += utf8Length(key) + utf8Length(value);
  }
  if (keys > CALL_DATA_LIMITS.maxKeys) return { code: "CALL_DATA_TOO_LARGE", path: "/callData", problem: "too many keys" };
  if (bytes > CALL_DATA_LIMITS.maxTotalBytes) return { code: "CALL_DATA_TOO_LARGE", path: "/callData", problem: "too many bytes" };
  return null;
}

/** UTF-8 length of a string, without a TextEncoder (the SDK runs in old browsers too). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
