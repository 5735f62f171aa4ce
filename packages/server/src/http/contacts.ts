/** `POST /v1/contacts`: a customer starts a chat and gets a token opening it. @module */
import { DEFAULT_QUEUE, type StartContactBody, type StartContactResponse } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import type { TenantGate } from "../auth/tenant-gate.js";
import type { TokenService } from "../auth/tokens.js";
import type { ChatService } from "../chat/service.js";
import { ParleyError } from "../errors.js";
import { acceptPrechat } from "../front-door/prechat.js";
import type { Store } from "../store/types.js";
import { perAddressRateLimit } from "./rate-limit.js";
import { START_CONTACT_SCHEMA } from "./schemas/contacts.js";
import { agreedTenant, tenantOfHost } from "../policy/request-tenant.js";

export interface ContactRoutesDeps {
  chat: ChatService;
  store: Store;
  tenants: TenantGate;
  /** Host names mapped to tenants: a chat started at a mapped host is that tenant's. */
  tenantHosts?: Record<string, string>;
  tokens: TokenService;
  contactsPerMinute: number;
}

export function contactRoutes(app: FastifyInstance, deps: ContactRoutesDeps): void {
  app.post<{ Body: StartContactBody }>(
    "/v1/contacts",
    {
      schema: START_CONTACT_SCHEMA,
      // Starting chats is anonymous: bound it per client address so one client cannot flood the store.
      onRequest: perAddressRateLimit(deps.contactsPerMinute),
    },
    async (request, reply) => {
      const { nickname, email, uri, title, userAgent, queue } = request.body;
      const tenant = agreedTenant(request.body.tenant, tenantOfHost(deps.tenantHosts ?? {}, request.headers.host));
      const { limits } = await deps.tenants.requireActive(tenant);
      if (limits.maxActiveChats !== null) {
        // Counted before the chat is made: chats started at the same moment may pass the limit by a few.
        const { active } = await deps.store.tenant(tenant).countContactsByState();
        if (active >= limits.maxActiveChats) throw new ParleyError("TENANT_CHAT_LIMIT", undefined, { limit: limits.maxActiveChats });
      }
      // Checked before anything is made: answers that do not fit the queue's form create no chat.
      const queueName = queue ?? DEFAULT_QUEUE;
      const form = await deps.store.tenant(tenant).prechatForm(queueName);
      const prechat = acceptPrechat(form, queueName, request.body.form, request.body.consent, new Date().toISOString());
      const input: Parameters<ChatService["startContact"]>[1] = { nickname: prechat?.nickname ?? nickname, clientIp: request.ip };
      if (email !== undefined) input.email = email;
      if (uri !== undefined) input.uri = uri;
      if (title !== undefined) input.title = title;
      if (request.body.callData !== undefined) input.callData = request.body.callData;
      if (prechat !== null) {
        // The form's answers win over the page's call data of the same key.
        input.callData = { ...input.callData, ...prechat.callData };
        input.prechat = prechat.record;
      }
      if (queue !== undefined) input.queue = queue;
      if (request.body.context !== undefined) input.context = request.body.context;
      input.userAgent = userAgent ?? request.headers["user-agent"]?.slice(0, 512);
      if (input.userAgent === undefined) delete input.userAgent;
      const { chatId, user } = await deps.chat.startContact(tenant, input);
      const { token } = await deps.tokens.issueCustomer({ id: user.id, nickname: user.nickname, chatId, tenant });
      const body: StartContactResponse = { contact: { id: chatId }, user, token };
      return reply.status(201).send(body);
    },
  );
}
