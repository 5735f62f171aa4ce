/**
 * The customer beside the conversation: name, e-mail, the page the chat
 * started on, browser and language, the customer's local time (from the time
 * zone their browser sent), the call data and pre-chat fields (live, from the
 * room), and their previous chats — by e-mail or by the widget's visitor id —
 * each with its transcript one click away.
 */
import { useEffect, useState } from "preact/hooks";
import "../customer-panel.css";
import type { CallData, ChatCustomerResponse, PreviousChat } from "@parley/protocol";
import { describeFailure } from "../api.js";
import { fetchChatCustomer } from "../customer-api.js";
import { fetchAnswerLabels, type AnswerLabel } from "../prechat-api.js";
import type { AgentLogin } from "../session.js";
import { browserSummary } from "../user-agent.js";
import { CallDataDetails } from "./CallDataDetails.js";
import { TranscriptDialog } from "./TranscriptDialog.js";

/** How often the local time is redrawn. */
const CLOCK_MS = 20_000;

/** "Tue 14:05", in the customer's time zone; null when the zone is unknown to this browser. */
function localTime(timeZone: string, now: Date): string | null {
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit" }).format(now);
  } catch {
    return null;
  }
}

function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), CLOCK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

const MATCHED_BY: Record<PreviousChat["matchedBy"][number], string> = { email: "same e-mail", visitor: "same browser" };

function Field({ name, children }: { name: string; children: preact.ComponentChildren }) {
  return (
    <div class="customer-field">
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function CustomerPanel({ chatId, callData, login }: { chatId: string; callData: CallData; login: AgentLogin }) {
  const [answer, setAnswer] = useState<ChatCustomerResponse | undefined>(undefined);
  const [error, setError] = useState("");
  const [open, setOpen] = useState<PreviousChat | undefined>(undefined);
  const now = useNow();
  // The labels of the pre-chat form's answers, once per chat; without them the keys show.
  const [answerLabels, setAnswerLabels] = useState<Record<string, AnswerLabel>>({});
  useEffect(() => {
    let isCurrent = true;
    setAnswerLabels({});
    fetchAnswerLabels(login.token, login.agent.tenant, chatId).then(
      (labels) => isCurrent && setAnswerLabels(labels),
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [chatId]);


  useEffect(() => {
    let isCurrent = true;
    fetchChatCustomer(login.token, chatId).then(
      (found) => isCurrent && setAnswer(found),
      (failure: unknown) => isCurrent && setError(describeFailure(failure)),
    );
    return () => {
      isCurrent = false;
    };
  }, [chatId, login.token]);

  const customer = answer?.customer;
  const time = customer === undefined || customer.timeZone === null ? null : localTime(customer.timeZone, now);
  const browser = browserSummary(customer?.userAgent ?? null);
  return (
    <aside class="customer-panel" aria-labelledby="customer-panel-heading">
      <h2 id="customer-panel-heading">Customer</h2>
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {customer === undefined ? (
        error === "" && <p class="muted">Loading…</p>
      ) : (
        <dl class="customer-fields" aria-label="Customer details">
          <Field name="Name">{customer.nickname}</Field>
          <Field name="E-mail">{customer.email === null ? <span class="muted">not given</span> : <a href={`mailto:${customer.email}`}>{customer.email}</a>}</Field>
          {customer.pageUri !== null && (
            <Field name="Page">
              {/^https?:\/\//i.test(customer.pageUri) ? (
                <a href={customer.pageUri} target="_blank" rel="noopener noreferrer">
                  {customer.pageTitle ?? customer.pageUri}
                </a>
              ) : (
                customer.pageTitle ?? customer.pageUri
              )}
              {customer.pageTitle !== null && <span class="muted customer-url">{customer.pageUri}</span>}
            </Field>
          )}
          {browser !== null && (
            <Field name="Browser">
              <span title={customer.userAgent ?? undefined}>{browser}</span>
            </Field>
          )}
          {customer.language !== null && <Field name="Language">{customer.language}</Field>}
          {customer.timeZone !== null && (
            <Field name="Local time">
              <span data-time-zone={customer.timeZone}>{time ?? "unknown"}</span> <span class="muted">({customer.timeZone})</span>
            </Field>
          )}
        </dl>
      )}
      <CallDataDetails callData={callData} title="Pre-chat and call data" labels={answerLabels} />
      {answer !== undefined && (
        <section class="previous-chats" aria-labelledby="previous-chats-heading">
          <h3 id="previous-chats-heading">Previous chats</h3>
          {answer.previousChats.length === 0 ? (
            <p class="muted">None found.</p>
          ) : (
            <ul>
              {answer.previousChats.map((chat) => (
                <li key={chat.id} data-chat-id={chat.id}>
                  <button type="button" class="link-button" onClick={() => setOpen(chat)}>
                    {new Date(chat.createdAt).toLocaleString()}
                    <span class="sr-only"> — open the transcript</span>
                  </button>
                  <span class="muted">
                    {" "}
                    {chat.status === "active" ? "open" : "ended"} · {chat.matchedBy.map((how) => MATCHED_BY[how]).join(", ")}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {open !== undefined && <TranscriptDialog chatId={open.id} outline={open} login={login} onClose={() => setOpen(undefined)} />}
    </aside>
  );
}
