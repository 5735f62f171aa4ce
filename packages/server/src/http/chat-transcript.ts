/**
 * `GET /v1/chats/:chatId/transcript`: a chat's messages as a text file, for
 * the customer of the chat (the widget's "Download transcript") and for its
 * agents. Each line is `[time] [role] Nickname: what`, with whatever a
 * participant typed escaped as the console's transcript does, so no message
 * can forge another line or author.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { escapeTranscriptLine, type HistoryMessage } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { authorizeRead } from "../auth/access.js";
import type { ChatService } from "../chat/service.js";
import { ParleyError } from "../errors.js";
import { isTimeZone } from "../front-door/hours.js";
import { claimsOf, type AuthRule } from "./authenticate.js";
import { attachmentDisposition } from "./content-disposition.js";
import { ERRORS, text } from "./schemas/common.js";

const ChatParams = Type.Object({ chatId: Type.String({ pattern: "^CHAT_[0-9a-f-]{36}$" }) });
const TranscriptQuery = Type.Object(
  {
    /** The IANA zone the times are written in; UTC by default. */
    timeZone: Type.Optional(Type.String({ maxLength: 64 })),
    ctlivetoken: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false },
);
const READ = { auth: { role: "any", apiKeyScope: "transcripts:read" } satisfies AuthRule };

interface TranscriptContent {
  text?: string;
  url?: string;
  fileName?: string;
  user?: { nickname?: string; isAgent?: boolean };
}

/** `2026-11-29 05:00:00 GMT-5`: a time in a zone, sortable, with the zone's offset named. */
function stamp(iso: string, formatter: Intl.DateTimeFormat): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return escapeTranscriptLine(iso);
  const parts = formatter.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  const zone = part("timeZoneName").replace(/^GMT[+-]0$/, "GMT");
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")} ${zone}`;
}

/** The transcript's text: a short header, then one line per message, oldest first. */
export function customerTranscript(chatId: string, messages: readonly HistoryMessage[], timeZone: string): string {
  const formatter = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "shortOffset",
  });
  const lines = [`Parley chat ${chatId}`, `Times: ${timeZone}`, ""].map(escapeTranscriptLine);
  for (const message of messages) {
    const content = message.content as TranscriptContent;
    const what = content.text ?? content.url ?? `[${message.messageType === "IMAGE" ? "image" : "document"}: ${content.fileName ?? ""}]`;
    const role = content.user?.isAgent === true ? "agent" : "customer";
    lines.push(`[${stamp(message.ts, formatter)}] [${role}] ${escapeTranscriptLine(content.user?.nickname ?? "")}: ${escapeTranscriptLine(what)}`);
  }
  return `${lines.join("\n")}\n`;
}

export function chatTranscriptRoutes(app: FastifyInstance, deps: { chat: ChatService }): void {
  app.get<{ Params: Static<typeof ChatParams>; Querystring: Static<typeof TranscriptQuery> }>(
    "/v1/chats/:chatId/transcript",
    { schema: { params: ChatParams, querystring: TranscriptQuery, response: { 200: text("The transcript as plain text, an attachment.", "text/plain"), ...ERRORS } }, config: READ },
    async (request, reply) => {
      const claims = claimsOf(request);
      const { chatId } = request.params;
      await authorizeRead(claims, { kind: "chat", chatId }, deps.chat);
      const timeZone = request.query.timeZone ?? "UTC";
      if (!isTimeZone(timeZone)) throw new ParleyError("VALIDATION_FAILED", "Unknown time zone.", { path: "/timeZone", problem: "unknown zone" });
      // Walk back through the history in pages, then write it oldest first.
      const pages: HistoryMessage[][] = [];
      let beforeSeq: number | undefined;
      for (;;) {
        const page = await deps.chat.history(claims.tenant, chatId, beforeSeq);
        pages.unshift(page.messages.map((entry) => entry.data));
        const first = page.messages[0];
        if (!page.hasMore || first === undefined) break;
        beforeSeq = first.data.seq;
      }
      return reply
        .header("content-type", "text/plain; charset=utf-8")
        .header("content-disposition", attachmentDisposition(`parley-chat-${chatId}.txt`))
        .header("cache-control", "no-store")
        .send(customerTranscript(chatId, pages.flat(), timeZone));
    },
  );
}
