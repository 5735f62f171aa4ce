/**
 * The visitor context's budgets as a check, without schemas: the widget
 * drops what its browser reports beyond them before sending, so it must not
 * pull the schema library into browsers.
 * @module
 */

/** Budgets of the visitor context's fields. */
export const VISITOR_CONTEXT_LIMITS = {
  /** A visitor id: random, made by the widget, kept in the browser per tenant. */
  minVisitorIdLength: 16,
  maxVisitorIdLength: 64,
  /** A BCP 47 language tag (`navigator.language`), e.g. `de-CH`. */
  maxLanguageLength: 35,
  /** An IANA time zone name (`Intl.DateTimeFormat().resolvedOptions().timeZone`), e.g. `Europe/Zurich`. */
  maxTimeZoneLength: 64,
} as const;

/** Characters of a visitor id. */
export const VISITOR_ID_PATTERN = "^[A-Za-z0-9_-]+$";
/** Shape of a language tag: a primary subtag and up to seven more. */
export const LANGUAGE_TAG_PATTERN = "^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,7}$";
/** Characters of an IANA time zone name (`America/Argentina/Buenos_Aires`, `Etc/GMT+5`). */
export const TIME_ZONE_PATTERN = "^[A-Za-z0-9_+/-]+$";

/** The fields of a visitor context (see `VisitorContextSchema`). */
export interface VisitorContextFields {
  visitorId?: string;
  language?: string;
  timeZone?: string;
}

/**
 * What is wrong with a visitor context, or null when it may be stored.
 * `isTimeZone` says whether a well-shaped time zone name is known (the
 * server asks `Intl`); left out, any well-shaped name passes.
 */
export function visitorContextProblem(
  context: VisitorContextFields,
  isTimeZone: (name: string) => boolean = () => true,
): { code: "VISITOR_CONTEXT_INVALID"; path: string; problem: string } | null {
  const fail = (field: string, problem: string) => ({ code: "VISITOR_CONTEXT_INVALID" as const, path: `/context/${field}`, problem });
  const { visitorId, language, timeZone } = context;
  if (visitorId !== undefined) {
    if (visitorId.length < VISITOR_CONTEXT_LIMITS.minVisitorIdLength || visitorId.length > VISITOR_CONTEXT_LIMITS.maxVisitorIdLength) return fail("visitorId", "length");
    if (!new RegExp(VISITOR_ID_PATTERN).test(visitorId)) return fail("visitorId", "characters");
  }
  if (language !== undefined) {
    if (language.length > VISITOR_CONTEXT_LIMITS.maxLanguageLength) return fail("language", "length");
    if (!new RegExp(LANGUAGE_TAG_PATTERN).test(language)) return fail("language", "shape");
  }
  if (timeZone !== undefined) {
    if (timeZone.length === 0 || timeZone.length > VISITOR_CONTEXT_LIMITS.maxTimeZoneLength) return fail("timeZone", "length");
    if (!new RegExp(TIME_ZONE_PATTERN).test(timeZone) || !isTimeZone(timeZone)) return fail("timeZone", "unknown");
  }
  return null;
}
