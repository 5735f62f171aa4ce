/**
 * The header's alert settings: the sound (muted with the checkbox, kept in
 * localStorage) and desktop notifications, asked for only when the agent
 * clicks the button — never on load.
 */
import { useState } from "preact/hooks";
import type { Desk } from "../desk.js";
import { notificationState, requestNotifications, type NotificationState } from "../notifications.js";

const STATE_TEXT: Record<Exclude<NotificationState, "default">, string> = {
  granted: "Desktop notifications on",
  denied: "Desktop notifications blocked in the browser's site settings",
  unsupported: "This browser shows no desktop notifications",
};

export function NotificationSettings({ desk }: { desk: Desk }) {
  const [state, setState] = useState<NotificationState>(notificationState);
  return (
    <span class="alert-settings">
      <label class="sound">
        <input type="checkbox" checked={desk.isSoundOn} onChange={(e) => desk.setSound(e.currentTarget.checked)} />
        Sound
      </label>
      {state === "default" ? (
        <button type="button" class="secondary" onClick={() => void requestNotifications().then(setState)}>
          Turn on desktop notifications
        </button>
      ) : (
        <span class="muted notification-state" data-state={state}>
          {STATE_TEXT[state]}
        </span>
      )}
    </span>
  );
}
