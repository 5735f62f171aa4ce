/** `POST /v1/contacts`: a customer starts a chat and gets a token opening it. @module */
import { StartContactBody, type StartContactResponse } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import type { TokenService } from "../auth/tokens.js";
import type { ChatService } from "../chat/service.js";
import { perAddressRateLimit } from "./rate-limit.js";

export interface ContactRoutesDeps {
  chat: ChatService;
  tokens: TokenService;
  contactsPerMinute: number;
}

export function contactRoutes(app: FastifyInstance, deps: ContactRoutesDeps): void {
  app.post<{ Body: StartContactBody }>(
    "/v1/contacts",
    {
      schema: { body: StartContactBody },
      // Starting chats is anonymous: bound it per client address so one client cannot flood the store.
      onRequest: perAddressRateLimit(deps.contactsPerMinute),
    },
    async (request, reply) => {
      const { nickname, email, uri, title, userAgent } = request.body;
      const input: Parameters<ChatService["startContact"]>[0] = { nickname, clientIp: request.ip };
      if (email !== undefined) input.email = email;
      if (uri !== undefined) input.uri = uri;
      if (title !== undefined) input.title = title;
      input.userAgent = userAgent ?? request.headers["user-agent"]?.slice(0, 512);
      if (input.userAgent === undefined) delete input.userAgent;
      const { chatId, user } = await deps.chat.startContact(input);
      const { token } = await deps.tokens.issueCustomer({ id: user.id, nickname: user.nickname, chatId });
      const body: StartContactResponse = { contact: { id: chatId }, user, token };
      return reply.status(201).send(body);
    },
  );
}
