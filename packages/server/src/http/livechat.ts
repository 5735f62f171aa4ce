/**
 * The original product's back-office REST calls, for integrations written
 * against it. They answer `{ result, error, ... }` and take an agent token or
 * an API key as a Bearer token, or in the `ctlivetoken` header or query
 * parameter, checked by the authentication hook (authenticate.ts) before the
 * body is read. A key sends as an agent named after it.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { CALL_DATA_KEY_PATTERN, CALL_DATA_LIMITS, CHAT_ID_PATTERN, ERRORS, MESSAGE_ID_PATTERN, USER_ID_PATTERN, type HistoryMessage } from "@parley/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authorizeRead } from "../auth/access.js";
import type { TokenClaims } from "../auth/tokens.js";
import type { ChatService } from "../chat/service.js";
import { ParleyError, toWireError } from "../errors.js";
import { vendorTranscript, type VendorTranscript } from "../chat/vendor-transcripts.js";
import { claimsOf, type AuthRule } from "./authenticate.js";
import { BACK_OFFICE_ERRORS } from "./schemas/common.js";
import { END_CONTACT_SCHEMA, SEND_TEXT_SCHEMA, TRANSCRIPT_SCHEMA } from "./schemas/back-office.js";

/** Most chats one `getChatTranscriptByUserID` or `getChatTranscriptByCalldata` answer holds, newest first. */
export const MAX_TRANSCRIPTS_PER_ANSWER = 20;
/** Days looked back when `days` is not given, and the most that may be asked. */
const DEFAULT_DAYS = 30;
const MAX_DAYS = 3_660;

