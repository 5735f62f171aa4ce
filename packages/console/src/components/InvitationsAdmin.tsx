/**
 * For the tenant's admins: the site's proactive invitation rules — the
 * message, the pages (a path prefix, or a pattern with `*`), the visit's
 * pages seen and the seconds on the page — edited as a list and saved whole.
 * The server checks them; its refusal is shown as it comes.
 */
import type { InvitationRule } from "@parley/protocol";
import { useEffect, useState } from "preact/hooks";
import { fetchInvitationRules, saveInvitationRules } from "../front-door-api.js";

const NEW_RULE: InvitationRule = { id: "", message: "", urlPattern: "", secondsOnPage: 30, minPages: 1 };

function RuleFields({ rule, index, onChange, onRemove }: { rule: InvitationRule; index: number; onChange: (rule: InvitationRule) => void; onRemove: () => void }) {
  const field = (name: string) => `invitation-${index}-${name}`;
  const number = (value: string) => (value === "" ? 0 : Number(value));
  return (
    <fieldset class="invitation-rule">
      <legend>Rule {index + 1}</legend>
      <label for={field("id")}>Name</label>
      <input id={field("id")} value={rule.id} maxLength={32} onInput={(e) => onChange({ ...rule, id: e.currentTarget.value })} />
      <label for={field("message")}>Message</label>
      <textarea id={field("message")} value={rule.message} maxLength={500} onInput={(e) => onChange({ ...rule, message: e.currentTarget.value })} />
      <label for={field("pattern")}>Pages (a path such as /shop/, or a pattern such as /shop/*; empty: every page)</label>
      <input id={field("pattern")} value={rule.urlPattern} maxLength={200} onInput={(e) => onChange({ ...rule, urlPattern: e.currentTarget.value })} />
      <label for={field("seconds")}>Seconds on the page</label>
      <input id={field("seconds")} type="number" min={0} max={3600} value={rule.secondsOnPage} onInput={(e) => onChange({ ...rule, secondsOnPage: number(e.currentTarget.value) })} />
      <label for={field("pages")}>Pages seen in the visit, at least</label>
      <input id={field("pages")} type="number" min={1} max={100} value={rule.minPages} onInput={(e) => onChange({ ...rule, minPages: number(e.currentTarget.value) })} />
      <button type="button" class="secondary" onClick={onRemove}>
        Remove rule {index + 1}
      </button>
    </fieldset>
  );
}

export function InvitationsAdmin({ token }: { token: string }) {
  const [rules, setRules] = useState<InvitationRule[] | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  useEffect(() => {
    fetchInvitationRules().then(setRules, (failure: Error) => setError(failure.message));
  }, []);
  const save = async (event: Event) => {
    event.preventDefault();
    setStatus("");
    setError("");
    try {
      setRules(await saveInvitationRules(token, rules ?? []));
      setStatus("Saved.");
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  const change = (index: number, rule: InvitationRule) => setRules((rules ?? []).map((known, at) => (at === index ? rule : known)));
  return (
    <section class="invitations" aria-labelledby="invitations-title">
      <h2 id="invitations-title">Invitations</h2>
      <p>The widget opens with a rule's message once per visit, on the first rule that applies to the page, when no chat runs and the queue is available.</p>
      {rules === null ? (
        error === "" && <p aria-busy="true">Loading…</p>
      ) : (
        <form onSubmit={(event) => void save(event)}>
          {rules.length === 0 && <p>No rules: the widget never invites.</p>}
          {rules.map((rule, index) => (
            <RuleFields key={index} rule={rule} index={index} onChange={(next) => change(index, next)} onRemove={() => setRules(rules.filter((_, at) => at !== index))} />
          ))}
          <button type="button" class="secondary" onClick={() => setRules([...rules, { ...NEW_RULE, id: `rule-${rules.length + 1}` }])}>
            Add a rule
          </button>
          <button type="submit">Save the invitations</button>
        </form>
      )}
      {status !== "" && <p role="status">{status}</p>}
      {error !== "" && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </section>
  );
}
