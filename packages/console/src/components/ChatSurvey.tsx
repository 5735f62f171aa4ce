/** The customer's answers to an ended chat's survey, under its transcript. */
import { useEffect, useState } from "preact/hooks";
import type { ChatSurveyResponse } from "@parley/protocol";
import { fetchChatSurvey } from "../front-door-api.js";

export function ChatSurvey({ token, chatId }: { token: string; chatId: string }) {
  const [survey, setSurvey] = useState<ChatSurveyResponse | undefined>(undefined);
  useEffect(() => {
    // No survey to show is no failure of the transcript: say nothing.
    fetchChatSurvey(token, chatId).then(setSurvey, () => setSurvey(undefined));
  }, [token, chatId]);
  const result = survey?.result ?? null;
  if (survey === undefined || survey.config === null) return null;
  if (result === null) return <p class="muted survey-none">The customer has not rated this chat.</p>;
  const labels = new Map(survey.config.questions.map((q) => [q.id, q.label]));
  return (
    <section class="chat-survey" aria-label="Customer survey">
      <h3>Customer rating</h3>
      <p class="survey-rating">
        <strong>
          {result.rating} / {survey.config.scale.max}
        </strong>
      </p>
      {result.comment !== null && <p class="survey-comment">“{result.comment}”</p>}
      {Object.keys(result.answers).length > 0 && (
        <dl class="survey-answers">
          {Object.entries(result.answers).map(([id, value]) => (
            <div key={id}>
              <dt>{labels.get(id) ?? id}</dt>
              <dd>{String(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
