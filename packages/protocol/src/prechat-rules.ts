/**
 * The pre-chat form's rules, without schemas: what a form definition may
 * hold (beyond its shape) and whether a customer's answers fit it. The server
 * runs them on `PUT /v1/queues/:name/form` and `POST /v1/contacts`; the widget
 * runs the answer check before sending, so both say the same.
 * @module
 */
import { CALL_DATA_LIMITS, DEFAULT_LIMITS } from "./limits.js";
import { compileFormPattern, FormPatternError, type FormPattern } from "./form-pattern.js";

/** The kinds of field a pre-chat form has (the original product's data-collection types). */
export const PRECHAT_FIELD_KINDS = ["nickname", "name", "surname", "email", "phone", "date", "textarea", "checkbox", "radio", "select", "info"] as const;
export type PrechatFieldKind = (typeof PRECHAT_FIELD_KINDS)[number];

/** The languages a form's labels are given in. */
export const PRECHAT_LANGUAGES = ["en", "fr", "it", "es", "de", "pt"] as const;
export type PrechatLanguage = (typeof PRECHAT_LANGUAGES)[number];

/** A text in some of the form's languages; at least one. */
export type PrechatLabels = Partial<Record<PrechatLanguage, string>>;

/** Bounds of a pre-chat form and of its answers. */
export const PRECHAT_LIMITS = Object.freeze({
  /** Most fields of one form (info texts included). */
  maxFields: 20,
  /** Most options of a radio or select field. */
  maxOptions: 20,
  /** Longest label, in characters. */
  maxLabelLength: 500,
  /** Longest answer of a one-line field, in characters. */
  maxLineLength: 256,
  /** Longest answer of a text area, in characters (a call-data value's limit). */
  maxTextLength: CALL_DATA_LIMITS.maxValueLength,
  /** Longest privacy link. */
  maxUrlLength: 2048,
});

/** One option of a radio or select field: the value stored, and its labels. */
export interface PrechatOption {
  value: string;
  labels: PrechatLabels;
}

/** One field of a pre-chat form, as admins define it. */
export interface PrechatField {
  /** The call-data key the answer is stored under (`[A-Za-z0-9_.-]`). */
  key: string;
  kind: PrechatFieldKind;
  /** Whether the customer must answer (for a checkbox: must tick it). */
  mandatory: boolean;
  /** A pattern the whole answer must match (see `form-pattern.ts` for the syntax); null for none. */
  pattern: string | null;
  /** The choices of a radio or select field; empty for other kinds. */
  options: PrechatOption[];
  /** Whether agents see the answer in the chat's call data; a hidden answer is kept for admins only. */
  agentVisible: boolean;
  /** The field's label (for `info`, the text shown). */
  labels: PrechatLabels;
}

/** The consent a form asks before a chat: a checkbox with a link to the privacy policy. */
export interface PrechatConsent {
  /** An absolute http(s) link to the privacy policy. */
  privacyUrl: string;
  labels: PrechatLabels;
}

/** A queue's pre-chat form, as admins define it (`PUT /v1/queues/:name/form`). */
export interface PrechatForm {
  fields: PrechatField[];
  /** Null: no consent is asked. */
  consent: PrechatConsent | null;
}

/** A field as the customer's widget reads it: without what only admins decide. */
export type PublicPrechatField = Omit<PrechatField, "agentVisible">;

/** A form as `GET /v1/queues/:name/form` gives it to anyone. */
export interface PublicPrechatForm {
  fields: PublicPrechatField[];
  consent: PrechatConsent | null;
}

/** A customer's answers: text by field key, `true`/`false` for a checkbox. */
export type PrechatAnswers = Record<string, string | boolean>;

/** Why one answer, or the form's consent (`key` `consent`), was refused. */
export interface PrechatProblem {
  key: string;
  problem: "required" | "pattern" | "tooLong" | "notAnOption" | "email" | "phone" | "date" | "unknown" | "type";
}

/** Why a form definition is refused: where (a JSON pointer into it) and what. */
export interface PrechatDefinitionProblem {
  path: string;
  problem: string;
}

const KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const PHONE = /^\+?[0-9 ()./-]{3,32}$/;

