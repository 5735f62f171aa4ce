/**
 * The offline message form, shown instead of the start form while the queue
 * is closed (see OfflineGate.tsx); a chunk of its own, fetched when needed.
 * @module
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { WidgetConfig } from "../config.js";
import { FrontDoorError, sendOfflineMessage } from "../front-door.js";
import { frontDoorStrings } from "../front-door-strings.js";
import { format } from "../i18n.js";

/** Mirrors the server's limits (packages/protocol front-door.ts): longer fields would be refused. */
const MAX_NAME = 128;
const MAX_EMAIL = 254;
const MAX_MESSAGE = 4000;

export function OfflineForm({ config }: { config: WidgetConfig }): JSX.Element {
  // The words of every language come with this chunk, not with the first view.
  const strings = frontDoorStrings(config.language);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [message, setMessage] = useState("");
  const [consent, setConsent] = useState(false);
  const [state, setState] = useState<"editing" | "sending" | "sent">("editing");
  const [notice, setNotice] = useState<string | null>(null);
  const privacy = config.privacyUrl;

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
