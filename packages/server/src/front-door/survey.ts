/**
 * The satisfaction survey of an ended chat: which one a chat gets, until
 * when it can be answered, and whether answers fit it.
 * @module
 */
import { DEFAULT_SURVEY, type SurveyAnswerBody, type SurveyConfig } from "@parley/protocol";
import { ParleyError } from "../errors.js";

const invalid = (path: string, problem: string): ParleyError => new ParleyError("SURVEY_ANSWER_INVALID", undefined, { path, problem });

/** The survey a queue asks: the admin's, else the default. */
export function effectiveSurvey(stored: SurveyConfig | undefined): SurveyConfig {
  return stored ?? DEFAULT_SURVEY;
}

/** Until when a chat that ended at `endedAt` may be rated. */
export function surveyDeadline(endedAt: string, config: SurveyConfig): string {
  return new Date(Date.parse(endedAt) + config.expiryMinutes * 60_000).toISOString();
}

/** Refuses a survey an admin sends with `VALIDATION_FAILED` when its scale is empty or two questions share an id. */
export function checkSurveyConfig(config: SurveyConfig): void {
  if (config.scale.min >= config.scale.max) {
    throw new ParleyError("VALIDATION_FAILED", "The scale's max must be above its min.", { path: "/scale", problem: "empty scale" });
  }
  const ids = new Set<string>();
  config.questions.forEach((question, i) => {
    if (ids.has(question.id)) throw new ParleyError("VALIDATION_FAILED", `Two questions are named ${question.id}.`, { path: `/questions/${i}/id`, problem: "duplicate" });
    ids.add(question.id);
  });
}

/** The answers as stored: checked against the survey; `SURVEY_ANSWER_INVALID` names the first that does not fit. */
export function checkAnswers(config: SurveyConfig, body: SurveyAnswerBody): { comment: string | null; answers: Record<string, number | string> } {
  const inScale = (value: number) => Number.isInteger(value) && value >= config.scale.min && value <= config.scale.max;
  if (!inScale(body.rating)) throw invalid("/rating", `not between ${config.scale.min} and ${config.scale.max}`);
  const comment = body.comment?.trim() ?? "";
  if (comment !== "" && !config.comment) throw invalid("/comment", "this survey takes no comment");
  const given = body.answers ?? {};
  const answers: Record<string, number | string> = {};
  for (const id of Object.keys(given)) {
    if (!config.questions.some((question) => question.id === id)) throw invalid(`/answers/${id}`, "no such question");
  }
  for (const question of config.questions) {
    const value = Object.hasOwn(given, question.id) ? given[question.id] : undefined;
    const isBlank = value === undefined || (typeof value === "string" && value.trim() === "");
    if (isBlank) {
      if (question.required) throw invalid(`/answers/${question.id}`, "required");
      continue;
    }
    if (question.kind === "rating" && (typeof value !== "number" || !inScale(value))) throw invalid(`/answers/${question.id}`, "not a score of the scale");
    if (question.kind === "text" && typeof value !== "string") throw invalid(`/answers/${question.id}`, "not a text");
    answers[question.id] = typeof value === "string" ? value.trim() : value;
  }
  return { comment: comment === "" ? null : comment, answers };
}
