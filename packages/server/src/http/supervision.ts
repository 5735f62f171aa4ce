/**
 * `GET /v1/supervision/chats`: every waiting and active chat of the caller's
 * company with its wait and handle times, for supervisors and admins (an
 * agent's role is read from the store; `agent` → `ROLE_FORBIDDEN`).
 * @module
 */
import { SupervisionChatsQuery, SupervisionChatsResponse } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import type { AgentRoles } from "../auth/agent-roles.js";
import { maySupervise } from "../desk/supervision.js";
import { supervisedChats } from "../desk/supervision-view.js";
import { ParleyError } from "../errors.js";
import type { Store } from "../store/types.js";
import { claimsOf } from "./authenticate.js";
import { ERRORS } from "./schemas/common.js";

export interface SupervisionRoutesDeps {
  store: Store;
  roles: AgentRoles;
}

export function supervisionRoutes(app: FastifyInstance, deps: SupervisionRoutesDeps): void {
  const options = {
    schema: { querystring: SupervisionChatsQuery, response: { 200: SupervisionChatsResponse, ...ERRORS } },
    config: { auth: { role: "agent" } as const },
  };
  app.get<{ Querystring: SupervisionChatsQuery }>("/v1/supervision/chats", options, async (request, reply) => {
    const claims = claimsOf(request);
    if (!maySupervise(await deps.roles.roleOf(claims))) throw new ParleyError("ROLE_FORBIDDEN", "Only supervisors and admins see every chat's times.");
    const chats = await supervisedChats(deps.store, claims.tenant, request.query);
    return reply.header("cache-control", "no-store").send({ chats });
  });
}
