/**
 * The satisfaction survey over REST: a queue's survey (`GET/PUT
 * /v1/surveys/:queue`, admins), and a chat's (`GET/POST
 * /v1/chats/:chatId/survey`): the customer of an ended chat reads and answers
 * it once, before it expires; agents read the answers.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { DEFAULT_QUEUE, QueueSettingsParams, SurveyAnswerBody, SurveyConfig, type ChatSurveyResponse, type SurveyResult } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { recordAudit } from "../audit/record.js";
import { authorizeRead } from "../auth/access.js";
import type { ChatService } from "../chat/service.js";
import type { ChatState } from "../chat/state.js";
import { ParleyError } from "../errors.js";
import { checkAnswers, checkSurveyConfig, effectiveSurvey, surveyDeadline } from "../front-door/survey.js";
import type { Store } from "../store/types.js";
import { claimsOf, type AuthRule } from "./authenticate.js";
import { perAddressRateLimit } from "./rate-limit.js";
import type { AdminResolver } from "./tenant-admin.js";
import { ERRORS } from "./schemas/common.js";

export interface SurveyRoutesDeps {
  chat: ChatService;
  store: Store;
  admin: AdminResolver;
  /** Answers per client address per minute (the customer's token is the internet's). */
  contactsPerMinute: number;
}

const ADMIN = { auth: { role: "agent", apiKeyScope: "config:manage" } satisfies AuthRule };
const READ = { auth: { role: "any", apiKeyScope: "transcripts:read" } satisfies AuthRule };
const CUSTOMER = { auth: { role: "any" } satisfies AuthRule };
const ChatParams = Type.Object({ chatId: Type.String({ pattern: "^CHAT_[0-9a-f-]{36}$" }) });
const Scale = Type.Object({ min: Type.Integer(), max: Type.Integer() });
const ConfigResponse = Type.Object({ queue: Type.String(), survey: SurveyConfig });
const Result = Type.Object({
  chatId: Type.String(),
  queue: Type.String(),
  agentId: Type.Union([Type.String(), Type.Null()]),
  rating: Type.Integer(),
  comment: Type.Union([Type.String(), Type.Null()]),
  answers: Type.Record(Type.String(), Type.Union([Type.Integer(), Type.String()])),
  submittedAt: Type.String(),
});
const ChatSurvey = Type.Object({
  config: Type.Union([Type.Object({ ...SurveyConfig.properties, scale: Scale }), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  result: Type.Union([Result, Type.Null()]),
});
/** A survey's JSON is a few KiB at most. */
const BODY_LIMIT = 16 * 1024;

/** The queue a chat belongs to, whose survey applies: the one it started in (`default` when none was named). */
export function queueOfChat(state: ChatState): string {
  return state.contact.queue ?? DEFAULT_QUEUE;
}

/** The agent who joined the chat last, whom a survey rates; null when no agent took part. */
function ratedAgent(state: ChatState): string | null {
  let last: { userId: string; joinedAt: string } | null = null;
  for (const participant of state.participants.values()) {
    if (participant.isAgent && (last === null || participant.joinedAt >= last.joinedAt)) last = participant;
  }
  return last?.userId ?? null;
}

export function surveyRoutes(app: FastifyInstance, deps: SurveyRoutesDeps): void {
  app.get<{ Params: QueueSettingsParams }>("/v1/surveys/:queue", { schema: { params: QueueSettingsParams, response: { 200: ConfigResponse, ...ERRORS } }, config: ADMIN }, async (request, reply) => {
    const { tenant } = await deps.admin(request);
    const survey = effectiveSurvey(await deps.store.tenant(tenant).surveyConfig(request.params.queue));
    return reply.header("cache-control", "no-store").send({ queue: request.params.queue, survey });
  });

  app.put<{ Params: QueueSettingsParams; Body: SurveyConfig }>(
    "/v1/surveys/:queue",
    { schema: { params: QueueSettingsParams, body: SurveyConfig, response: { 200: ConfigResponse, ...ERRORS } }, config: ADMIN, bodyLimit: BODY_LIMIT },
    async (request) => {
      const caller = await deps.admin(request);
      checkSurveyConfig(request.body);
      const store = deps.store.tenant(caller.tenant);
      await store.setSurveyConfig(request.params.queue, request.body, new Date().toISOString());
      await recordAudit(store, caller, "queue.survey_set", { type: "queue", id: request.params.queue }, { enabled: request.body.enabled, questions: request.body.questions.length });
      return { queue: request.params.queue, survey: request.body };
    },
  );

  app.get<{ Params: Static<typeof ChatParams> }>(
    "/v1/chats/:chatId/survey",
    { schema: { params: ChatParams, response: { 200: ChatSurvey, ...ERRORS } }, config: READ },
    async (request, reply) => {
      const claims = claimsOf(request);
      const state = await authorizeRead(claims, { kind: "chat", chatId: request.params.chatId }, deps.chat);
      const store = deps.store.tenant(claims.tenant);
      const config = effectiveSurvey(await store.surveyConfig(queueOfChat(state)));
      const result = (await store.surveyOf(state.contact.id)) ?? null;
      const endedAt = state.contact.endedAt;
      const body: ChatSurveyResponse = {
        config: config.enabled ? config : null,
        expiresAt: endedAt === null || !config.enabled ? null : surveyDeadline(endedAt, config),
        // The customer sees that they answered, not how: only agents read the answers back.
        result: result === null ? null : claims.role === "agent" ? result : { ...result, agentId: null, comment: null, answers: {} },
      };
      return reply.header("cache-control", "no-store").send(body);
    },
  );

  app.post<{ Params: Static<typeof ChatParams>; Body: SurveyAnswerBody }>(
    "/v1/chats/:chatId/survey",
    {
      schema: { params: ChatParams, body: SurveyAnswerBody, response: { 201: Type.Object({ survey: Result }), ...ERRORS } },
      config: CUSTOMER,
      bodyLimit: BODY_LIMIT,
      onRequest: perAddressRateLimit(deps.contactsPerMinute),
    },
    async (request, reply) => {
      const claims = claimsOf(request);
      // Only the customer of the chat rates it: an agent's token (or another chat's) is refused.
      if (claims.role === "agent" || claims.chatId !== request.params.chatId) throw new ParleyError("FORBIDDEN", "Only the chat's customer answers its survey.");
      const state = await deps.chat.requireChat(claims.tenant, request.params.chatId);
      const store = deps.store.tenant(claims.tenant);
      const queue = queueOfChat(state);
      const config = effectiveSurvey(await store.surveyConfig(queue));
      const endedAt = state.contact.endedAt;
      if (!config.enabled || state.contact.status !== "ended" || endedAt === null) throw new ParleyError("SURVEY_NOT_AVAILABLE");
      const now = new Date().toISOString();
      if (now >= surveyDeadline(endedAt, config)) throw new ParleyError("SURVEY_EXPIRED");
      const { comment, answers } = checkAnswers(config, request.body);
      const result: SurveyResult = { chatId: state.contact.id, queue, agentId: ratedAgent(state), rating: request.body.rating, comment, answers, submittedAt: now };
      if (!(await store.insertSurvey(result))) throw new ParleyError("SURVEY_ALREADY_ANSWERED");
      return reply.status(201).send({ survey: result });
    },
  );
}
