/**
 * Offline messages: `POST /v1/offline-messages` takes what a customer leaves
 * while nobody can answer (anyone on the internet may call it: small bodies,
 * a per-address rate, a cap per tenant); agents list them newest first
 * (`GET`) and mark them read or answered (`PATCH /v1/offline-messages/:id`).
 * @module
 */
import { randomUUID } from "node:crypto";
import { Type } from "@sinclair/typebox";
import {
  DEFAULT_QUEUE,
  isEmailAddress,
  MAX_OPEN_OFFLINE_MESSAGES,
  OfflineMessageBody,
  OfflineMessageListQuery,
  OfflineMessageParams,
  OfflineMessageUpdateBody,
  type OfflineMessage,
  type OfflineMessageListResponse,
} from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import type { TenantGate } from "../auth/tenant-gate.js";
import { ParleyError } from "../errors.js";
import { agreedTenant, tenantOfHost } from "../policy/request-tenant.js";
import type { OfflineMessageQuery } from "../store/front-door-queries.js";
import type { Store } from "../store/types.js";
import { claimsOf, type AuthRule } from "./authenticate.js";
import { perAddressRateLimit } from "./rate-limit.js";
import { ERRORS } from "./schemas/common.js";

export interface OfflineMessageRoutesDeps {
  store: Store;
  tenants: TenantGate;
  tenantHosts?: Record<string, string>;
  /** Offline messages per client address per minute, as for starting chats. */
  contactsPerMinute: number;
}

/** A message of 4,000 characters, each up to 4 bytes in UTF-8, with its fields: 24 KiB is plenty. */
const BODY_LIMIT = 24 * 1024;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
/** Controls and format characters have no place in a name or an address. */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

const Message = Type.Object({
  id: Type.String(),
  queue: Type.String(),
  name: Type.String(),
  email: Type.String(),
  message: Type.String(),
  consent: Type.Boolean(),
  state: Type.Union([Type.Literal("new"), Type.Literal("read"), Type.Literal("answered")]),
  createdAt: Type.String(),
  answeredBy: Type.Union([Type.String(), Type.Null()]),
  answeredAt: Type.Union([Type.String(), Type.Null()]),
});
const ListResponse = Type.Object({ messages: Type.Array(Message), nextCursor: Type.Union([Type.String(), Type.Null()]) });
const CreatedResponse = Type.Object({ offlineMessage: Type.Object({ id: Type.String(), createdAt: Type.String() }) });

function cursorOf(message: Pick<OfflineMessage, "createdAt" | "id">): string {
  return `${message.createdAt}|${message.id}`;
}

function parseCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id, ...rest] = cursor.split("|");
  if (createdAt === undefined || id === undefined || rest.length > 0 || !/^OFF_[0-9a-f-]{36}$/.test(id)) {
    throw new ParleyError("VALIDATION_FAILED", "The cursor is not one this server gave.", { path: "/before", problem: "unknown cursor" });
  }
  return { createdAt, id };
}

export function offlineMessageRoutes(app: FastifyInstance, deps: OfflineMessageRoutesDeps): void {
  app.post<{ Body: OfflineMessageBody }>(
    "/v1/offline-messages",
    {
      schema: { body: OfflineMessageBody, response: { 201: CreatedResponse, ...ERRORS } },
      bodyLimit: BODY_LIMIT,
      // Anonymous, like starting a chat: bound per client address before the body is read.
      onRequest: perAddressRateLimit(deps.contactsPerMinute),
    },
    async (request, reply) => {
      const tenant = agreedTenant(request.body.tenant, tenantOfHost(deps.tenantHosts ?? {}, request.headers.host));
      await deps.tenants.requireActive(tenant);
      const name = request.body.name.trim();
      const email = request.body.email.trim();
      const message = request.body.message.trim();
      if (name === "" || UNSAFE.test(name)) throw new ParleyError("VALIDATION_FAILED", "Enter a name.", { path: "/name", problem: "blank or control characters" });
      if (!isEmailAddress(email)) throw new ParleyError("EMAIL_INVALID");
      if (message === "") throw new ParleyError("VALIDATION_FAILED", "Enter a message.", { path: "/message", problem: "blank" });
      const store = deps.store.tenant(tenant);
      // Counted before the insert: messages arriving together may pass the cap by a few.
      if ((await store.countOpenOfflineMessages()) >= MAX_OPEN_OFFLINE_MESSAGES) throw new ParleyError("OFFLINE_MESSAGES_FULL", undefined, { limit: MAX_OPEN_OFFLINE_MESSAGES });
      const id = `OFF_${randomUUID()}`;
      const createdAt = new Date().toISOString();
      await store.insertOfflineMessage({
        id,
        queue: request.body.queue ?? DEFAULT_QUEUE,
        name,
        email,
        message,
        consent: request.body.consent === true,
        createdAt,
        clientIp: request.ip,
      });
      return reply.status(201).send({ offlineMessage: { id, createdAt } });
    },
  );

  app.get<{ Querystring: OfflineMessageListQuery }>(
    "/v1/offline-messages",
    { schema: { querystring: OfflineMessageListQuery, response: { 200: ListResponse, ...ERRORS } }, config: { auth: { role: "agent", apiKeyScope: "transcripts:read" } satisfies AuthRule } },
    async (request, reply) => {
      const { tenant } = request.auth;
      const limit = request.query.limit === undefined ? DEFAULT_LIMIT : Number(request.query.limit);
      if (limit < 1 || limit > MAX_LIMIT) throw new ParleyError("VALIDATION_FAILED", `limit must be between 1 and ${MAX_LIMIT}.`, { path: "/limit", problem: "out of range" });
      const query: OfflineMessageQuery = { limit: limit + 1 };
      if (request.query.state !== undefined) query.state = request.query.state;
      if (request.query.before !== undefined) query.before = parseCursor(request.query.before);
      const found = await deps.store.tenant(tenant).listOfflineMessages(query);
      const messages = found.slice(0, limit);
      const last = messages[messages.length - 1];
      const body: OfflineMessageListResponse = { messages, nextCursor: found.length > limit && last !== undefined ? cursorOf(last) : null };
      return reply.header("cache-control", "no-store").send(body);
    },
  );

  app.patch<{ Params: OfflineMessageParams; Body: OfflineMessageUpdateBody }>(
    "/v1/offline-messages/:id",
    {
      schema: { params: OfflineMessageParams, body: OfflineMessageUpdateBody, response: { 200: Type.Object({ offlineMessage: Message }), ...ERRORS } },
      config: { auth: { role: "agent", apiKeyScope: "chats:write" } satisfies AuthRule },
    },
    async (request) => {
      const claims = claimsOf(request);
      const updated = await deps.store
        .tenant(request.auth.tenant)
        .updateOfflineMessage(request.params.id, request.body.state, claims.nickname, new Date().toISOString());
      if (updated === undefined) throw new ParleyError("NOT_FOUND", "No offline message with that id.");
      return { offlineMessage: updated };
    },
  );
}
