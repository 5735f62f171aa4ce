/**
 * Content rules, shared by the server (which enforces them) and the SDK (which
 * checks before queueing, so a frame the server would refuse never waits in an
 * outbox). One implementation, so the two cannot drift. Dependency-free.
 * @module
 */
import { wireError, type WireError } from "./errors.js";
import type { Limits } from "./limits.js";

// Control characters would let a nickname forge line breaks or hide text in logs and UIs.
const CONTROL_CHARS = /\p{Cc}/u;
/** Format characters (bidi overrides and isolates, zero-width characters, the BOM) and line/paragraph separators. */
const FORMAT_CHARS = /[\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * A message text: whitespace-only counts as empty (`TEXT_EMPTY`); length is
 * counted in UTF-16 code units, as JavaScript's `length` counts it (`TEXT_TOO_LONG`).
 */
export function checkText(text: unknown, limits: Pick<Limits, "maxTextLength">): WireError | null {
  if (typeof text !== "string" || text.trim() === "") return wireError("TEXT_EMPTY");
  if (text.length > limits.maxTextLength) {
    return wireError("TEXT_TOO_LONG", undefined, { limit: limits.maxTextLength, length: text.length });
  }
  return null;
}

/** A link: an absolute `http:` or `https:` URL no longer than `maxUrlLength` (`INVALID_URL`). */
export function checkLink(url: unknown, limits: Pick<Limits, "maxUrlLength">): WireError | null {
  if (typeof url !== "string") return wireError("INVALID_URL");
  if (url.length > limits.maxUrlLength) {
    return wireError("INVALID_URL", "The link exceeds the maximum URL length.", { limit: limits.maxUrlLength });
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return wireError("INVALID_URL");
  }
  return parsed.protocol === "http:" || parsed.protocol === "https:" ? null : wireError("INVALID_URL");
}

/**
 * What a nickname may not contain: controls, format characters (bidi
 * overrides and isolates, zero-width spaces and joiners, the BOM, tags),
 * line and paragraph separators, surrogates, private-use and unassigned code
 * points, and any whitespace but the plain space. Each of them can forge a
 * line, hide text or reorder what the reader sees.
 */
const NICKNAME_FORBIDDEN = /[\p{C}\p{Zl}\p{Zp}]|(?! )\s/u;

/**
 * The one format character a nickname may hold: a zero-width joiner between
 * two pictographs, which makes one emoji of them (👩‍💻). Between letters it
 * would hide text, so it is removed only there before the check above.
 */
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu;

/** A nickname as it is stored and compared: NFC-normalised and trimmed. */
export function normalizeNickname(raw: string): string {
  return raw.normalize("NFC").trim();
}

/**
 * A nickname, judged after {@link normalizeNickname}: 1 to `maxNicknameLength`
 * characters, no control, format or separator characters, and no whitespace
 * but single spaces between words (`NICKNAME_INVALID`).
 */
export function checkNickname(raw: unknown, limits: Pick<Limits, "maxNicknameLength">): WireError | null {
  const max = limits.maxNicknameLength;
  const invalid = (reason: string): WireError =>
    wireError(
      "NICKNAME_INVALID",
      `Nicknames are 1 to ${max} characters: letters, digits, punctuation and single spaces between words; no control, format or line-separator characters.`,
      { reason, maxLength: max },
    );
  if (typeof raw !== "string") return invalid("empty");
  // Bounds the normalisation below: NFC never more than triples a string's length.
  if (raw.length > 4 * max + 64) return invalid("tooLong");
  const nickname = normalizeNickname(raw);
  if (nickname === "") return invalid("empty");
  if (nickname.length > max) return invalid("tooLong");
  if (NICKNAME_FORBIDDEN.test(nickname.replace(EMOJI_JOINER, ""))) return invalid("forbiddenCharacters");
  if (nickname.includes("  ")) return invalid("repeatedSpaces");
  return null;
}

/** A media caption: may be empty, at most `maxCaptionLength` characters (`CAPTION_TOO_LONG`). */
export function checkCaption(caption: unknown, limits: Pick<Limits, "maxCaptionLength">): WireError | null {
  if (caption === undefined) return null;
  if (typeof caption !== "string") return wireError("CAPTION_TOO_LONG", "The caption must be a string.");
  if (caption.length > limits.maxCaptionLength) {
    return wireError("CAPTION_TOO_LONG", undefined, { limit: limits.maxCaptionLength, length: caption.length });
  }
  return null;
}

/**
 * A media file name: a plain name, never a path. No `/` or `\`, no control,
 * format or line-separator characters, not `.` or `..`, not blank, at most `maxFileNameLength`
 * characters (`FILE_NAME_INVALID`). Absent is fine: the server names the file.
 */
export function checkFileName(name: unknown, limits: Pick<Limits, "maxFileNameLength">): WireError | null {
  if (name === undefined) return null;
  const invalid = (reason: string): WireError =>
    wireError("FILE_NAME_INVALID", undefined, { reason, maxLength: limits.maxFileNameLength });
  if (typeof name !== "string" || name.trim() === "") return invalid("empty");
  if (name.length > limits.maxFileNameLength) return invalid("tooLong");
  if (/[/\\]/.test(name) || name === "." || name === "..") return invalid("path");
  if (CONTROL_CHARS.test(name)) return invalid("controlCharacters");
  // A right-to-left override turns "invoice\u202Efdp.exe" into "invoiceexe.pdf" on screen.
  if (FORMAT_CHARS.test(name)) return invalid("formatCharacters");
  return null;
}
