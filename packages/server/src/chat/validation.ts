/** Content rules shared by sockets and REST, each failing with its own code. @module */
import type { Limits } from "@parley/protocol";
import { ParleyError } from "../errors.js";

// Control characters would let a nickname forge line breaks or hide text in logs and UIs.
const CONTROL_CHARS = /\p{Cc}/u;

/** A trimmed nickname: non-empty, at most `maxNicknameLength`, no control characters. */
export function validateNickname(raw: string, limits: Limits): string {
  const nickname = raw.trim();
  if (nickname === "" || nickname.length > limits.maxNicknameLength || CONTROL_CHARS.test(nickname)) {
    throw new ParleyError("NICKNAME_INVALID", undefined, { maxLength: limits.maxNicknameLength });
  }
  return nickname;
}

/**
 * A message text. Whitespace-only counts as empty. Length is counted in
 * UTF-16 code units, as JavaScript's `length` (and so the SDK) counts it.
 */
export function validateText(text: string, limits: Limits): string {
  if (text.trim() === "") throw new ParleyError("TEXT_EMPTY");
  if (text.length > limits.maxTextLength) {
    throw new ParleyError("TEXT_TOO_LONG", undefined, { limit: limits.maxTextLength, length: text.length });
  }
  return text;
}

/** A link: an absolute http or https URL no longer than `maxUrlLength`. Returned as given. */
export function validateLink(url: string, limits: Limits): string {
  if (url.length > limits.maxUrlLength) {
    throw new ParleyError("INVALID_URL", "The link exceeds the maximum URL length.", { limit: limits.maxUrlLength });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ParleyError("INVALID_URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new ParleyError("INVALID_URL");
  return url;
}
