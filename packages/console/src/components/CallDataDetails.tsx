/**
 * The chat's call data — the pre-chat form's fields among them — as a small
 * list in the customer panel. Kept current by the room, which redraws on
 * `callDataChanged`; nothing is shown while the chat has none. Answers to
 * the queue's pre-chat form show under the field's label (and an option's
 * label for its value), the key in a tooltip.
 */
import type { CallData } from "@parley/protocol";
import type { AnswerLabel } from "../prechat-api.js";

export function CallDataDetails({ callData, title = "Details", labels = {} }: { callData: CallData; title?: string; labels?: Record<string, AnswerLabel> }) {
  const entries = Object.entries(callData).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return null;
  return (
    <details class="call-data" open>
      <summary>{title}</summary>
      <dl aria-label="Call data">
        {entries.map(([key, value]) => (
          <div key={key} class="call-data-row">
            <dt title={labels[key] === undefined ? undefined : key}>{labels[key]?.label ?? key}</dt>
            <dd>{labels[key]?.options[value] ?? value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
