/** While no agent is in the chat: "Waiting for an agent", with the place in the queue and the estimated wait, live. @module */
import type { JSX } from "preact";
import type { QueuePosition } from "@parley/sdk";
import { format, type Strings } from "../i18n.js";

export function Waiting({ queue, strings }: { queue: QueuePosition | null; strings: Strings }): JSX.Element {
  const eta = queue?.etaSeconds;
  return (
    <div class="waiting" role="status">
      <span class="spinner" aria-hidden="true" />
      <div>
        <strong>{strings.waiting}</strong>
        {queue !== null && <span class="position"> {format(strings.queuePosition, { position: String(queue.position) })}</span>}
        {eta !== undefined && eta !== null && (
          <span class="eta"> {eta < 60 ? strings.waitSoon : format(strings.waitMinutes, { minutes: String(Math.round(eta / 60)) })}</span>
        )}
      </div>
    </div>
  );
}