/** The first problem of a form definition whose shape is valid, or null. */
export function prechatDefinitionProblem(form: PrechatForm): PrechatDefinitionProblem | null {
  const keys = new Set<string>();
  let nicknames = 0;
  for (const [i, field] of form.fields.entries()) {
    const at = `/fields/${i}`;
    if (!KEY.test(field.key)) return { path: `${at}/key`, problem: "a key is 1 to 64 letters, digits, _ . or -" };
    if (keys.has(field.key)) return { path: `${at}/key`, problem: "two fields share this key" };
    keys.add(field.key);
    if (Object.keys(field.labels).length === 0) return { path: `${at}/labels`, problem: "a label in at least one language" };
    const hasChoices = field.kind === "radio" || field.kind === "select";
    if (hasChoices && field.options.length === 0) return { path: `${at}/options`, problem: "a radio or select field needs options" };
    if (!hasChoices && field.options.length > 0) return { path: `${at}/options`, problem: "only radio and select fields have options" };
    const values = new Set<string>();
    for (const [j, option] of field.options.entries()) {
      if (values.has(option.value)) return { path: `${at}/options/${j}/value`, problem: "two options share this value" };
      values.add(option.value);
    }
    if (field.kind === "info" && (field.mandatory || field.pattern !== null)) return { path: at, problem: "an info text takes no answer: not mandatory, no pattern" };
    if ((field.kind === "checkbox" || hasChoices || field.kind === "date") && field.pattern !== null) return { path: `${at}/pattern`, problem: `a ${field.kind} field takes no pattern` };
    if (field.kind === "nickname" && ++nicknames > 1) return { path: at, problem: "one nickname field at most" };
    if (field.pattern !== null) {
      try {
        compileFormPattern(field.pattern);
      } catch (error) {
        if (error instanceof FormPatternError) return { path: `${at}/pattern`, problem: error.message };
        throw error;
      }
    }
  }
  if (form.consent !== null) {
    if (!/^https?:\/\/[^\s]+$/i.test(form.consent.privacyUrl)) return { path: "/consent/privacyUrl", problem: "an absolute http(s) link" };
    if (Object.keys(form.consent.labels).length === 0) return { path: "/consent/labels", problem: "a label in at least one language" };
  }
  return null;
}

/** The longest answer a field takes (a nickname: the default nickname limit, so the form and the chat agree). */
export function prechatMaxLength(field: Pick<PrechatField, "kind">): number {
  if (field.kind === "nickname") return DEFAULT_LIMITS.maxNicknameLength;
  return field.kind === "textarea" ? PRECHAT_LIMITS.maxTextLength : PRECHAT_LIMITS.maxLineLength;
}

/** A `YYYY-MM-DD` date that exists. */
function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Patterns compiled once per text: the widget checks on every submit, the server on every chat. */
const compiled = new Map<string, FormPattern>();
function patternOf(pattern: string): FormPattern {
  let found = compiled.get(pattern);
  if (found === undefined) {
    found = compileFormPattern(pattern);
    if (compiled.size > 500) compiled.clear();
    compiled.set(pattern, found);
  }
  return found;
}

/** Whether an answer counts as given: a ticked box, or text other than spaces. */
function isGiven(value: string | boolean | undefined): boolean {
  return value === true || (typeof value === "string" && value.trim() !== "");
}

/**
 * Every problem of a customer's answers to `form` (empty when they fit):
 * unknown keys, missing mandatory answers, answers too long, outside the
 * options, or not matching their kind or pattern, and a consent not given.
 * Lengths are checked before patterns, so a pattern only ever runs on a bounded text.
 */
export function prechatProblems(form: PublicPrechatForm, answers: PrechatAnswers, consent: boolean | undefined): PrechatProblem[] {
  const problems: PrechatProblem[] = [];
  const fields = new Map(form.fields.map((field) => [field.key, field]));
  for (const key of Object.keys(answers)) {
    const field = fields.get(key);
    if (field === undefined || field.kind === "info") problems.push({ key, problem: "unknown" });
  }
  for (const field of form.fields) {
    if (field.kind === "info") continue;
    const value = Object.hasOwn(answers, field.key) ? answers[field.key] : undefined;
    const problem = answerProblem(field, value);
    if (problem !== null) problems.push({ key: field.key, problem });
  }
  if (form.consent !== null && consent !== true) problems.push({ key: "consent", problem: "required" });
  return problems;
}

function answerProblem(field: PublicPrechatField, value: string | boolean | undefined): PrechatProblem["problem"] | null {
  if (field.kind === "checkbox") {
    if (value !== undefined && typeof value !== "boolean") return "type";
    return field.mandatory && value !== true ? "required" : null;
  }
  if (value !== undefined && typeof value !== "string") return "type";
  if (!isGiven(value)) return field.mandatory ? "required" : null;
  const text = (value as string).trim();
  if (text.length > prechatMaxLength(field)) return "tooLong";
  if (field.kind === "radio" || field.kind === "select") return field.options.some((option) => option.value === text) ? null : "notAnOption";
  if (field.kind === "email" && !/^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/.test(text)) return "email";
  if (field.kind === "phone" && !PHONE.test(text)) return "phone";
  if (field.kind === "date" && !isDate(text)) return "date";
  if (field.pattern !== null && !patternOf(field.pattern).test(text)) return "pattern";
  return null;
}

/** A label in `language`, else English, else the first one given. */
export function prechatLabel(labels: PrechatLabels, language: string): string {
  const exact = labels[language as PrechatLanguage];
  if (exact !== undefined && exact !== "") return exact;
  return labels.en ?? Object.values(labels).find((text) => text !== undefined && text !== "") ?? "";
}
