/** The admin types an agent's new password (the agent is told it by the admin; the server sends nothing back). */
import { useEffect, useRef, useState } from "preact/hooks";

export function AgentPasswordForm({ username, onSubmit, onCancel }: { username: string; onSubmit: (password: string) => Promise<void>; onCancel: () => void }) {
  const [password, setPassword] = useState("");
  const input = useRef<HTMLInputElement>(null);
  // The form opens from a button in the table: focus follows, so a keyboard user lands in it.
  useEffect(() => input.current?.focus(), []);
  return (
    <section aria-labelledby="agent-password-heading" class="admin-form-section">
      <h3 id="agent-password-heading">New password for {username}</h3>
      <form
        class="tenant-form"
        onSubmit={(event) => {
          event.preventDefault();
          void onSubmit(password);
        }}
      >
        <div class="field">
          <label for="agent-password">New password (at least 8 characters)</label>
          <input id="agent-password" ref={input} type="password" autoComplete="new-password" minLength={8} required value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
        </div>
        <div class="form-actions">
          <button type="submit">Set password</button>
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