const Loose = Type.Object({}, { additionalProperties: true });
const VendorMessageSchema = Type.Object({
  id: Type.String(),
  messageType: Type.String(),
  content: Loose,
  ts: Type.Number({ description: "epoch milliseconds" }),
  replyTo: Type.String(),
  messageSeen: Type.Union([Type.Number(), Type.Null()]),
  deliverySuccess: Type.Boolean(),
  deliveryErrorReason: Type.String(),
});
const TranscriptSchema = Type.Object({
  _id: Type.String(),
  room: Type.String(),
  ctlive_type: Type.String(),
  isChatActive: Type.Boolean(),
  callData: Type.Record(Type.String(), Type.String()),
  messages: Type.Array(Type.Object({ data: VendorMessageSchema, _id: Type.String(), room: Type.String() })),
});
const Ok = { result: Type.Boolean(), error: Type.Null() };
const OneTranscriptAnswer = Type.Object({ ...Ok, chatTranscripts: Type.Object({ result: Type.Boolean(), transcript: TranscriptSchema }) });
const TranscriptsAnswer = Type.Object({
  ...Ok,
  chatTranscripts: Type.Object({
    result: Type.Boolean(),
    transcripts: Type.Array(TranscriptSchema),
    /** Whether more chats matched than the answer holds (ask with fewer days). */
    hasMore: Type.Boolean(),
  }),
});
const ChatParams = Type.Object({ domain: Type.String({ maxLength: 63 }), chatId: Type.String({ maxLength: 64 }) });
const UserParams = Type.Object({ domain: Type.String({ maxLength: 63 }), userId: Type.String({ maxLength: 64 }) });
const DaysQuery = Type.Object(
  {
    days: Type.Optional(Type.String({ pattern: "^[0-9]{1,4}$", description: `chats started in the last N days (default ${DEFAULT_DAYS})` })),
    ctlivetoken: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  },
  { additionalProperties: false },
);
const ByCallDataBody = Type.Object(
  {
    /** Every key–value pair given must match (exact values). */
    callData: Type.Record(Type.String({ pattern: CALL_DATA_KEY_PATTERN, maxLength: CALL_DATA_LIMITS.maxKeyLength }), Type.String({ maxLength: CALL_DATA_LIMITS.maxValueLength }), {
      minProperties: 1,
      maxProperties: 5,
    }),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DAYS })),
  },
  { additionalProperties: false },
);
const MediaParams = Type.Object({ domain: Type.String({ maxLength: 63 }), chatId: Type.String({ maxLength: 64 }), messageId: Type.String({ maxLength: 64 }) });
const MediaQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal("fullsize"), Type.Literal("thumbnail"), Type.Literal("link")])),
    ctlivetoken: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  },
  { additionalProperties: false },
);
const MediaAnswer = Type.Object({
  ...Ok,
  data: Type.Object({
    chatID: Type.String(),
    messageID: Type.String(),
    messageType: Type.String(),
    format: Type.String(),
    url: Type.String(),
    expiresAt: Type.String(),
    content: Loose,
  }),
});

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
      const callData = await deps.chat.readCallData(agent.tenant, chatId);
      return { isChatActive: state.contact.status === "active", callData, chatTranscript: pages.flat() };
    }),
  );

  /** One chat's transcript in the vendor's shape; `CONTACT_NOT_FOUND` for an id that names no chat of the tenant. */
  const transcriptOf = async (tenant: string, chatId: string): Promise<VendorTranscript> => {
    const chat = await deps.chat.contactRecord(tenant, chatId);
    if (chat === undefined) throw new ParleyError("CONTACT_NOT_FOUND");
    return vendorTranscript(chat, await deps.chat.wholeLog(tenant, chatId));
  };
  const transcriptsOf = async (tenant: string, chats: { id: string }[]) => {
    const transcripts: VendorTranscript[] = [];
    for (const chat of chats.slice(0, MAX_TRANSCRIPTS_PER_ANSWER)) transcripts.push(await transcriptOf(tenant, chat.id));
    return { chatTranscripts: { result: true, transcripts, hasMore: chats.length > MAX_TRANSCRIPTS_PER_ANSWER } };
  };
  const since = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

  app.get<{ Params: Static<typeof ChatParams> }>(
    "/livechat/:domain/getChatTranscriptByChatID/:chatId",
    { schema: { params: ChatParams, response: { 200: OneTranscriptAnswer, ...BACK_OFFICE_ERRORS } }, config: READ_BACK_OFFICE },
    asAgent(async (request, agent) => {
      const { chatId } = request.params;
      if (!new RegExp(CHAT_ID_PATTERN).test(chatId)) throw new ParleyError("CONTACT_NOT_FOUND");
      await authorizeRead(agent, { kind: "backOffice", chatId }, deps.chat);
      return { chatTranscripts: { result: true, transcript: await transcriptOf(agent.tenant, chatId) } };
    }),
  );

  app.get<{ Params: Static<typeof UserParams>; Querystring: Static<typeof DaysQuery> }>(
    "/livechat/:domain/getChatTranscriptByUserID/:userId",
    { schema: { params: UserParams, querystring: DaysQuery, response: { 200: TranscriptsAnswer, ...BACK_OFFICE_ERRORS } }, config: READ_BACK_OFFICE },
    asAgent(async (request, agent) => {
      const { userId } = request.params;
      const days = request.query.days === undefined ? DEFAULT_DAYS : Number(request.query.days);
      if (days < 1 || days > MAX_DAYS) throw new ParleyError("VALIDATION_FAILED", `days must be between 1 and ${MAX_DAYS}.`, { path: "/days", problem: "out of range" });
      // An id that is not a customer's finds nothing, as an unknown customer does.
      if (!new RegExp(USER_ID_PATTERN).test(userId)) return transcriptsOf(agent.tenant, []);
      const chats = await deps.chat.findChats(agent.tenant, { customerUserId: userId, createdSince: since(days), limit: MAX_TRANSCRIPTS_PER_ANSWER + 1 });
      return transcriptsOf(agent.tenant, chats);
    }),
  );

  app.post<{ Params: { domain: string }; Body: Static<typeof ByCallDataBody> }>(
    "/livechat/:domain/getChatTranscriptByCalldata",
    { schema: { body: ByCallDataBody, response: { 200: TranscriptsAnswer, ...BACK_OFFICE_ERRORS } }, config: READ_BACK_OFFICE },
    asAgent(async (request, agent) => {
      const { callData, days } = request.body;
      const chats = await deps.chat.findChats(agent.tenant, { callData, createdSince: since(days ?? DEFAULT_DAYS), limit: MAX_TRANSCRIPTS_PER_ANSWER + 1 });
      return transcriptsOf(agent.tenant, chats);
    }),
  );

  app.get<{ Params: Static<typeof MediaParams>; Querystring: Static<typeof MediaQuery> }>(
    "/livechat/:domain/getMultimediaMessageByID/:chatId/:messageId",
    { schema: { params: MediaParams, querystring: MediaQuery, response: { 200: MediaAnswer, ...BACK_OFFICE_ERRORS } }, config: READ_BACK_OFFICE },
    asAgent(async (request, agent) => {
      const { chatId, messageId } = request.params;
      if (!new RegExp(CHAT_ID_PATTERN).test(chatId)) throw new ParleyError("CONTACT_NOT_FOUND");
      if (!new RegExp(MESSAGE_ID_PATTERN).test(messageId)) throw new ParleyError("MESSAGE_NOT_FOUND");
      await authorizeRead(agent, { kind: "backOffice", chatId }, deps.chat);
      return { data: await deps.chat.backOfficeMedia(agent.tenant, chatId, messageId, request.query.format ?? "link") };
    }),
  );
}
