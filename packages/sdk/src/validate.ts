import { callDataProblem, checkLink, checkNickname, checkText as checkTextRule, type Limits } from "@parley/protocol";
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

/**
 * Nickname rules of the protocol (`NICKNAME_INVALID`): the characters only.
 * The length is left to the server, whose `maxNicknameLength` the SDK may not
 * know yet; the message still names the limit the SDK knows.
 */
export function checkNicknameCharacters(nickname: unknown, limits: Limits): LiveChatError | null {
  const length = typeof nickname === "string" ? nickname.length : 0;
  const violation = checkNickname(nickname, { maxNicknameLength: Math.max(limits.maxNicknameLength, length) });
  return violation === null ? null : LiveChatError.from(violation);
}

/**
 * A chat's start page for `startContact`: the one given must be an http(s)
 * URL (`INVALID_URL`); the browser's own location is sent only when it is one
 * (a `file:` or `about:` page starts its chat without it).
 */
export function startUri(given: string | undefined, location: string | undefined, limits: Limits): string | undefined {
  if (given !== undefined) {
    const violation = checkLink(given, limits);
    if (violation !== null) throw LiveChatError.from(violation);
    return given;
  }
  if (location === undefined) return undefined;
  const cut = location.slice(0, limits.maxUrlLength);
  return checkLink(cut, limits) === null ? cut : undefined;
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

/** Call data the server would refuse, as the same coded error (`CALL_DATA_INVALID`, `CALL_DATA_TOO_LARGE`). */
export function checkCallData(callData: unknown): LiveChatError | null {
  if (callData === null || typeof callData !== "object" || Array.isArray(callData)) {
    return new LiveChatError("CALL_DATA_INVALID", "Call data is an object of string values.");
  }
  const problem = callDataProblem(callData as Record<string, string | null>);
  return problem === null ? null : new LiveChatError(problem.code, undefined, { path: problem.path, problem: problem.problem });
}
