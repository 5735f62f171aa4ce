/**
 * What the panel shows before a chat when nobody can answer: the widget asks
 * the server whether the queue is open (business hours and an available
 * agent) and, when it is not, shows the offline message form instead of the
 * start form. When the server cannot be asked, the start form is shown: the
 * server still judges the chat.
 * @module
 */
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { WidgetConfig } from "../config.js";
import { fetchAvailability, frontDoorConfig, FrontDoorError, sendOfflineMessage } from "../front-door.js";
import { frontDoorStrings, type FrontDoorStrings } from "../front-door-strings.js";
import { format } from "../i18n.js";

/** Mirrors the server's limits (packages/protocol front-door.ts): longer fields would be refused. */
const MAX_NAME = 128;
const MAX_EMAIL = 254;
const MAX_MESSAGE = 4000;

/** The start form (`children`) when the queue is open or unknown, the offline form when it is closed. */
export function OfflineGate({ config, children }: { config: WidgetConfig; children: ComponentChildren }): JSX.Element {
  const [isClosed, setClosed] = useState<boolean | null>(null);
  useEffect(() => {
    let isCurrent = true;
    fetchAvailability(config).then(
      (answer) => isCurrent && setClosed(!answer.open),
      () => isCurrent && setClosed(false),
    );
    return () => {
      isCurrent = false;
    };
  }, [config]);
  const gate = useRef<HTMLDivElement>(null);
  // The panel opened (and placed the focus) before the answer came: the focus goes to the first field of the form
  // shown, unless the customer has moved it out of the panel meanwhile.
  useEffect(() => {
    const root = gate.current;
    if (isClosed === null || root === null) return;
    const active = (root.getRootNode() as Document | ShadowRoot).activeElement;
    if (active === null || root.closest(".panel")?.contains(active) === true) root.querySelector<HTMLElement>("input, textarea")?.focus();
  }, [isClosed]);
  if (isClosed === null) return <p class="greeting" aria-busy="true" />;
  return (
    <div class="gate" ref={gate}>
      {isClosed ? <OfflineForm config={config} strings={frontDoorStrings(config.language)} /> : children}
    </div>
  );
}

function OfflineForm({ config, strings }: { config: WidgetConfig; strings: FrontDoorStrings }): JSX.Element {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [message, setMessage] = useState("");
  const [consent, setConsent] = useState(false);
  const [state, setState] = useState<"editing" | "sending" | "sent">("editing");
  const [notice, setNotice] = useState<string | null>(null);
  const privacy = frontDoorConfig.privacyUrl;

  const submit = (event: Event) => {
    event.preventDefault();
    setState("sending");
    setNotice(null);
    sendOfflineMessage(config, { name, email, message, consent }).then(
      () => setState("sent"),
      (error: unknown) => {
        const code = error instanceof FrontDoorError ? error.code : "INTERNAL_ERROR";
        setState("editing");
        setNotice(code === "EMAIL_INVALID" ? strings.offlineEmailInvalid : format(strings.offlineFailed, { code }));
      },
    );
  };

  if (state === "sent") {
    return (
      <p class="greeting offline-sent" role="status">
        {strings.offlineSent}
      </p>
    );
  }
  return (
    <form class="start offline" onSubmit={submit}>
      <h3 class="offline-title">{strings.offlineTitle}</h3>
      <p class="greeting">{strings.offlineClosed}</p>
      <label for="parley-offline-name">{strings.offlineName}</label>
      <input id="parley-offline-name" autocomplete="name" required maxLength={MAX_NAME} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="parley-offline-email">{strings.offlineEmail}</label>
      <input id="parley-offline-email" type="email" autocomplete="email" required maxLength={MAX_EMAIL} value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      <label for="parley-offline-message">{strings.offlineMessage}</label>
      <textarea id="parley-offline-message" required rows={4} maxLength={MAX_MESSAGE} value={message} onInput={(e) => setMessage(e.currentTarget.value)} />
      {privacy !== undefined && (
        <p class="consent">
          <input id="parley-offline-consent" type="checkbox" required checked={consent} onChange={(e) => setConsent(e.currentTarget.checked)} />
          <label for="parley-offline-consent">{strings.offlineConsent}</label>{" "}
          <a href={privacy} target="_blank" rel="noopener noreferrer">
            {strings.offlinePrivacy}
          </a>
        </p>
      )}
      {notice !== null && (
        <p class="notice" role="alert">
          {notice}
        </p>
      )}
      <button class="primary" type="submit" disabled={state === "sending"}>
        {state === "sending" ? strings.offlineSending : strings.offlineSend}
      </button>
    </form>
  );
}
