/** What the conversation shows, one entry per line, built from the SDK's events and history. @module */
import type { HistoryMessage, LinkEvent, MenuContent, MenuOption, MenuResponseContent, MessageEvent, MultimediaMessageEvent, RichMessageEvent } from "@parley/sdk";

/** Where one of the customer's messages stands. */
export type Status = "pending" | "sent" | "received" | "seen" | "failed";

export interface Entry {
  /** Stable key for rendering (the message id once known). */
  key: string;
  kind: "text" | "link" | "image" | "document" | "menu" | "system";
  /** The message id, once the server committed it. */
  id?: string;
  isMine: boolean;
  author: string;
  /** Text of a text message, URL of a link, sentence of a system line. */
  text: string;
  status?: Status;
  /** Upload progress, 0 to 1, while a file goes out. */
  progress?: number;
  fileName?: string;
  /** A thumbnail to show (data: or blob: URL). */
  thumbnail?: string;
  /** The full-size image, when already at hand. */
  fullsize?: string;
  /** Whether the thumbnail can be fetched from the server. */
  hasThumbnail?: boolean;
  /** When the server committed the message (ISO 8601); unset while it is pending. */
  ts?: string;
  /** A menu or quick reply: its type and the options it offers (`text` is its prompt). */
  menu?: { type: "MENU" | "QUICK_REPLY"; options: MenuOption[] };
  /** A menu: the id of the option the customer chose, once answered. */
  chosen?: string;
  /** An answer: the menu it answers and the option chosen. */
  answers?: { menuId: string; optionId: string };
}

let counter = 0;
/** A key for an entry that has no message id yet. */
export function localKey(): string {
  counter += 1;
  return `local-${counter}`;
}

type AnyMessage = MessageEvent | LinkEvent | MultimediaMessageEvent | RichMessageEvent | HistoryMessage;

/** An entry for a message, live or from the history. */
export function entryOf(message: AnyMessage, myId: string): Entry {
  const content = message.content as { user: { id: string; nickname: string }; text?: string; url?: string };
  const base = { key: message.id, id: message.id, isMine: content.user.id === myId, author: content.user.nickname, ts: message.ts };
  if (message.messageType === "TEXT") return { ...base, kind: "text", text: content.text ?? "" };
  if (message.messageType === "LINK") return { ...base, kind: "link", text: content.url ?? "" };
  if (message.messageType === "MENU" || message.messageType === "QUICK_REPLY") {
    const menu = message.content as MenuContent;
    return { ...base, kind: "menu", text: menu.text, menu: { type: message.messageType, options: menu.options } };
  }
  if (message.messageType === "MENU_RESPONSE" || message.messageType === "QUICK_REPLY_RESPONSE") {
    const answer = message.content as MenuResponseContent;
    return { ...base, kind: "text", text: answer.option.text, answers: { menuId: answer.menuId, optionId: answer.option.id } };
  }
  const media = message.content as MultimediaMessageEvent["content"];
  const entry: Entry = { ...base, kind: message.messageType === "IMAGE" ? "image" : "document", text: media.caption, fileName: media.fileName };
  if (media.inline && media.img !== undefined) {
    entry.thumbnail = entry.fullsize = `data:${media.mimeType};base64,${media.img}`;
  }
  // An image sent inline is committed before its thumbnail exists: every image has one once stored, so try.
  entry.hasThumbnail = media.thumbnail !== undefined || message.messageType === "IMAGE";
  return entry;
}

/** The entries with each answered menu marked with the option chosen (one click answers a menu). */
export function withAnswers(entries: Entry[]): Entry[] {
  const chosen = new Map<string, string>();
  for (const entry of entries) if (entry.answers !== undefined) chosen.set(entry.answers.menuId, entry.answers.optionId);
  if (chosen.size === 0) return entries;
  return entries.map((entry) => (entry.kind === "menu" && entry.id !== undefined && chosen.has(entry.id) && entry.chosen === undefined ? { ...entry, chosen: chosen.get(entry.id) } : entry));
}
