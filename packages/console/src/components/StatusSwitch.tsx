/** The agent's status in the header: available or away, kept by the server for every tab. */
import type { ManualAgentStatus } from "@parley/sdk";
import type { Desk } from "../desk.js";
import { STATUS_LABELS } from "../my-chats.js";

export function StatusSwitch({ desk }: { desk: Desk }) {
  return (
    <label class="status-switch">
      Status{" "}
      <select
        data-testid="agent-status"
        value={desk.status === "away" ? "away" : "available"}
        onChange={(e) => void desk.setStatus(e.currentTarget.value as ManualAgentStatus)}
      >
        {(["available", "away"] as const).map((status) => (
          <option key={status} value={status}>
            {STATUS_LABELS[status]}
          </option>
        ))}
      </select>
    </label>
  );
}
