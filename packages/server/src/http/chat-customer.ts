/**
 * `GET /v1/chats/:chatId/customer`: the customer beside the conversation —
 * their details, the visitor context their browser sent, the chat's call
 * data and their previous chats (by e-mail address or visitor id). For the
 * agents of the chat (present or past), supervisors and admins, and API keys
 * with `transcripts:read`; another agent is refused with `NOT_A_PARTICIPANT`.
 * @module
 */
import { CHAT_ID_PATTERN, ChatCustomerResponse } from "@parley/protocol";
import { Type, type Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { AgentRoles } from "../auth/agent-roles.js";
import { readChatCustomer } from "../chat/visitor-context.js";
import { maySupervise } from "../desk/supervision.js";
import { ParleyError } from "../errors.js";
import type { Store } from "../store/types.js";
import { claimsOf, type AuthRule } from "./authenticate.js";
import { ERRORS } from "./schemas/common.js";

const ChatParams = Type.Object({ chatId: Type.String({ pattern: CHAT_ID_PATTERN }) });
const READ = { auth: { role: "agent", apiKeyScope: "transcripts:read" } satisfies AuthRule };

export interface ChatCustomerRoutesDeps {
  store: Store;
  roles: AgentRoles;
}

export function chatCustomerRoutes(app: FastifyInstance, deps: ChatCustomerRoutesDeps): void {
  app.get<{ Params: Static<typeof ChatParams> }>(
    "/v1/chats/:chatId/customer",
    {
      schema: { params: ChatParams, response: { 200: ChatCustomerResponse, ...ERRORS } },
      config: READ,
    },
    async (request, reply) => {
      const claims = claimsOf(request);
      const { chatId } = request.params;
      if (request.apiKey === null && !maySupervise(await deps.roles.roleOf(claims))) {
        const chat = await deps.store.tenant(claims.tenant).getContact(chatId);
        if (chat === undefined) throw new ParleyError("CONTACT_NOT_FOUND");
        if (!chat.participants.some((p) => p.isAgent && p.userId === claims.userId)) {
          throw new ParleyError("NOT_A_PARTICIPANT", "Only the chat's agents, supervisors and admins see its customer.");
        }
      }
      const answer = await readChatCustomer(deps.store, claims.tenant, chatId);
      return reply.header("cache-control", "no-store").send(answer);
    },
  );
}
