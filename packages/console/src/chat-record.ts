/**
 * What the console saw of a chat beyond its stored messages: who joined,
 * left and ended it and when, how far the agent's own messages got (ticks),
 * and the customer's details. The server's transcript gives messages only, so
 * the read-only view and the downloaded transcript of a chat the agent worked
 * in read this record; it is kept in localStorage for the most recent chats.
 */
import type { Tick } from "./room.js";

/** The customer as the chat's participants describe them. */
export interface CustomerDetails {
  nickname: string;
  /** Not given to agents by the server yet: shown when it is. */
  email: string | null;
  pageUri: string | null;
  pageTitle: string | null;
  browser: string | null;
}

/** A join, a leave or the end, as one line of the chat. */
export interface ChatEvent {
  ts: string;
  text: string;
}

export interface ChatRecord {
  customer: CustomerDetails | null;
  events: ChatEvent[];
  /** Where the agent's own messages got to, by message id. */
  ticks: Record<string, Tick>;
}

const KEY = "parley.console.chatRecords";
/** The newest chats kept: a full shift's worth, small enough for localStorage. */
const MAX_CHATS = 200;

type Stored = Record<string, ChatRecord>;

function readAll(): Stored {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? "{}") as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Stored) : {};
  } catch {
    return {};
  }
}

/** The record of a chat, or undefined when this browser never worked in it. */
export function loadChatRecord(chatId: string): ChatRecord | undefined {
  const record = readAll()[chatId];
  if (record === undefined || !Array.isArray(record.events) || typeof record.ticks !== "object") return undefined;
  return record;
}

/** Stores a chat's record as the newest, forgetting the oldest beyond the limit. */
export function saveChatRecord(chatId: string, record: ChatRecord): void {
  const all = readAll();
  delete all[chatId];
  all[chatId] = record;
  const ids = Object.keys(all);
  for (const old of ids.slice(0, Math.max(0, ids.length - MAX_CHATS))) delete all[old];
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // A full storage loses the record, not the chat: the transcript still has every message.
  }
}

/** Forgets every record (logging out). */
export function forgetChatRecords(): void {
  localStorage.removeItem(KEY);
}

/** A chat as the chat list summarises it: enough to mark its start and end when this browser has no record. */
export interface ChatOutline {
  nickname: string;
  createdAt: string;
  endedAt: string | null;
}

/**
 * The chat's joins, leaves and end, oldest first: from the record when this
 * browser worked in the chat, else the start and end the chat list gives.
 */
export function chatEvents(record: ChatRecord | undefined, outline: ChatOutline | undefined): ChatEvent[] {
  if (record !== undefined && record.events.length > 0) return [...record.events].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  if (outline === undefined) return [];
  const events = [{ ts: outline.createdAt, text: `${outline.nickname} (customer) started the chat` }];
  if (outline.endedAt !== null) events.push({ ts: outline.endedAt, text: "The chat ended." });
  return events;
}
