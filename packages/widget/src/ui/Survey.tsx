/**
 * After the chat: the queue's satisfaction survey (a rating on its scale, an
 * optional comment, its extra questions), answered once, and the download of
 * the chat's transcript. The server checks every answer again.
 * @module
 */
import type { SurveyConfig } from "@parley/protocol";
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { WidgetConfig } from "../config.js";
import { downloadTranscript, fetchSurvey, FrontDoorError, sendSurvey, type ChatCredential } from "../front-door.js";
import { frontDoorStrings, type FrontDoorStrings } from "../front-door-strings.js";
import { format } from "../i18n.js";

type Phase = "loading" | "none" | "asking" | "sending" | "thanks" | "expired";

const codeOf = (error: unknown): string => (error instanceof FrontDoorError ? error.code : "INTERNAL_ERROR");

/** A row of radio buttons, one per score of the scale. */
function Scale({ name, legend, scale, value, onPick }: { name: string; legend: string; scale: SurveyConfig["scale"]; value: number | undefined; onPick: (score: number) => void }): JSX.Element {
  const scores = Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
  return (
    <fieldset class="scale">
      <legend>{legend}</legend>
      {scores.map((score) => (
        <label key={score}>
          <input type="radio" name={name} value={String(score)} checked={value === score} onChange={() => onPick(score)} />
          <span>{score}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** The survey of the ended chat, and the transcript button. */
export function Survey({ config, chat }: { config: WidgetConfig; chat: ChatCredential | null }): JSX.Element | null {
  const strings = frontDoorStrings(config.language);
  const [phase, setPhase] = useState<Phase>("loading");
  const [survey, setSurvey] = useState<SurveyConfig | null>(null);
  const [rating, setRating] = useState<number | undefined>(undefined);
  const [comment, setComment] = useState("");
  const [answers, setAnswers] = useState<Record<string, number | string>>({});
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (chat === null) return setPhase("none");
    let isCurrent = true;
    fetchSurvey(config, chat).then(
      (answer) => {
        if (!isCurrent) return;
        if (answer.result !== null) return setPhase("thanks");
        if (answer.config === null || (answer.expiresAt !== null && answer.expiresAt <= new Date().toISOString())) return setPhase("none");
        setSurvey(answer.config);
        setPhase("asking");
      },
      () => isCurrent && setPhase("none"),
    );
    return () => {
      isCurrent = false;
    };
  }, [config, chat]);

  const submit = (event: Event) => {
    event.preventDefault();
    if (chat === null || survey === null) return;
    if (rating === undefined) return setNotice(strings.surveyPick);
    setPhase("sending");
    setNotice(null);
    const body: { rating: number; comment?: string; answers?: Record<string, number | string> } = { rating };
    if (survey.comment && comment.trim() !== "") body.comment = comment;
    if (Object.keys(answers).length > 0) body.answers = answers;
    sendSurvey(config, chat, body).then(
      () => setPhase("thanks"),
      (error: unknown) => {
        const code = codeOf(error);
        if (code === "SURVEY_ALREADY_ANSWERED") return setPhase("thanks");
        if (code === "SURVEY_EXPIRED") return setPhase("expired");
        setPhase("asking");
        setNotice(format(strings.surveyFailed, { code }));
      },
    );
  };

  return (
    <div class="after-chat">
      {(phase === "asking" || phase === "sending") && survey !== null && (
        <form class="survey" onSubmit={submit} aria-labelledby="parley-survey-title">
          <h3 id="parley-survey-title">{strings.surveyTitle}</h3>
          <Scale
            name="parley-rating"
            legend={format(strings.surveyRating, { min: String(survey.scale.min), max: String(survey.scale.max) })}
            scale={survey.scale}
            value={rating}
            onPick={setRating}
          />
          {survey.questions.map((question) =>
            question.kind === "rating" ? (
              <Scale
                key={question.id}
                name={`parley-q-${question.id}`}
                legend={question.required ? question.label : `${question.label} ${strings.surveyOptional}`}
                scale={survey.scale}
                value={typeof answers[question.id] === "number" ? (answers[question.id] as number) : undefined}
                onPick={(score) => setAnswers({ ...answers, [question.id]: score })}
              />
            ) : (
              <p key={question.id} class="field">
                <label for={`parley-q-${question.id}`}>{question.required ? question.label : `${question.label} ${strings.surveyOptional}`}</label>
                <textarea
                  id={`parley-q-${question.id}`}
                  rows={2}
                  maxLength={2000}
                  required={question.required}
                  value={typeof answers[question.id] === "string" ? (answers[question.id] as string) : ""}
                  onInput={(e) => setAnswers({ ...answers, [question.id]: e.currentTarget.value })}
                />
              </p>
            ),
          )}
          {survey.comment && (
            <p class="field">
              <label for="parley-survey-comment">{strings.surveyComment}</label>
              <textarea id="parley-survey-comment" rows={2} maxLength={2000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
            </p>
          )}
          {notice !== null && (
            <p class="notice" role="alert">
              {notice}
            </p>
          )}
          <button class="primary" type="submit" disabled={phase === "sending"}>
            {strings.surveySend}
          </button>
        </form>
      )}
      {phase === "thanks" && (
        <p class="survey-done" role="status">
          {strings.surveyThanks}
        </p>
      )}
      {phase === "expired" && (
        <p class="survey-done" role="status">
          {strings.surveyExpired}
        </p>
      )}
      {chat !== null && <TranscriptButton config={config} chat={chat} strings={strings} />}
    </div>
  );
}

function TranscriptButton({ config, chat, strings }: { config: WidgetConfig; chat: ChatCredential; strings: FrontDoorStrings }): JSX.Element {
  const [notice, setNotice] = useState<string | null>(null);
  const download = () => {
    setNotice(null);
    downloadTranscript(config, chat).catch((error: unknown) => setNotice(format(strings.transcriptFailed, { code: codeOf(error) })));
  };
  return (
    <>
      <button type="button" class="link transcript" onClick={download}>
        {strings.transcript}
      </button>
      {notice !== null && (
        <p class="notice" role="alert">
          {notice}
        </p>
      )}
    </>
  );
}
