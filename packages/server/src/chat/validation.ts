/**
 * Content rules for sockets and REST: the protocol's shared checks, turned
 * into thrown coded errors. @module
 */
import { checkCaption, checkFileName, checkLink, checkNickname, checkText, normalizeNickname, type Limits, type WireError } from "@parley/protocol";
import type { AgentNames } from "../auth/agent-names.js";
import { ParleyError } from "../errors.js";

function enforce(violation: WireError | null): void {
  if (violation !== null) throw new ParleyError(violation.code, violation.message, violation.details);
}

/**
 * A nickname, NFC-normalised and trimmed: 1 to `maxNicknameLength` characters,
 * no control, format or separator characters, single inner spaces only.
 */
export function validateNickname(raw: string, limits: Limits): string {
  enforce(checkNickname(raw, limits));
  return normalizeNickname(raw);
}

/**
 * A customer's nickname: a valid one (see {@link validateNickname}) that is
 * not an agent's name and does not look like one (`NICKNAME_RESERVED`), so a
 * customer cannot pass as an agent.
 */
export async function validateCustomerNickname(raw: string, limits: Limits, agents: AgentNames): Promise<string> {
  const nickname = validateNickname(raw, limits);
  if (await agents.isReserved(nickname)) throw new ParleyError("NICKNAME_RESERVED");
  return nickname;
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
