/**
 * Rich messages: menus and quick replies an agent or a bot offers, and the
 * customer's answer to one, in the shapes of the original product's
 * transcripts (`MENU` with options `{ id, command, text, targetUrl, params }`,
 * `MENU_RESPONSE` with `{ menuId, option }`, and the same for `QUICK_REPLY`).
 * The rules here are shared by the server (which enforces them) and the SDK
 * (which checks before queueing). Dependency-free.
 * @module
 */
import { checkLink } from "./content-rules.js";
import { wireError, type WireError } from "./errors.js";
import type { Limits } from "./limits.js";

/** A message offering choices: a menu (`MENU`) or quick replies (`QUICK_REPLY`). */
export type OfferMessageType = "MENU" | "QUICK_REPLY";
/** A customer's choice in a menu (`MENU_RESPONSE`) or among quick replies (`QUICK_REPLY_RESPONSE`). */
export type ResponseMessageType = "MENU_RESPONSE" | "QUICK_REPLY_RESPONSE";
/** Every rich message type. */
export type RichMessageType = OfferMessageType | ResponseMessageType;

/** Most options one menu or quick reply may offer. */
export const MAX_MENU_OPTIONS = 10;
/** Most characters of an option's `text`, `command`, id, and of each `params` value. */
export const MAX_MENU_TEXT_LENGTH = 256;
/** Most characters of an option's id. */
export const MAX_MENU_OPTION_ID_LENGTH = 64;
/** Most entries in an option's `params`. */
export const MAX_MENU_PARAMS = 10;
/** Most characters of a menu's prompt text. */
export const MAX_MENU_PROMPT_LENGTH = 1_000;
/** What an option id may hold. */
export const MENU_OPTION_ID_PATTERN = "^[A-Za-z0-9_.:-]+$";

/** One choice of a menu or quick reply. */
export interface MenuOption {
  /** Unique within its menu: what the answer names. */
  id: string;
  /** What the button shows. */
  text: string;
  /** A command for a bot, e.g. `"faq:hours"`; free text, not shown. */
  command?: string;
  /** An http(s) page the button opens (in a new tab, without opener). */
  targetUrl?: string;
  /** Extra values for a bot, carried unchanged. */
  params?: Record<string, string>;
}

/** `content` of a `MENU` or `QUICK_REPLY` message. */
export interface MenuContent {
  /** The prompt shown above the options (may be empty). */
  text: string;
  options: MenuOption[];
  user: { id: string; nickname: string; isAgent: boolean };
}

/** `content` of a `MENU_RESPONSE` or `QUICK_REPLY_RESPONSE` message. */
export interface MenuResponseContent {
  /** The id of the `MENU` or `QUICK_REPLY` message answered. */
  menuId: string;
  /** The option chosen, as the menu offered it. */
  option: MenuOption;
  user: { id: string; nickname: string; isAgent: boolean };
}

/** What an offer must be sent with. */
export interface MenuOffer {
  /** The prompt; may be empty. */
  text?: string;
  options: MenuOption[];
}

/** The response type answering an offer type. */
export function responseTypeOf(type: OfferMessageType): ResponseMessageType {
  return type === "MENU" ? "MENU_RESPONSE" : "QUICK_REPLY_RESPONSE";
}

const OPTION_KEYS = new Set(["id", "text", "command", "targetUrl", "params"]);
const ID_RE = new RegExp(MENU_OPTION_ID_PATTERN);

/**
 * A menu or quick reply: 1 to {@link MAX_MENU_OPTIONS} options with unique,
 * plain ids, non-empty texts within {@link MAX_MENU_TEXT_LENGTH}, at most
 * {@link MAX_MENU_PARAMS} string params, and http(s) links only
 * (`MENU_INVALID`, `INVALID_URL`).
 */
export function checkMenu(offer: unknown, limits: Pick<Limits, "maxUrlLength">): WireError | null {
  const invalid = (reason: string, index?: number): WireError =>
    wireError("MENU_INVALID", undefined, index === undefined ? { reason } : { reason, index });
  if (typeof offer !== "object" || offer === null) return invalid("shape");
  const { text, options } = offer as { text?: unknown; options?: unknown };
  if (text !== undefined && (typeof text !== "string" || text.length > MAX_MENU_PROMPT_LENGTH)) return invalid("promptTooLong");
  if (!Array.isArray(options) || options.length === 0) return invalid("noOptions");
  if (options.length > MAX_MENU_OPTIONS) return invalid("tooManyOptions");
  const ids = new Set<string>();
  for (const [index, raw] of (options as unknown[]).entries()) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return invalid("shape", index);
    const option = raw as Record<string, unknown>;
    if (Object.keys(option).some((key) => !OPTION_KEYS.has(key))) return invalid("unknownField", index);
    const { id, text: label, command, targetUrl, params } = option;
    if (typeof id !== "string" || id.length > MAX_MENU_OPTION_ID_LENGTH || !ID_RE.test(id)) return invalid("badId", index);
    if (ids.has(id)) return invalid("duplicateId", index);
    ids.add(id);
    if (typeof label !== "string" || label.trim() === "" || label.length > MAX_MENU_TEXT_LENGTH) return invalid("badText", index);
    if (command !== undefined && (typeof command !== "string" || command.length > MAX_MENU_TEXT_LENGTH)) return invalid("badCommand", index);
    if (targetUrl !== undefined) {
      const violation = checkLink(targetUrl, limits);
      if (violation !== null) return { ...violation, details: { ...violation.details, index } };
    }
    if (params !== undefined) {
      if (typeof params !== "object" || params === null || Array.isArray(params)) return invalid("badParams", index);
      const entries = Object.entries(params);
      if (entries.length > MAX_MENU_PARAMS) return invalid("tooManyParams", index);
      for (const [key, value] of entries) {
        if (key.length > MAX_MENU_OPTION_ID_LENGTH || typeof value !== "string" || value.length > MAX_MENU_TEXT_LENGTH) return invalid("badParams", index);
      }
    }
  }
  return null;
}

/** An option as it is stored: only the known fields, in a fixed order. */
export function normalizeOption(option: MenuOption): MenuOption {
  const out: MenuOption = { id: option.id, text: option.text };
  if (option.command !== undefined) out.command = option.command;
  if (option.targetUrl !== undefined) out.targetUrl = option.targetUrl;
  if (option.params !== undefined) out.params = { ...option.params };
  return out;
}
