/**
 * The queue's pre-chat form, shown instead of the start form when the queue
 * has one (see PrechatGate.tsx); a chunk of its own. Labels come from the
 * admin in the page's language. The browser checks what the field's
 * attributes say (required, length, e-mail); the other rules of the server
 * (patterns, options, dates) are the same shared check, set as the fields'
 * custom validity. The server checks again, and its refusals are shown next
 * to their fields.
 * @module
 */
import {
  prechatLabel,
  prechatMaxLength,
  prechatProblems,
  type PrechatAnswers,
  type PrechatProblem,
  type PublicPrechatField,
  type PublicPrechatForm,
} from "@parley/protocol";
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { WidgetConfig } from "../config.js";
import type { Strings } from "../i18n.js";
import { prechatStrings, type PrechatStrings } from "../prechat-strings.js";
import { nicknameLimit, type ChatSession } from "../session.js";

interface Props {
  form: PublicPrechatForm;
  config: WidgetConfig;
  session: ChatSession;
  strings: Strings;
  greeting: string;
  isBusy: boolean;
}

const idOf = (key: string) => `parley-f-${key}`;
const CONSENT = "consent";

/** What is wrong with one answer besides being missing (the `required` attribute's part). */
function problemOf(field: PublicPrechatField, value: string | boolean | undefined): PrechatProblem["problem"] | null {
  const found = prechatProblems({ fields: [{ ...field, mandatory: false }], consent: null }, value === undefined ? {} : { [field.key]: value }, undefined);
  return found[0]?.problem ?? null;
}

export function PrechatForm({ form, config, session, strings, greeting, isBusy }: Props): JSX.Element {
  const words = prechatStrings(config.language);
  const label = (labels: PublicPrechatField["labels"]) => prechatLabel(labels, config.language);
  const hasNickname = form.fields.some((field) => field.kind === "nickname");
  const [values, setValues] = useState<PrechatAnswers>({});
  const [nickname, setNickname] = useState(session.state.nickname);
  const [consent, setConsent] = useState(false);
  const [shown, setShown] = useState<Record<string, PrechatProblem["problem"]>>({});
  const root = useRef<HTMLFormElement>(null);
  const serverProblems = session.state.formProblems;

  // The rules beyond the attributes, as the fields' own validity: the browser then refuses to submit.
  useEffect(() => {
    const elements = root.current?.elements;
    if (elements === undefined) return;
    for (const field of form.fields) {
      if (field.kind === "info" || field.kind === "checkbox" || field.kind === "radio") continue;
      const element = elements.namedItem(field.key);
      const problem = problemOf(field, values[field.key]);
      if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) {
        element.setCustomValidity(problem === null ? "" : words[problem]);
      }
    }
  }, [values, form]);

  // The form replaces the loading line the panel focused: its first field takes the focus.
  useEffect(() => root.current?.querySelector<HTMLElement>("input, select, textarea")?.focus(), []);

  // The server's refusals replace what is shown; the first refused field takes the focus.
  useEffect(() => {
    if (serverProblems === null) return;
    setShown(Object.fromEntries(serverProblems.map((problem) => [problem.key, problem.problem])));
    const first = serverProblems[0];
    if (first !== undefined) root.current?.querySelector<HTMLElement>(`[name="${CSS.escape(first.key)}"]`)?.focus();
  }, [serverProblems]);

  const set = (key: string, value: string | boolean) => {
    setValues((current) => ({ ...current, [key]: value }));
    setShown(({ [key]: _fixed, ...rest }) => rest);
  };

  // Each field the browser finds invalid on submit: its message next to it, instead of the browser's bubble;
  // the first one takes the focus.
  const onInvalid = (event: Event) => {
    event.preventDefault();
    const element = event.target as HTMLInputElement;
    const key = element.name;
    const field = form.fields.find((candidate) => candidate.key === key);
    const custom = field === undefined ? null : problemOf(field, values[key]);
    const problem: PrechatProblem["problem"] = element.validity.valueMissing ? "required" : element.validity.tooLong ? "tooLong" : element.type === "email" ? "email" : (custom ?? "type");
    const active = (element.getRootNode() as ShadowRoot | Document).activeElement;
    if (!(active instanceof HTMLElement && root.current?.contains(active) === true && active.matches(":invalid"))) element.focus();
    setShown((current) => ({ ...current, [key]: problem }));
  };

  const submit = (event: Event) => {
    event.preventDefault();
    setShown({});
    const answers: PrechatAnswers = {};
    for (const field of form.fields) {
      const value = values[field.key];
      if (field.kind !== "info" && value !== undefined && value !== "") answers[field.key] = typeof value === "string" ? value.trim() : value;
    }
    const nicknameField = form.fields.find((field) => field.kind === "nickname");
    const name = nicknameField === undefined ? nickname : String(answers[nicknameField.key] ?? "");
    const email = form.fields.find((field) => field.kind === "email");
    const emailValue = email === undefined ? "" : String(answers[email.key] ?? "");
    void session.start(name, emailValue, form.consent === null ? { form: answers } : { form: answers, consent });
  };

  const describedBy = (key: string) => (shown[key] === undefined ? undefined : `${idOf(key)}-error`);
  const error = (key: string) =>
    shown[key] !== undefined && (
      <p id={`${idOf(key)}-error`} class="field-error">
        {words[shown[key]]}
      </p>
    );

  return (
    <form class="start prechat" ref={root} onSubmit={submit} onInvalidCapture={onInvalid}>
      <p class="greeting">{greeting}</p>
      {Object.keys(shown).length > 0 && (
        <p class="notice" role="alert">
          {words.invalid}
        </p>
      )}
      {!hasNickname && (
        <>
          <label for="parley-nickname">{strings.nickname}</label>
          <input id="parley-nickname" name="parley-nickname" autocomplete="name" required maxLength={nicknameLimit()} value={nickname} onInput={(e) => setNickname(e.currentTarget.value)} />
        </>
      )}
      {form.fields.map((field) => (
        <Field key={field.key} field={field} text={label(field.labels)} words={words} value={values[field.key]} onChange={(value) => set(field.key, value)} invalid={shown[field.key] !== undefined} describedBy={describedBy(field.key)} label={label}>
          {error(field.key)}
        </Field>
      ))}
      {form.consent !== null && (
        <div class="consent">
          <input
            id="parley-f-consent"
            name={CONSENT}
            type="checkbox"
            required
            checked={consent}
            aria-invalid={shown[CONSENT] !== undefined}
            aria-describedby={shown[CONSENT] === undefined ? undefined : "parley-f-consent-error"}
            onChange={(e) => {
              setConsent(e.currentTarget.checked);
              setShown(({ [CONSENT]: _fixed, ...rest }) => rest);
            }}
          />
          <label for="parley-f-consent">{label(form.consent.labels)}</label>{" "}
          <a href={form.consent.privacyUrl} target="_blank" rel="noopener noreferrer">
            {words.privacy}
          </a>
          {shown[CONSENT] !== undefined && (
            <p id="parley-f-consent-error" class="field-error">
              {words[shown[CONSENT]]}
            </p>
          )}
        </div>
      )}
      <button class="primary" type="submit" disabled={isBusy}>
        {isBusy ? strings.starting : strings.start}
      </button>
    </form>
  );
}

