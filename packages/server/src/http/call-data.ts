/**
 * `GET` and `PATCH /v1/chats/:chatId/call-data`: a chat's call data, read by
 * agents and API keys with `transcripts:read`, changed by agents and API keys
 * with `chats:write`. A change is a stored `callDataChanged` event.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { CHAT_ID_PATTERN, CallDataChangesSchema, type CallDataResult } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { authorizeRead } from "../auth/access.js";
import type { ChatService } from "../chat/service.js";
import { claimsOf, type AuthRule } from "./authenticate.js";
import { ERRORS } from "./schemas/common.js";

const ChatParams = Type.Object({ chatId: Type.String({ pattern: CHAT_ID_PATTERN }) });
const CallDataAnswer = Type.Object({
  seq: Type.Union([Type.Integer(), Type.Null()]),
  callData: Type.Record(Type.String(), Type.String()),
});
const CallDataRead = Type.Object({ callData: Type.Record(Type.String(), Type.String()) });
const READ = { auth: { role: "agent", apiKeyScope: "transcripts:read" } satisfies AuthRule };
const WRITE = { auth: { role: "agent", apiKeyScope: "chats:write" } satisfies AuthRule };

export function callDataRoutes(app: FastifyInstance, deps: { chat: ChatService }): void {
  app.get<{ Params: Static<typeof ChatParams> }>(
    "/v1/chats/:chatId/call-data",
    { schema: { params: ChatParams, response: { 200: CallDataRead, ...ERRORS } }, config: READ },
    async (request, reply) => {
      const claims = claimsOf(request);
      const { chatId } = request.params;
      await authorizeRead(claims, { kind: "chat", chatId }, deps.chat);
      const body: Pick<CallDataResult, "callData"> = { callData: await deps.chat.readCallData(claims.tenant, chatId) };
      return reply.header("cache-control", "no-store").send(body);
    },
  );

  app.patch<{ Params: Static<typeof ChatParams>; Body: Static<typeof CallDataChangesSchema> }>(
    "/v1/chats/:chatId/call-data",
    { schema: { params: ChatParams, body: CallDataChangesSchema, response: { 200: CallDataAnswer, ...ERRORS } }, config: WRITE },
    async (request) => deps.chat.changeCallData(claimsOf(request), request.params.chatId, request.body),
  );
}
