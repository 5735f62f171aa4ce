/**
 * For the tenant's admins: a queue's pre-chat form. Fields are added,
 * removed and moved; each has a key (its call-data name), a kind, whether it
 * is mandatory and seen by agents, an optional pattern, options (radio and
 * select: one per line, `value = label`) and its label in each language.
 * An optional consent box links to the privacy policy. The server checks the
 * whole form on save and names the first problem.
 */
import { useEffect, useState } from "preact/hooks";
import { PRECHAT_FIELD_KINDS, PRECHAT_LANGUAGES, type PrechatField, type PrechatFieldKind, type PrechatForm, type PrechatLabels, type QueueInfo } from "@parley/protocol";
import { describeFailure } from "../api.js";
import { fetchPrechatDefinition, savePrechatForm } from "../prechat-api.js";
import { listQueues } from "../queues-api.js";

const LANGUAGE_NAMES: Record<(typeof PRECHAT_LANGUAGES)[number], string> = { en: "English", fr: "French", it: "Italian", es: "Spanish", de: "German", pt: "Portuguese" };

function LabelsEditor({ id, legend, labels, onChange }: { id: string; legend: string; labels: PrechatLabels; onChange: (labels: PrechatLabels) => void }) {
  return (
    <fieldset class="prechat-labels">
      <legend>{legend}</legend>
      {PRECHAT_LANGUAGES.map((language) => (
        <label key={language} for={`${id}-${language}`}>
          {LANGUAGE_NAMES[language]}
          <input
            id={`${id}-${language}`}
            value={labels[language] ?? ""}
            onInput={(e) => {
              const { [language]: _old, ...rest } = labels;
              const text = e.currentTarget.value;
              onChange(text === "" ? rest : { ...rest, [language]: text });
            }}
          />
        </label>
      ))}
    </fieldset>
  );
}

/** Options as the admin types them: one per line, `value = label` (the label in English; the value alone when the same). */
function optionsText(field: PrechatField): string {
  return field.options.map((option) => (option.labels.en === undefined || option.labels.en === option.value ? option.value : `${option.value} = ${option.labels.en}`)).join("\n");
}

function optionsOf(text: string, previous: PrechatField["options"]): PrechatField["options"] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const at = line.indexOf("=");
      const value = (at < 0 ? line : line.slice(0, at)).trim();
      const english = (at < 0 ? line : line.slice(at + 1)).trim();
      // Labels in the other languages, set through the API, stay with their value.
      const known = previous.find((option) => option.value === value);
      return { value, labels: { ...known?.labels, en: english } };
    });
}

