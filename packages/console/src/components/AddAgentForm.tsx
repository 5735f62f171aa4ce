/** The admin page's form to add an agent: username, name, password, role and capacity. */
import { useState } from "preact/hooks";
import type { CreateAgentBody } from "@parley/protocol";

const EMPTY = { username: "", nickname: "", password: "", role: "agent", capacity: "" };

export function AddAgentForm({ onSubmit }: { onSubmit: (body: CreateAgentBody) => Promise<boolean> }) {
  const [form, setForm] = useState(EMPTY);
  const set = (field: keyof typeof EMPTY) => (event: { currentTarget: { value: string } }) => setForm({ ...form, [field]: event.currentTarget.value });
  return (
    <section aria-labelledby="agent-add-heading" class="admin-form-section">
      <h3 id="agent-add-heading">Add an agent</h3>
      <form
        class="tenant-form"
        onSubmit={(event) => {
          event.preventDefault();
          const body: CreateAgentBody = { username: form.username.trim(), password: form.password, role: form.role as CreateAgentBody["role"] };
          if (form.nickname.trim() !== "") body.nickname = form.nickname.trim();
          if (form.capacity.trim() !== "") body.capacity = Number(form.capacity);
          void onSubmit(body).then((isAdded) => isAdded && setForm(EMPTY));
        }}
      >
        <div class="field">
          <label for="agent-add-username">Username</label>
          <input id="agent-add-username" required maxLength={128} pattern="[A-Za-z0-9._@\-]+" autoComplete="off" value={form.username} onInput={set("username")} />
        </div>
        <div class="field">
          <label for="agent-add-nickname">Name customers see (optional)</label>
          <input id="agent-add-nickname" maxLength={64} value={form.nickname} onInput={set("nickname")} />
        </div>
        <div class="field">
          <label for="agent-add-password">Password (at least 8 characters)</label>
          <input id="agent-add-password" type="password" required minLength={8} autoComplete="new-password" value={form.password} onInput={set("password")} />
        </div>
        <div class="field">
          <label for="agent-add-role">Role</label>
          <select id="agent-add-role" value={form.role} onChange={set("role")}>
            <option value="agent">Agent</option>
            <option value="supervisor">Supervisor</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <div class="field">
          <label for="agent-add-capacity">Capacity (empty: the default)</label>
          <input id="agent-add-capacity" type="number" min={1} max={100000} value={form.capacity} onInput={set("capacity")} />
        </div>
        <div class="form-actions">
          <button type="submit">Add agent</button>
        </div>
      </form>
    </section>
  );
}
