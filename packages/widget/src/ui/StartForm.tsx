/** The first screen: the customer's name and optional e-mail. @module */
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Strings } from "../i18n.js";
import { nicknameLimit, type ChatSession } from "../session.js";

export function StartForm({ session, strings, greeting, isBusy }: { session: ChatSession; strings: Strings; greeting: string; isBusy: boolean }): JSX.Element {
  // Shown after the queue is known to have no pre-chat form, so it takes the focus itself when it appears.
  const nicknameField = useRef<HTMLInputElement>(null);
  useEffect(() => nicknameField.current?.focus(), []);
  const [nickname, setNickname] = useState(session.state.nickname);
  const [email, setEmail] = useState("");
  const submit = (event: Event) => {
    event.preventDefault();
    void session.start(nickname, email);
  };
  return (
    <form class="start" onSubmit={submit}>
      <p class="greeting">{greeting}</p>
      <label for="parley-nickname">{strings.nickname}</label>
      <input ref={nicknameField} id="parley-nickname" name="nickname" autocomplete="name" required maxLength={nicknameLimit()} value={nickname} onInput={(e) => setNickname(e.currentTarget.value)} />
      <label for="parley-email">{strings.email}</label>
      <input id="parley-email" name="email" type="email" autocomplete="email" maxLength={254} value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      <button class="primary" type="submit" disabled={isBusy}>
        {isBusy ? strings.starting : strings.start}
      </button>
    </form>
  );
}
