/**
 * "Offline messages": what customers left while nobody could answer, newest
 * first. Opening one marks it read; the agent answers by e-mail (the mailto
 * link) and marks it answered, for the whole team to see.
 */
import { useEffect, useState } from "preact/hooks";
import type { OfflineMessage } from "@parley/protocol";
import { describeFailure } from "../api.js";
import { fetchOfflineMessages, markOfflineMessage } from "../front-door-api.js";

const STATE_LABELS: Record<OfflineMessage["state"], string> = { new: "New", read: "Read", answered: "Answered" };

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function OfflineMessagesView({ token, onClose }: { token: string; onClose: () => void }) {
  const [messages, setMessages] = useState<OfflineMessage[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [isLoading, setLoading] = useState(true);
  const [error, setError] = useState("");

  const load = (before?: string) => {
    setLoading(true);
    setError("");
    fetchOfflineMessages(token, before)
      .then((page) => {
        setMessages((shown) => (before === undefined ? page.messages : [...shown, ...page.messages]));
        setCursor(page.nextCursor);
      })
      .catch((failure: unknown) => setError(describeFailure(failure)))
      .finally(() => setLoading(false));
  };
  useEffect(() => load(), [token]);

  const mark = (message: OfflineMessage, state: "read" | "answered") => {
    markOfflineMessage(token, message.id, state)
      .then((updated) => setMessages((shown) => shown.map((m) => (m.id === updated.id ? updated : m))))
      .catch((failure: unknown) => setError(describeFailure(failure)));
  };

  return (
    <section class="offline-messages" aria-labelledby="offline-heading">
      <header class="conversation-head">
        <h2 id="offline-heading">Offline messages</h2>
        <button type="button" onClick={() => load()}>
          Refresh
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!isLoading && messages.length === 0 && error === "" && <p class="muted">No offline messages.</p>}
      <ol class="offline-list">
        {messages.map((message) => (
          <li key={message.id} class={`offline-item state-${message.state}`}>
            <details onToggle={(e) => e.currentTarget.open && message.state === "new" && mark(message, "read")}>
              <summary>
                <span class={`badge state-${message.state}`}>{STATE_LABELS[message.state]}</span> <strong>{message.name}</strong>{" "}
                <span class="muted">
                  {message.email} · {when(message.createdAt)}
                  {message.queue !== "default" ? ` · ${message.queue}` : ""}
                </span>
              </summary>
              <p class="offline-text">{message.message}</p>
              <p class="muted">{message.consent ? "The customer agreed to be contacted." : "No consent was asked or given."}</p>
              {message.state === "answered" && (
                <p class="muted">
                  Answered by {message.answeredBy ?? "an agent"}
                  {message.answeredAt !== null ? ` on ${when(message.answeredAt)}` : ""}.
                </p>
              )}
              <p class="actions">
                <a href={`mailto:${encodeURIComponent(message.email).replace(/%40/g, "@")}?subject=${encodeURIComponent("Your message")}`}>Answer by e-mail</a>
                {message.state !== "answered" && (
                  <button type="button" onClick={() => mark(message, "answered")}>
                    Mark answered
                  </button>
                )}
              </p>
            </details>
          </li>
        ))}
      </ol>
      {cursor !== null && (
        <button type="button" disabled={isLoading} onClick={() => load(cursor)}>
          Older messages
        </button>
      )}
    </section>
  );
}
