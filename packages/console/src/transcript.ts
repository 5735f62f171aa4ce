/**
 * The downloadable transcript: plain text, the customer's details at the top,
 * then one line per message or event (join, leave, end), in the agent's local
 * time with the zone named. Each message line is marked with its author's
 * role. Whatever a participant typed stays inside its own line: line breaks,
 * controls and format characters in texts and nicknames are written as
 * visible escapes, so no message can forge another line, an event or a role.
 */
import type { HistoryMessage } from "@parley/sdk";
import { chatEvents, type ChatOutline, type ChatRecord } from "./chat-record.js";
import { roleLabel } from "./roles.js";

/**
 * Controls (C0, DEL, C1), line and paragraph separators, and format
 * characters (bidi overrides and isolates, zero-width characters, the BOM).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029\\]/gu;

/** Text on one line: `\n`, `\r`, `\t` and `\\` as such, other unsafe characters as `\u{…}`. */
export function escapeLine(text: string): string {
  return text.replace(UNSAFE, (char) => {
    if (char === "\\") return "\\\\";
    if (char === "\n") return "\\n";
    if (char === "\r") return "\\r";
    if (char === "\t") return "\\t";
    return `\\u{${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;
  });
}

/** `2026-11-29 05:00:00 GMT-5`: a time in a zone, sortable, with the zone's offset named. */
export function localStamp(iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return escapeLine(iso);
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "shortOffset",
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  // ICU versions differ on UTC itself ("GMT" or "GMT+0"): one spelling.
  const zone = part("timeZoneName").replace(/^GMT[+-]0$/, "GMT");
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")} ${zone}`;
}

interface TranscriptContent {
  text?: string;
  url?: string;
  fileName?: string;
  user: { nickname: string; isAgent: boolean };
}

/** What the transcript knows besides the messages. */
export interface TranscriptContext {
  /** What this browser saw of the chat: the customer's details, joins, leaves and the end. */
  record?: ChatRecord;
  /** The chat list's summary, for the start and end when there is no record. */
  outline?: ChatOutline;
  /** The IANA zone the times are written in: the agent's own by default. */
  timeZone?: string;
}

const NOT_AVAILABLE = "not available";

function headerLines(chatId: string, context: TranscriptContext, zone: string, firstTs: string | undefined): string[] {
  const customer = context.record?.customer ?? null;
  const nickname = customer?.nickname ?? context.outline?.nickname;
  let page = NOT_AVAILABLE;
  if (customer?.pageUri) page = customer.pageTitle ? `${customer.pageTitle} <${customer.pageUri}>` : `<${customer.pageUri}>`;
  const offset = localStamp(firstTs ?? new Date().toISOString(), zone).split(" ")[2] ?? "";
  return [
    `Parley chat ${chatId}`,
    `Customer: ${nickname ?? NOT_AVAILABLE}`,
    `E-mail: ${customer?.email ?? NOT_AVAILABLE}`,
    `Page: ${page}`,
    `Browser: ${customer?.browser ?? NOT_AVAILABLE}`,
    `Times: ${zone} (${offset})`,
  ].map(escapeLine);
}

/**
 * The transcript: the header, then `[time] [role] Nickname: what` for each
 * message and `[time] * what happened` for each join, leave and the end,
 * oldest first.
 */
export function transcriptText(chatId: string, messages: readonly HistoryMessage[], context: TranscriptContext = {}): string {
  const zone = context.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const entries: { ts: string; line: (stamp: string) => string }[] = [];
  // Events first: at the same instant, a join comes before what the joiner wrote.
  for (const event of chatEvents(context.record, context.outline)) {
    entries.push({ ts: event.ts, line: (stamp) => `[${stamp}] * ${escapeLine(event.text)}` });
  }
  for (const message of messages) {
    const content = message.content as TranscriptContent;
    const what = richLine(message) ?? content.text ?? content.url ?? `[${message.messageType === "IMAGE" ? "image" : "document"}: ${content.fileName ?? ""}]`;
    const role = roleLabel(content.user.isAgent).toLowerCase();
    entries.push({ ts: message.ts, line: (stamp) => `[${stamp}] [${role}] ${escapeLine(content.user.nickname)}: ${escapeLine(what)}` });
  }
  // A stable sort: same-instant entries keep the order above.
  entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  const lines = [...headerLines(chatId, context, zone, entries[0]?.ts), ""];
  for (const entry of entries) lines.push(entry.line(localStamp(entry.ts, zone)));
  return `${lines.join("\n")}\n`;
}

/** A menu or quick reply with its options, or the option a customer chose; undefined for other messages. */
function richLine(message: HistoryMessage): string | undefined {
  const content = message.content as { text?: string; options?: { text: string }[]; option?: { text: string } };
  if (message.messageType === "MENU" || message.messageType === "QUICK_REPLY") {
    const options = (content.options ?? []).map((option) => option.text).join(" | ");
    return `${content.text ?? ""} [${message.messageType === "MENU" ? "menu" : "quick replies"}: ${options}]`.trim();
  }
  if (message.messageType === "MENU_RESPONSE" || message.messageType === "QUICK_REPLY_RESPONSE") return `[chose: ${content.option?.text ?? ""}]`;
  return undefined;
}
