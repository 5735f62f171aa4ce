/** `POST /v1/contacts`: a customer starts a chat and gets a token opening it. @module */
import { StartContactBody, wireError, type StartContactResponse } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import type { TokenService } from "../auth/tokens.js";
import type { ChatService } from "../chat/service.js";
import { KeyedRateLimiter } from "../rate/token-bucket.js";
import { sendError } from "./errors.js";

export interface ContactRoutesDeps {
  chat: ChatService;
  tokens: TokenService;
  contactsPerMinute: number;
}

export function contactRoutes(app: FastifyInstance, deps: ContactRoutesDeps): void {
  // Starting chats is anonymous: bound it per client address so one client cannot flood the store.
  const limiter = new KeyedRateLimiter(deps.contactsPerMinute / 60, deps.contactsPerMinute);

  app.post<{ Body: StartContactBody }>(
    "/v1/contacts",
    {
      schema: { body: StartContactBody },
      // Counted before the body is parsed, so invalid requests count too.
      onRequest: (request, reply, done) => {
        const waitMs = limiter.take(request.ip);
        if (waitMs === 0) return done();
        void reply.header("retry-after", String(Math.ceil(waitMs / 1000)));
        sendError(reply, wireError("RATE_LIMITED", undefined, { retryAfterMs: waitMs }));
      },
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
