/**
 * The chat's call data — the pre-chat form's fields among them — as a small
 * list in the customer panel. Kept current by the room, which redraws on
 * `callDataChanged`; nothing is shown while the chat has none.
 */
import type { CallData } from "@parley/protocol";

export function CallDataDetails({ callData, title = "Details" }: { callData: CallData; title?: string }) {
  const entries = Object.entries(callData).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return null;
  return (
    <details class="call-data" open>
      <summary>{title}</summary>
      <dl aria-label="Call data">
        {entries.map(([key, value]) => (
          <div key={key} class="call-data-row">
            <dt>{key}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
