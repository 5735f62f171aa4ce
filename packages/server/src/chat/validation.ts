/**
 * Content rules for sockets and REST: the protocol's shared checks, turned
 * into thrown coded errors. @module
 */
import { checkCaption, checkFileName, checkLink, checkNickname, checkText, type Limits, type WireError } from "@parley/protocol";
import { ParleyError } from "../errors.js";

function enforce(violation: WireError | null): void {
  if (violation !== null) throw new ParleyError(violation.code, violation.message, violation.details);
}

/** A trimmed nickname: non-empty, at most `maxNicknameLength`, no control characters. */
export function validateNickname(raw: string, limits: Limits): string {
  enforce(checkNickname(raw, limits));
  return raw.trim();
}

/** A message text (see `checkText`); returned as given. */
export function validateText(text: string, limits: Limits): string {
  enforce(checkText(text, limits));
  return text;
}

/** A link: an absolute http or https URL no longer than `maxUrlLength`. Returned as given. */
export function validateLink(url: string, limits: Limits): string {
  enforce(checkLink(url, limits));
  return url;
}

/** A media caption (absent is empty); see `checkCaption`. */
export function validateCaption(caption: string | undefined, limits: Limits): string {
  enforce(checkCaption(caption, limits));
  return caption ?? "";
}

/** A media file name, when given; see `checkFileName`. */
export function validateFileName(name: string | undefined, limits: Limits): string | undefined {
  enforce(checkFileName(name, limits));
  return name;
}
