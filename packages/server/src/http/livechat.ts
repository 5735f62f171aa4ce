/**
 * The original product's back-office REST calls, for integrations written
 * against it. They answer `{ result, error, ... }` and take an agent token as
 * a Bearer token, or in the `ctlivetoken` header or query parameter.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { ERRORS, type HistoryMessage } from "@parley/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authorizeRead } from "../auth/access.js";
import type { TokenClaims, TokenService } from "../auth/tokens.js";
import type { ChatService } from "../chat/service.js";
import { ParleyError, toWireError } from "../errors.js";

const SendTextBody = Type.Object({ text: Type.String(), nickname: Type.Optional(Type.String({ maxLength: 256 })) });
const EndBody = Type.Object({ chatID: Type.String() });
/** A single-tenant install answers to the tenant name `default` only. */
export const DOMAIN = "default";

/** The token of a back-office call: a Bearer token, or the `ctlivetoken` header or query parameter. */
export function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim();
  const own = request.headers.ctlivetoken;
  if (typeof own === "string" && own !== "") return own;
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.ctlivetoken;
  return typeof fromQuery === "string" && fromQuery !== "" ? fromQuery : undefined;
}

export function livechatRoutes(app: FastifyInstance, deps: { chat: ChatService; tokens: TokenService }): void {
  /** Runs a handler as an authenticated agent; any failure becomes `{ result: false, error }`. */
  const asAgent =
    <R extends FastifyRequest>(handler: (request: R, agent: TokenClaims) => Promise<Record<string, unknown>>) =>
    async (request: R, reply: FastifyReply) => {
      try {
        if ((request.params as { domain?: string }).domain !== DOMAIN) throw new ParleyError("NOT_FOUND", "Unknown domain.");
        const token = tokenOf(request);
        if (token === undefined) throw new ParleyError("AUTH_REQUIRED");
        const claims = await deps.tokens.verify(token);
        if (claims.role !== "agent") throw new ParleyError("FORBIDDEN", "Back-office calls need an agent token.");
        return { result: true, error: null, ...(await handler(request, claims)) };
      } catch (error) {
        const wire = toWireError(error);
        if (!(error instanceof ParleyError)) request.log.error({ err: error }, "back-office call failed");
        return reply.status(ERRORS[wire.code].status).send({ result: false, error: wire.message, code: wire.code });
      }
    };

  app.post<{ Params: { domain: string; chatId: string }; Body: Static<typeof SendTextBody> }>(
    "/livechat/:domain/sendTextMessageToActiveChat/:chatId",
    { schema: { body: SendTextBody } },
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
    { schema: { body: EndBody } },
    asAgent(async (request) => {
      await deps.chat.endByServer(request.body.chatID);
      return {};
    }),
  );

  app.get<{ Params: { domain: string; chatId: string } }>(
    "/livechat/:domain/getContactTranscriptByChatID/:chatId",
    asAgent(async (request, agent) => {
      const { chatId } = request.params;
      const state = await authorizeRead(agent, { kind: "backOffice", chatId }, deps.chat);
      // Walk back through the history in pages, then give the transcript oldest first.
      const pages: HistoryMessage[][] = [];
      let beforeSeq: number | undefined;
      for (;;) {
        const page = await deps.chat.history(chatId, beforeSeq, Number.MAX_SAFE_INTEGER);
        pages.unshift(page.messages.map((entry) => entry.data));
        const first = page.messages[0];
        if (!page.hasMore || first === undefined) break;
        beforeSeq = first.data.seq;
      }
      return { isChatActive: state.contact.status === "active", chatTranscript: pages.flat() };
    }),
  );
}
