/**
 * The original product's back-office REST calls, for integrations written
 * against it. They answer `{ result, error, ... }` and take an agent token or
 * an API key as a Bearer token, or in the `ctlivetoken` header or query
 * parameter, checked by the authentication hook (authenticate.ts) before the
 * body is read. A key sends as an agent named after it.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { ERRORS, type HistoryMessage } from "@parley/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authorizeRead } from "../auth/access.js";
import type { TokenClaims } from "../auth/tokens.js";
import type { ChatService } from "../chat/service.js";
import { ParleyError, toWireError } from "../errors.js";
import { claimsOf, type AuthRule } from "./authenticate.js";
import { END_CONTACT_SCHEMA, SEND_TEXT_SCHEMA, TRANSCRIPT_SCHEMA } from "./schemas/back-office.js";

const SendTextBody = Type.Object({ text: Type.String(), nickname: Type.Optional(Type.String({ maxLength: 256 })) });
const EndBody = Type.Object({ chatID: Type.String() });
/**
 * Back-office calls: an agent token, or an API key with the scope each names;
 * errors as `{ result: false, error, code }`.
 */
const WRITE_BACK_OFFICE = { auth: { role: "agent", isBackOffice: true, apiKeyScope: "chats:write" } satisfies AuthRule };
const READ_BACK_OFFICE = { auth: { role: "agent", isBackOffice: true, apiKeyScope: "transcripts:read" } satisfies AuthRule };

export function livechatRoutes(app: FastifyInstance, deps: { chat: ChatService }): void {
  /** Runs a handler as the agent the hook authenticated; any failure becomes `{ result: false, error }`. */
  const asAgent =
    <R extends FastifyRequest>(handler: (request: R, agent: TokenClaims) => Promise<Record<string, unknown>>) =>
    async (request: R, reply: FastifyReply) => {
      try {
        return { result: true, error: null, ...(await handler(request, claimsOf(request))) };
      } catch (error) {
        const wire = toWireError(error);
        if (!(error instanceof ParleyError)) request.log.error({ err: error }, "back-office call failed");
        return reply.status(ERRORS[wire.code].status).send({ result: false, error: wire.message, code: wire.code });
      }
    };

  app.post<{ Params: { domain: string; chatId: string }; Body: Static<typeof SendTextBody> }>(
    "/livechat/:domain/sendTextMessageToActiveChat/:chatId",
    { schema: { ...SEND_TEXT_SCHEMA, body: SendTextBody }, config: WRITE_BACK_OFFICE },
    asAgent(async (request, agent) => {
      const { chatId } = request.params;
      // join admits the agent once (a present participant is confirmed, not added again) and
      // refuses an ended chat, exactly as it does for sockets.
      const options: { nickname?: string; isResume: boolean } = { isResume: false };
      if (request.body.nickname !== undefined) options.nickname = request.body.nickname;
      await deps.chat.join(agent, chatId, options);
      const sent = await deps.chat.send(agent, chatId, undefined, { kind: "text", text: request.body.text });
      return { messageID: sent.id };
    }),
  );

  app.post<{ Params: { domain: string }; Body: Static<typeof EndBody> }>(
    "/livechat/:domain/endContactByChatID",
    { schema: { ...END_CONTACT_SCHEMA, body: EndBody }, config: WRITE_BACK_OFFICE },
    asAgent(async (request, agent) => {
      await deps.chat.endByServer(agent.tenant, request.body.chatID);
      return {};
    }),
  );

  app.get<{ Params: { domain: string; chatId: string } }>(
    "/livechat/:domain/getContactTranscriptByChatID/:chatId",
    { schema: TRANSCRIPT_SCHEMA, config: READ_BACK_OFFICE },
    asAgent(async (request, agent) => {
      const { chatId } = request.params;
      const state = await authorizeRead(agent, { kind: "backOffice", chatId }, deps.chat);
      // Walk back through the history in pages, then give the transcript oldest first.
      const pages: HistoryMessage[][] = [];
      let beforeSeq: number | undefined;
      for (;;) {
        const page = await deps.chat.history(agent.tenant, chatId, beforeSeq, Number.MAX_SAFE_INTEGER);
        pages.unshift(page.messages.map((entry) => entry.data));
        const first = page.messages[0];
        if (!page.hasMore || first === undefined) break;
        beforeSeq = first.data.seq;
      }
      return { isChatActive: state.contact.status === "active", chatTranscript: pages.flat() };
    }),
  );
}
