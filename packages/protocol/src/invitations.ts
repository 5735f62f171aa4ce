/**
 * Proactive invitations: rules per site (tenant) that open the customer's
 * widget with a message once the visitor has spent some time on a page,
 * whose address matches a pattern, after a number of pages in the visit.
 * The widget judges them on the visitor's page; the server only keeps them.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";

/** Most rules a site keeps. */
export const MAX_INVITATION_RULES = 20;
/** Longest invitation message, in characters. */
export const MAX_INVITATION_MESSAGE_LENGTH = 500;
/** Longest page pattern, in characters. */
export const MAX_INVITATION_PATTERN_LENGTH = 200;
/** The longest time on a page a rule may wait for: one hour. */
export const MAX_INVITATION_SECONDS = 3600;
/** The most pages of a visit a rule may wait for. */
export const MAX_INVITATION_PAGES = 100;

/**
 * One rule. It applies on a page whose path (with its query) matches
 * `urlPattern` — a prefix, or with `*` a whole-path pattern where `*` stands
 * for any characters (`/shop/*`, `/help/*.html`); `""` is every page — once
 * the visit has seen at least `minPages` pages (this one counted), after
 * `secondsOnPage` seconds on the page.
 */
export const InvitationRule = Type.Object(
  {
    /** Names the rule in the host page's `InvitationShown` event (letters, digits, `-`, `_`). */
    id: Type.String({ pattern: "^[A-Za-z0-9_-]{1,32}$" }),
    /** What the widget says when it opens. */
    message: Type.String({ minLength: 1, maxLength: MAX_INVITATION_MESSAGE_LENGTH }),
    secondsOnPage: Type.Integer({ minimum: 0, maximum: MAX_INVITATION_SECONDS }),
    /** `""`, or a path starting with `/`, without spaces or control characters. */
    urlPattern: Type.String({ maxLength: MAX_INVITATION_PATTERN_LENGTH, pattern: "^(/[\\x21-\\x7e]*)?$" }),
    minPages: Type.Integer({ minimum: 1, maximum: MAX_INVITATION_PAGES }),
  },
  { additionalProperties: false },
);
export type InvitationRule = Static<typeof InvitationRule>;

/** `PUT /v1/invitations` and the answer of both routes: the site's rules, first match first. */
export const InvitationRules = Type.Object({ rules: Type.Array(InvitationRule, { maxItems: MAX_INVITATION_RULES }) }, { additionalProperties: false });
export type InvitationRules = Static<typeof InvitationRules>;

/** `GET /v1/invitations`: public, the tenant from the host name or `?tenant=`. */
export const InvitationsQuery = Type.Object({ tenant: Type.Optional(Type.String({ maxLength: 63 })) }, { additionalProperties: false });
export type InvitationsQuery = Static<typeof InvitationsQuery>;
