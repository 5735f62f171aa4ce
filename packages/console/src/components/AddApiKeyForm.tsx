/** The admin page's form to create an API key: a name and at least one scope. */
import { useState } from "preact/hooks";
import { API_KEY_SCOPES, type ApiKeyScope } from "@parley/protocol";

export function AddApiKeyForm({ scopeNames, onSubmit }: { scopeNames: Record<string, string>; onSubmit: (name: string, scopes: ApiKeyScope[]) => Promise<boolean> }) {
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [problem, setProblem] = useState("");
  return (
    <section aria-labelledby="key-add-heading" class="admin-form-section">
      <h3 id="key-add-heading">Create an API key</h3>
      <form
        class="tenant-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (scopes.length === 0) {
            setProblem("Choose at least one scope.");
            return;
          }
          setProblem("");
          void onSubmit(name.trim(), scopes).then((isMade) => {
            if (!isMade) return;
            setName("");
            setScopes([]);
          });
        }}
      >
        <div class="field">
          <label for="key-add-name">Name (what it is for)</label>
          <input id="key-add-name" required maxLength={64} value={name} onInput={(event) => setName(event.currentTarget.value)} />
        </div>
        <fieldset class="field scopes" aria-describedby={problem === "" ? undefined : "key-add-problem"}>
          <legend>Scopes</legend>
          {API_KEY_SCOPES.map((scope) => (
            <label key={scope} class="check">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(event) => setScopes(event.currentTarget.checked ? [...scopes, scope] : scopes.filter((other) => other !== scope))}
              />
              {scopeNames[scope] ?? scope} <code>{scope}</code>
            </label>
          ))}
        </fieldset>
        {problem !== "" && (
          <p class="error" id="key-add-problem" role="alert">
            {problem}
          </p>
        )}
        <div class="form-actions">
          <button type="submit">Create key</button>
        </div>
      </form>
    </section>
  );
}
