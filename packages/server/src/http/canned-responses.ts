/**
 * `/v1/canned-responses`: the texts agents insert with `/shortcut` in the
 * console. Every agent lists the tenant's shared ones and their own personal
 * ones, and manages their own; shared ones are created, changed and removed
 * by supervisors and admins only (`ROLE_FORBIDDEN`), each change recorded in
 * the tenant's audit log. Another agent's personal response is
 * `CANNED_RESPONSE_NOT_FOUND`, as if it did not exist. Roles are read from the
 * store (auth/agent-roles.ts), never from the token.
 * @module
 */
import { Type } from "@sinclair/typebox";
import {
  CannedParams,
  CannedResponseSchema,
  CreateCannedBody,
  MAX_PERSONAL_CANNED_RESPONSES,
  MAX_SHARED_CANNED_RESPONSES,
  UpdateCannedBody,
  type CannedListResponse,
  type CannedResponse,
} from "@parley/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { recordAudit, type AuditContext } from "../audit/record.js";
import type { AgentRoles } from "../auth/agent-roles.js";
import type { TokenClaims } from "../auth/tokens.js";
import { maySupervise } from "../desk/supervision.js";
import { ParleyError } from "../errors.js";
import { newCannedId } from "../ids.js";
import type { CannedOwner, CannedWrite } from "../store/canned-queries.js";
import type { Store } from "../store/types.js";
import { claimsOf } from "./authenticate.js";
import { ERRORS } from "./schemas/common.js";

export interface CannedRoutesDeps {
  store: Store;
  roles: AgentRoles;
}

/** Agents only; API keys are refused (`API_KEY_SCOPE`): a response is an agent's or their tenant's. */
const AGENTS = { auth: { role: "agent" } as const };
const OneAnswer = Type.Object({ cannedResponse: CannedResponseSchema });
const ListAnswer = Type.Object({ cannedResponses: Type.Array(CannedResponseSchema) });

/** Who manages shared responses; anyone else is refused before anything changes. */
async function requireSupervisor(roles: AgentRoles, claims: TokenClaims): Promise<void> {
  if (!maySupervise(await roles.roleOf(claims))) throw new ParleyError("ROLE_FORBIDDEN", "Only supervisors and admins manage shared canned responses.");
}

function auditContext(request: FastifyRequest, claims: TokenClaims): AuditContext {
  return { actor: { type: "agent", id: claims.userId, name: claims.username ?? claims.nickname }, address: request.ip };
}

/** The stored result, or the coded refusal. */
function settled(result: CannedWrite, shortcut: string | undefined, scope: string): CannedResponse {
  switch (result.status) {
    case "done":
      return result.response;
    case "taken":
      throw new ParleyError("CANNED_SHORTCUT_TAKEN", undefined, { shortcut });
    case "limit":
      throw new ParleyError("CANNED_RESPONSE_LIMIT", undefined, { limit: result.limit, scope });
    case "missing":
      throw new ParleyError("CANNED_RESPONSE_NOT_FOUND");
  }
}

export function cannedRoutes(app: FastifyInstance, deps: CannedRoutesDeps): void {
  /** The response of that id the caller may change: their own, or (supervisors and admins) a shared one. */
  async function changeable(request: FastifyRequest<{ Params: CannedParams }>, claims: TokenClaims): Promise<CannedResponse> {
    const found = await deps.store.tenant(claims.tenant).getCanned(request.params.id);
    if (found === undefined || (found.scope === "personal" && found.ownerId !== claims.userId)) throw new ParleyError("CANNED_RESPONSE_NOT_FOUND");
    if (found.scope === "shared") await requireSupervisor(deps.roles, claims);
    return found;
  }

  async function audited(request: FastifyRequest, claims: TokenClaims, response: CannedResponse, action: string, detail?: Record<string, unknown>): Promise<void> {
    // Personal responses are the agent's own business; the tenant's shared ones are audited.
    if (response.scope !== "shared") return;
    await recordAudit(deps.store.tenant(claims.tenant), auditContext(request, claims), action, { type: "canned_response", id: response.id }, detail);
  }

  app.get("/v1/canned-responses", { schema: { response: { 200: ListAnswer, ...ERRORS } }, config: AGENTS }, async (request, reply) => {
    const claims = claimsOf(request);
    const body: CannedListResponse = { cannedResponses: await deps.store.tenant(claims.tenant).listCanned(claims.userId) };
    return reply.header("cache-control", "no-store").send(body);
  });

  app.post<{ Body: CreateCannedBody }>(
    "/v1/canned-responses",
    { schema: { body: CreateCannedBody, response: { 201: OneAnswer, ...ERRORS } }, config: AGENTS },
    async (request, reply) => {
      const claims = claimsOf(request);
      const { scope, title, shortcut, text } = request.body;
      if (scope === "shared") await requireSupervisor(deps.roles, claims);
      const owner: CannedOwner = scope === "shared" ? { scope } : { scope, agentId: claims.userId };
      const max = scope === "shared" ? MAX_SHARED_CANNED_RESPONSES : MAX_PERSONAL_CANNED_RESPONSES;
      const at = new Date().toISOString();
      const result = await deps.store.tenant(claims.tenant).createCanned({ id: newCannedId(), owner, title, shortcut, text, at }, max);
      const created = settled(result, shortcut, scope);
      await audited(request, claims, created, "canned_response.created", { shortcut });
      return reply.status(201).send({ cannedResponse: created });
    },
  );

  app.patch<{ Params: CannedParams; Body: UpdateCannedBody }>(
    "/v1/canned-responses/:id",
    { schema: { params: CannedParams, body: UpdateCannedBody, response: { 200: OneAnswer, ...ERRORS } }, config: AGENTS },
    async (request) => {
      const claims = claimsOf(request);
      const found = await changeable(request, claims);
      const result = await deps.store.tenant(claims.tenant).updateCanned(found.id, request.body, new Date().toISOString());
      const changed = settled(result, request.body.shortcut, found.scope);
      await audited(request, claims, changed, "canned_response.updated", { fields: Object.keys(request.body) });
      return { cannedResponse: changed };
    },
  );

  app.delete<{ Params: CannedParams }>(
    "/v1/canned-responses/:id",
    { schema: { params: CannedParams, response: { 200: OneAnswer, ...ERRORS } }, config: AGENTS },
    async (request) => {
      const claims = claimsOf(request);
      const found = await changeable(request, claims);
      if (!(await deps.store.tenant(claims.tenant).deleteCanned(found.id))) throw new ParleyError("CANNED_RESPONSE_NOT_FOUND");
      await audited(request, claims, found, "canned_response.deleted", { shortcut: found.shortcut });
      return { cannedResponse: found };
    },
  );
}
