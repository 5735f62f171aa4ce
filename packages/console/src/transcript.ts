/**
 * The downloadable transcript: plain text, one line per message, each line
 * marked with its author's role. Whatever a participant typed stays inside
 * its own line: line breaks, controls and format characters in texts and
 * nicknames are written as visible escapes, so no message can forge another
 * line or a role.
 */
import type { HistoryMessage } from "@parley/sdk";
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

interface TranscriptContent {
  text?: string;
  url?: string;
  fileName?: string;
  user: { nickname: string; isAgent: boolean };
}

/** `[ts] [agent] Nickname: what` for each message, oldest first, under a heading. */
export function transcriptText(chatId: string, messages: readonly HistoryMessage[]): string {
  const lines = [`Parley chat ${escapeLine(chatId)}`, ""];
  for (const message of messages) {
    const content = message.content as TranscriptContent;
    const what = content.text ?? content.url ?? `[${message.messageType === "IMAGE" ? "image" : "document"}: ${content.fileName ?? ""}]`;
    const role = roleLabel(content.user.isAgent).toLowerCase();
    lines.push(`[${escapeLine(message.ts)}] [${role}] ${escapeLine(content.user.nickname)}: ${escapeLine(what)}`);
  }
  return `${lines.join("\n")}\n`;
}
