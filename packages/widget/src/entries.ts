/** What the conversation shows, one entry per line, built from the SDK's events and history. @module */
import type { HistoryMessage, LinkEvent, MessageEvent, MultimediaMessageEvent } from "@parley/sdk";

/** Where one of the customer's messages stands. */
export type Status = "pending" | "sent" | "received" | "seen" | "failed";

export interface Entry {
  /** Stable key for rendering (the message id once known). */
  key: string;
  kind: "text" | "link" | "image" | "document" | "system";
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
}

let counter = 0;
/** A key for an entry that has no message id yet. */
export function localKey(): string {
  counter += 1;
  return `local-${counter}`;
}

type AnyMessage = MessageEvent | LinkEvent | MultimediaMessageEvent | HistoryMessage;

/** An entry for a message, live or from the history. */
export function entryOf(message: AnyMessage, myId: string): Entry {
  const content = message.content as { user: { id: string; nickname: string }; text?: string; url?: string };
  const base = { key: message.id, id: message.id, isMine: content.user.id === myId, author: content.user.nickname, ts: message.ts };
  if (message.messageType === "TEXT") return { ...base, kind: "text", text: content.text ?? "" };
  if (message.messageType === "LINK") return { ...base, kind: "link", text: content.url ?? "" };
  const media = message.content as MultimediaMessageEvent["content"];
  const entry: Entry = { ...base, kind: message.messageType === "IMAGE" ? "image" : "document", text: media.caption, fileName: media.fileName };
  if (media.inline && media.img !== undefined) {
    entry.thumbnail = entry.fullsize = `data:${media.mimeType};base64,${media.img}`;
  }
  // An image sent inline is committed before its thumbnail exists: every image has one once stored, so try.
  entry.hasThumbnail = media.thumbnail !== undefined || message.messageType === "IMAGE";
  return entry;
}