function FieldEditor({ field, index, count, onChange, onMove, onRemove }: { field: PrechatField; index: number; count: number; onChange: (field: PrechatField) => void; onMove: (by: number) => void; onRemove: () => void }) {
  const id = `prechat-field-${index}`;
  const hasOptions = field.kind === "radio" || field.kind === "select";
  const takesPattern = !hasOptions && field.kind !== "checkbox" && field.kind !== "date" && field.kind !== "info";
  return (
    <li class="prechat-field">
      <fieldset>
        <legend>Field {index + 1}</legend>
        <label for={`${id}-key`}>
          Key
          <input id={`${id}-key`} value={field.key} required onInput={(e) => onChange({ ...field, key: e.currentTarget.value })} />
        </label>
        <label for={`${id}-kind`}>
          Kind
          <select
            id={`${id}-kind`}
            value={field.kind}
            onChange={(e) => {
              const kind = e.currentTarget.value as PrechatFieldKind;
              const choices = kind === "radio" || kind === "select";
              onChange({ ...field, kind, options: choices ? field.options : [], pattern: choices || kind === "checkbox" || kind === "date" || kind === "info" ? null : field.pattern, mandatory: kind === "info" ? false : field.mandatory });
            }}
          >
            {PRECHAT_FIELD_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </label>
        <label class="inline" for={`${id}-mandatory`}>
          <input id={`${id}-mandatory`} type="checkbox" checked={field.mandatory} disabled={field.kind === "info"} onChange={(e) => onChange({ ...field, mandatory: e.currentTarget.checked })} /> Mandatory
        </label>
        <label class="inline" for={`${id}-visible`}>
          <input id={`${id}-visible`} type="checkbox" checked={field.agentVisible} onChange={(e) => onChange({ ...field, agentVisible: e.currentTarget.checked })} /> Agents see the answer
        </label>
        {takesPattern && (
          <label for={`${id}-pattern`}>
            Pattern (optional)
            <input id={`${id}-pattern`} value={field.pattern ?? ""} onInput={(e) => onChange({ ...field, pattern: e.currentTarget.value === "" ? null : e.currentTarget.value })} />
          </label>
        )}
        {hasOptions && (
          <label for={`${id}-options`}>
            Options, one per line (value = label)
            <textarea id={`${id}-options`} rows={3} value={optionsText(field)} onInput={(e) => onChange({ ...field, options: optionsOf(e.currentTarget.value, field.options) })} />
          </label>
        )}
        <LabelsEditor id={`${id}-label`} legend={field.kind === "info" ? "Text" : "Label"} labels={field.labels} onChange={(labels) => onChange({ ...field, labels })} />
        <div class="actions">
          <button type="button" class="secondary" disabled={index === 0} onClick={() => onMove(-1)}>
            Move up
          </button>
          <button type="button" class="secondary" disabled={index === count - 1} onClick={() => onMove(1)}>
            Move down
          </button>
          <button type="button" class="danger" onClick={onRemove}>
            Remove field {index + 1}
          </button>
        </div>
      </fieldset>
    </li>
  );
}

const EMPTY_FORM: PrechatForm = { fields: [], consent: null };

export function PrechatFormAdmin({ token }: { token: string }) {
  const [queues, setQueues] = useState<QueueInfo[]>([]);
  const [queue, setQueue] = useState("default");
  const [form, setForm] = useState<PrechatForm>(EMPTY_FORM);
  const [notice, setNotice] = useState("");
  const [error, setError] = useState("");

  useEffect(() => {
    listQueues(token).then(setQueues, (failure: unknown) => setError(describeFailure(failure)));
  }, [token]);
  useEffect(() => {
    setNotice("");
    setError("");
    fetchPrechatDefinition(token, queue).then(
      (stored) => setForm(stored ?? EMPTY_FORM),
      (failure: unknown) => setError(describeFailure(failure)),
    );
  }, [token, queue]);

  const setField = (index: number, field: PrechatField) => setForm({ ...form, fields: form.fields.map((old, i) => (i === index ? field : old)) });
  const move = (index: number, by: number) => {
    const fields = [...form.fields];
    const [moved] = fields.splice(index, 1);
    if (moved !== undefined) fields.splice(index + by, 0, moved);
    setForm({ ...form, fields });
  };
  const add = () =>
    setForm({ ...form, fields: [...form.fields, { key: `field${form.fields.length + 1}`, kind: "name", mandatory: false, pattern: null, options: [], agentVisible: true, labels: { en: "" } }] });
  const save = async (event: Event) => {
    event.preventDefault();
    setNotice("");
    setError("");
    try {
      const stored = await savePrechatForm(token, queue, form);
      setForm(stored ?? EMPTY_FORM);
      setNotice(stored === null ? `Queue ${queue} asks nothing before a chat.` : `The form of queue ${queue} is saved.`);
    } catch (failure) {
      setError(describeFailure(failure));
    }
  };

  const names = ["default", ...queues.map((known) => known.name).filter((name) => name !== "default")];
  return (
    <section class="prechat-admin" aria-labelledby="prechat-admin-title">
      <h2 id="prechat-admin-title">Pre-chat form</h2>
      <label for="prechat-queue">
        Queue
        <select id="prechat-queue" value={queue} onChange={(e) => setQueue(e.currentTarget.value)}>
          {names.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <form onSubmit={(event) => void save(event)}>
        {form.fields.length === 0 && <p>This queue asks nothing before a chat. Add a field to ask something.</p>}
        <ol class="prechat-fields">
          {form.fields.map((field, index) => (
            <FieldEditor
              key={index}
              field={field}
              index={index}
              count={form.fields.length}
              onChange={(changed) => setField(index, changed)}
              onMove={(by) => move(index, by)}
              onRemove={() => setForm({ ...form, fields: form.fields.filter((_, i) => i !== index) })}
            />
          ))}
        </ol>
        <button type="button" class="secondary" onClick={add}>
          Add a field
        </button>
        <fieldset class="prechat-consent">
          <legend>Consent</legend>
          <label class="inline" for="prechat-consent-on">
            <input
              id="prechat-consent-on"
              type="checkbox"
              checked={form.consent !== null}
              onChange={(e) => setForm({ ...form, consent: e.currentTarget.checked ? { privacyUrl: "https://", labels: { en: "I agree to the privacy policy" } } : null })}
            />{" "}
            Ask for consent before the chat
          </label>
          {form.consent !== null && (
            <>
              <label for="prechat-privacy-url">
                Privacy policy link
                <input id="prechat-privacy-url" type="url" value={form.consent.privacyUrl} onInput={(e) => form.consent !== null && setForm({ ...form, consent: { ...form.consent, privacyUrl: e.currentTarget.value } })} />
              </label>
              <LabelsEditor id="prechat-consent-label" legend="Consent text" labels={form.consent.labels} onChange={(labels) => form.consent !== null && setForm({ ...form, consent: { ...form.consent, labels } })} />
            </>
          )}
        </fieldset>
        {notice !== "" && <p class="notice" role="status">{notice}</p>}
        {error !== "" && <p class="error" role="alert">{error}</p>}
        <button type="submit">Save the form</button>
      </form>
    </section>
  );
}
