/**
 * What the widget tells about the visitor when a chat starts (the `context`
 * of `POST /v1/contacts`): the browser's language and time zone, so the agent
 * sees the customer's local time, and a visitor id, so the agent sees this
 * browser's previous chats. The id is random, made once and kept in the host
 * page's localStorage per Parley server and company (tenant); it says nothing
 * about the visitor but that it is the same browser. The page's address and
 * title and the user agent are sent beside it, as before.
 *
 * Whatever the browser reports beyond the server's budgets is left out, so an
 * odd browser setting never stops a customer from starting a chat.
 * @module
 */
import { visitorContextProblem, type VisitorContextFields } from "@parley/protocol";

const ID_BYTES = 18;

/** A new visitor id: 18 random bytes as 24 characters of base64url. */
function newVisitorId(): string | undefined {
  if (typeof crypto === "undefined" || typeof crypto.getRandomValues !== "function") return undefined;
  const bytes = crypto.getRandomValues(new Uint8Array(ID_BYTES));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

/** This browser's visitor id for the server and company, made and kept on first use; undefined when storage is blocked. */
function visitorId(serverUrl: string, tenant: string | undefined): string | undefined {
  const key = `parley-visitor:${serverUrl}#${tenant ?? "default"}`;
  try {
    const kept = localStorage.getItem(key);
    if (kept !== null && visitorContextProblem({ visitorId: kept }) === null) return kept;
    const made = newVisitorId();
    if (made !== undefined) localStorage.setItem(key, made);
    // Read back: a browser that refuses to keep it would give a new id on every chat, which matches nothing.
    return made !== undefined && localStorage.getItem(key) === made ? made : undefined;
  } catch {
    return undefined; // storage blocked (privacy mode): no id, the chat starts all the same
  }
}

function timeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The visitor context to send with a new chat, each field only when the browser has a valid one. */
export function visitorContext(serverUrl: string, tenant: string | undefined): VisitorContextFields {
  const context: VisitorContextFields = {};
  const candidates: VisitorContextFields = { visitorId: visitorId(serverUrl, tenant), language: navigator.language, timeZone: timeZone() };
  for (const field of ["visitorId", "language", "timeZone"] as const) {
    const value = candidates[field];
    if (typeof value === "string" && visitorContextProblem({ [field]: value }) === null) context[field] = value;
  }
  return context;
}