interface FieldProps {
  field: PublicPrechatField;
  text: string;
  words: PrechatStrings;
  value: string | boolean | undefined;
  onChange: (value: string | boolean) => void;
  invalid: boolean;
  describedBy: string | undefined;
  label: (labels: PublicPrechatField["labels"]) => string;
  children: JSX.Element | false;
}

const INPUT_TYPES: Partial<Record<PublicPrechatField["kind"], "email" | "tel" | "date">> = { email: "email", phone: "tel", date: "date" };
const AUTOCOMPLETE: Partial<Record<PublicPrechatField["kind"], string>> = { nickname: "nickname", name: "given-name", surname: "family-name", email: "email", phone: "tel" };

function Field({ field, text, words, value, onChange, invalid, describedBy, label, children }: FieldProps): JSX.Element {
  const id = idOf(field.key);
  const common = { id, name: field.key, required: field.mandatory, "aria-invalid": invalid, "aria-describedby": describedBy };
  const caption = (
    <>
      {text}
      {field.mandatory && <span class="mandatory"> {words.mandatory}</span>}
    </>
  );
  if (field.kind === "info") return <p class="info">{text}</p>;
  if (field.kind === "checkbox") {
    return (
      <div class="check">
        <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />
        <label for={id}>{caption}</label>
        {children}
      </div>
    );
  }
  if (field.kind === "radio") {
    return (
      <fieldset class="choices" aria-describedby={describedBy}>
        <legend>{caption}</legend>
        {field.options.map((option, i) => (
          <div class="check" key={option.value}>
            <input
              id={`${id}-${i}`}
              name={field.key}
              type="radio"
              required={field.mandatory}
              value={option.value}
              checked={value === option.value}
              aria-invalid={invalid}
              onChange={() => onChange(option.value)}
            />
            <label for={`${id}-${i}`}>{label(option.labels)}</label>
          </div>
        ))}
        {children}
      </fieldset>
    );
  }
  return (
    <>
      <label for={id}>{caption}</label>
      {field.kind === "select" ? (
        <select {...common} value={typeof value === "string" ? value : ""} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">{words.choose}</option>
          {field.options.map((option) => (
            <option key={option.value} value={option.value}>
              {label(option.labels)}
            </option>
          ))}
        </select>
      ) : field.kind === "textarea" ? (
        <textarea {...common} rows={3} maxLength={prechatMaxLength(field)} value={typeof value === "string" ? value : ""} onInput={(e) => onChange(e.currentTarget.value)} />
      ) : (
        <input
          {...common}
          type={(INPUT_TYPES[field.kind] ?? "text") as "text"}
          autocomplete={AUTOCOMPLETE[field.kind]}
          maxLength={prechatMaxLength(field)}
          value={typeof value === "string" ? value : ""}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      )}
      {children}
    </>
  );
}
