/**
 * The pre-chat form on the server: an admin's definition is checked before
 * it is stored, the public view leaves out what only admins decide, and a
 * chat's answers are checked against its queue's form before the chat exists
 * (a page that skips the widget cannot skip a mandatory field).
 *
 * Answers agents may see become the chat's call data; every answer, and the
 * consent, is kept with the chat (`chat_prechat`), so hidden answers are
 * stored without ever reaching an agent's view.
 * @module
 */
import {
  prechatDefinitionProblem,
  prechatProblems,
  type PrechatAnswers,
  type PrechatForm,
  type PublicPrechatForm,
} from "@parley/protocol";
import { ParleyError } from "../errors.js";
import type { PrechatRecord } from "../store/prechat-queries.js";

/** Refuses a form an admin sends with `FORM_DEFINITION_INVALID`, naming the first problem. */
export function checkPrechatDefinition(form: PrechatForm): void {
  const problem = prechatDefinitionProblem(form);
  if (problem !== null) throw new ParleyError("FORM_DEFINITION_INVALID", `${problem.path}: ${problem.problem}`, { ...problem });
}

/** The form as the customer's widget reads it: without `agentVisible`. */
export function publicPrechatForm(form: PrechatForm): PublicPrechatForm {
  return { fields: form.fields.map(({ agentVisible: _hidden, ...field }) => field), consent: form.consent };
}

/** What a chat starts with once its answers are accepted. */
export interface AcceptedPrechat {
  /** The nickname field's answer, which names the customer; undefined when the form has none. */
  nickname?: string;
  /** The answers agents see, as call data (a checkbox as `true` / `false`). */
  callData: Record<string, string>;
  record: PrechatRecord;
}

/**
 * Checks the answers sent with a new chat against the queue's form. Null
 * when the queue has no form and nothing was answered; `FORM_INVALID` with
 * every problem (`details.fields`) when they do not fit.
 */
export function acceptPrechat(
  form: PrechatForm | undefined,
  queue: string,
  answers: PrechatAnswers | undefined,
  consent: boolean | undefined,
  at: string,
): AcceptedPrechat | null {
  const given = answers ?? {};
  if (form === undefined) {
    const keys = Object.keys(given);
    if (keys.length === 0) return null;
    throw new ParleyError("FORM_INVALID", "This queue has no pre-chat form.", { fields: keys.map((key) => ({ key, problem: "unknown" })) });
  }
  const problems = prechatProblems(form, given, consent);
  if (problems.length > 0) throw new ParleyError("FORM_INVALID", undefined, { fields: problems });
  const kept: PrechatAnswers = {};
  const callData: Record<string, string> = {};
  const hidden: string[] = [];
  let nickname: string | undefined;
  for (const field of form.fields) {
    const value = Object.hasOwn(given, field.key) ? given[field.key] : undefined;
    if (value === undefined || field.kind === "info") continue;
    const stored = typeof value === "string" ? value.trim() : value;
    if (stored === "") continue;
    kept[field.key] = stored;
    if (field.kind === "nickname" && typeof stored === "string") nickname = stored;
    if (field.agentVisible) callData[field.key] = String(stored);
    else hidden.push(field.key);
  }
  const record: PrechatRecord = {
    queue,
    answers: kept,
    hidden,
    consent: form.consent === null ? null : consent === true,
    privacyUrl: form.consent?.privacyUrl ?? null,
    submittedAt: at,
  };
  return nickname === undefined ? { callData, record } : { nickname, callData, record };
}
