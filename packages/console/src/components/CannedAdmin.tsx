/**
 * Managing canned responses of one scope: the tenant's shared ones (admin
 * page tab, and the "Canned responses" view of supervisors) or the agent's
 * own. A table of them, a form to add one or change the one picked, and
 * removal; the server's coded refusal is shown as it comes. Every change
 * reloads the list the composer's `/` picker reads.
 */
import { useEffect, useState } from "preact/hooks";
import { CANNED_SHORTCUT_PATTERN, MAX_CANNED_TEXT_LENGTH, MAX_CANNED_TITLE_LENGTH, type CannedResponse, type CannedScope } from "@parley/protocol";
import { describeFailure } from "../api.js";
import { cannedList, createCanned, deleteCanned, listCanned, updateCanned } from "../canned-api.js";

const EMPTY = { title: "", shortcut: "", text: "" };

export function CannedAdmin({ token, scope }: { token: string; scope: CannedScope }) {
  const [responses, setResponses] = useState<CannedResponse[]>([]);
  const [editing, setEditing] = useState<CannedResponse | undefined>(undefined);
  const [fields, setFields] = useState(EMPTY);
  const [error, setError] = useState("");
  const [status, setStatus] = useState("");
  const prefix = `canned-${scope}`;

  const load = () =>
    listCanned(token)
      .then((all) => setResponses(all.filter((r) => r.scope === scope)))
      .catch((failure: unknown) => setError(describeFailure(failure)));
  useEffect(() => void load(), [token, scope]);

  const done = (message: string) => {
    setStatus(message);
    setError("");
    setEditing(undefined);
    setFields(EMPTY);
    void load();
    void cannedList.reload(token);
  };

  const save = (e: Event) => {
    e.preventDefault();
    const work = editing === undefined ? createCanned(token, { scope, ...fields }) : updateCanned(token, editing.id, fields);
    work.then((saved) => done(`Saved /${saved.shortcut}.`)).catch((failure: unknown) => setError(describeFailure(failure)));
  };

  const remove = (response: CannedResponse) => {
    if (!window.confirm(`Remove /${response.shortcut}?`)) return;
    deleteCanned(token, response.id)
      .then(() => done(`Removed /${response.shortcut}.`))
      .catch((failure: unknown) => setError(describeFailure(failure)));
  };

  const heading = scope === "shared" ? "Shared canned responses" : "My canned responses";
  return (
    <section class="canned-manage" aria-labelledby={`${prefix}-heading`}>
      <h3 id={`${prefix}-heading`}>{heading}</h3>
      <p class="muted">
        Type <kbd>/</kbd> and the shortcut in a chat's message box to insert one. Placeholders: <code>{"{{customer.name}}"}</code>, <code>{"{{customer.email}}"}</code>,{" "}
        <code>{"{{agent.name}}"}</code>, <code>{"{{callData.key}}"}</code>.
      </p>
      {responses.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <table aria-labelledby={`${prefix}-heading`}>
          <thead>
            <tr>
              <th scope="col">Shortcut</th>
              <th scope="col">Title</th>
              <th scope="col">Text</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {responses.map((response) => (
              <tr key={response.id}>
                <td>
                  <code>/{response.shortcut}</code>
                </td>
                <td>{response.title}</td>
                <td class="canned-text">{response.text}</td>
                <td>
                  <button
                    type="button"
                    class="secondary"
                    aria-label={`Edit /${response.shortcut}`}
                    onClick={() => {
                      setEditing(response);
                      setFields({ title: response.title, shortcut: response.shortcut, text: response.text });
                    }}
                  >
                    Edit
                  </button>{" "}
                  <button type="button" class="secondary" aria-label={`Remove /${response.shortcut}`} onClick={() => remove(response)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={save} aria-label={editing === undefined ? `Add to ${heading.toLowerCase()}` : `Change /${editing.shortcut}`}>
        <label for={`${prefix}-title`}>Title</label>
        <input id={`${prefix}-title`} required maxLength={MAX_CANNED_TITLE_LENGTH} value={fields.title} onInput={(e) => setFields({ ...fields, title: e.currentTarget.value })} />
        <label for={`${prefix}-shortcut`}>Shortcut (lowercase letters, digits, dashes)</label>
        <input
          id={`${prefix}-shortcut`}
          required
          pattern={CANNED_SHORTCUT_PATTERN.slice(1, -1)}
          value={fields.shortcut}
          onInput={(e) => setFields({ ...fields, shortcut: e.currentTarget.value })}
        />
        <label for={`${prefix}-text`}>Text</label>
        <textarea id={`${prefix}-text`} required rows={3} maxLength={MAX_CANNED_TEXT_LENGTH} value={fields.text} onInput={(e) => setFields({ ...fields, text: e.currentTarget.value })} />
        <div>
          <button type="submit">{editing === undefined ? "Add" : "Save"}</button>{" "}
          {editing !== undefined && (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setEditing(undefined);
                setFields(EMPTY);
              }}
            >
              Cancel
            </button>
          )}
        </div>
      </form>
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="sr-only" role="status">
        {status}
      </p>
    </section>
  );
}
