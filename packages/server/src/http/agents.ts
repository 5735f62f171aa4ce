/**
 * `/v1/agents`: a tenant's admins list, add and change its agents (role,
 * name, capacity, disabled) and set a new password (see auth/agent-admin.ts
 * for the rules, tenant-admin.ts for who is an admin). An admin of `default`
 * — the install's super-admin, as in tenants.ts — may name another tenant
 * with `?tenant=`. No answer holds a password or its hash.
 * @module
 */
import type { AgentListResponse, AgentParams, AgentPasswordBody, AgentResponse, AgentTenantQuery, CreateAgentBody, PatchAgentBody } from "@parley/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AgentAdmin } from "../auth/agent-admin.js";
import type { TenantGate } from "../auth/tenant-gate.js";
import { ParleyError } from "../errors.js";
import { DEFAULT_TENANT } from "../store/tenant-db.js";
import type { AuthRule } from "./authenticate.js";
import type { AdminCaller, AdminResolver } from "./tenant-admin.js";
import { AGENT_PASSWORD_SCHEMA, CREATE_AGENT_SCHEMA, LIST_AGENTS_SCHEMA, PATCH_AGENT_SCHEMA } from "./schemas/agents.js";

export interface AgentRoutesDeps {
  agentAdmin: AgentAdmin;
  admin: AdminResolver;
  tenants: TenantGate;
}

const ADMIN = { auth: { role: "agent", apiKeyScope: "config:manage" } satisfies AuthRule };

/** The caller, and the tenant whose agents they manage: their own, or (super-admin) the one named. */
async function scopeOf(deps: AgentRoutesDeps, request: FastifyRequest<{ Querystring: AgentTenantQuery }>): Promise<{ caller: AdminCaller; tenant: string }> {
  const caller = await deps.admin(request);
  const named = request.query.tenant;
  if (named === undefined || named === caller.tenant) return { caller, tenant: caller.tenant };
  // Only an admin agent of `default` reaches another tenant; a key is its own tenant's.
  if (caller.tenant !== DEFAULT_TENANT || caller.actor.type !== "agent") throw new ParleyError("ROLE_FORBIDDEN", "An admin administers their own tenant's agents only.");
  if ((await deps.tenants.find(named)) === undefined) throw new ParleyError("TENANT_NOT_FOUND", undefined, { tenant: named });
  return { caller, tenant: named };
}

export function agentRoutes(app: FastifyInstance, deps: AgentRoutesDeps): void {
  app.get<{ Querystring: AgentTenantQuery }>(
    "/v1/agents",
    { schema: LIST_AGENTS_SCHEMA, config: ADMIN },
    async (request, reply) => {
      const { tenant } = await scopeOf(deps, request);
      const body: AgentListResponse = { agents: await deps.agentAdmin.list(tenant) };
      return reply.header("cache-control", "no-store").send(body);
    },
  );

  app.post<{ Querystring: AgentTenantQuery; Body: CreateAgentBody }>(
    "/v1/agents",
    { schema: CREATE_AGENT_SCHEMA, config: ADMIN },
    async (request, reply) => {
      const { caller, tenant } = await scopeOf(deps, request);
      const agent = await deps.agentAdmin.create(tenant, request.body, caller);
      const body: AgentResponse = { agent };
      return reply.status(201).send(body);
    },
  );

  app.patch<{ Querystring: AgentTenantQuery; Params: AgentParams; Body: PatchAgentBody }>(
    "/v1/agents/:id",
    { schema: PATCH_AGENT_SCHEMA, config: ADMIN },
    async (request) => {
      const { caller, tenant } = await scopeOf(deps, request);
      const body: AgentResponse = { agent: await deps.agentAdmin.change(tenant, request.params.id, request.body, caller) };
      return body;
    },
  );

  app.put<{ Querystring: AgentTenantQuery; Params: AgentParams; Body: AgentPasswordBody }>(
    "/v1/agents/:id/password",
    { schema: AGENT_PASSWORD_SCHEMA, config: ADMIN },
    async (request, reply) => {
      const { caller, tenant } = await scopeOf(deps, request);
      await deps.agentAdmin.setPassword(tenant, request.params.id, request.body.password, caller);
      return reply.status(204).send();
    },
  );
}
