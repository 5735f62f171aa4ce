/**
 * `/v1/tenants`: tenants administered over REST. An admin of `default` is
 * the install's super-admin: they list, create and change every tenant. An
 * admin of another tenant reads their own tenant and may rename it or change
 * its retention; its status and limits are the super-admin's. Roles are read
 * from the store (auth/agent-roles.ts), never from the token.
 * @module
 */
import type { CreateTenantBody, PatchTenantBody, TenantInfo, TenantListResponse } from "@parley/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { recordAudit, type AuditContext } from "../audit/record.js";
import type { AgentRoles } from "../auth/agent-roles.js";
import type { TokenClaims } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import type { TenantStatusWatch } from "../realtime/tenant-status.js";
import { DEFAULT_TENANT } from "../store/tenant-db.js";
import { DuplicateTenantError, type Store, type TenantPatch, type TenantRecord } from "../store/types.js";
import { claimsOf } from "./authenticate.js";
import { CREATE_TENANT_SCHEMA, GET_TENANT_SCHEMA, LIST_TENANTS_SCHEMA, PATCH_TENANT_SCHEMA } from "./schemas/tenants.js";

export interface TenantRoutesDeps {
  store: Store;
  roles: AgentRoles;
  /** Tells every node a tenant changed (a disabled tenant's sockets close). */
  tenantStatus: TenantStatusWatch;
}

/** What the caller may do with tenants: everything (super-admin), their own tenant, or nothing. */
async function powerOf(roles: AgentRoles, who: TokenClaims): Promise<"super" | "own"> {
  const role = await roles.roleOf(who);
  if (role !== "admin") throw new ParleyError("ROLE_FORBIDDEN", "Tenants are administered by admins.");
  return who.tenant === DEFAULT_TENANT ? "super" : "own";
}

/** The admin who acted, for the audit log. */
function actorOf(request: FastifyRequest, who: TokenClaims): AuditContext {
  return { actor: { type: "agent", id: who.userId, name: who.username ?? who.nickname }, address: request.ip };
}

/**
 * Records a change to a tenant in the acting admin's log and, when a
 * super-admin changed another tenant, in that tenant's log too, so its own
 * admins see who changed it.
 */
async function auditTenant(store: Store, request: FastifyRequest, action: string, name: string, detail: Record<string, unknown>): Promise<void> {
  const who = claimsOf(request);
  const context = actorOf(request, who);
  const target = { type: "tenant", id: name };
  await recordAudit(store.tenant(who.tenant), context, action, target, detail);
  if (name !== who.tenant) await recordAudit(store.tenant(name), context, action, target, detail);
}

function toInfo(record: TenantRecord): TenantInfo {
  return { ...record, limits: { ...record.limits } };
}

export function tenantRoutes(app: FastifyInstance, deps: TenantRoutesDeps): void {
  const agentOnly = { config: { auth: { role: "agent" } as const } };
  /** The tenant named in the path, if the caller may see it. */
  const visible = async (request: FastifyRequest, name: string): Promise<{ power: "super" | "own"; record: TenantRecord }> => {
    const who = claimsOf(request);
    const power = await powerOf(deps.roles, who);
    if (power === "own" && name !== who.tenant) throw new ParleyError("ROLE_FORBIDDEN", "An admin administers their own tenant only.");
    const record = await deps.store.getTenant(name);
    if (record === undefined) throw new ParleyError("TENANT_NOT_FOUND", undefined, { tenant: name });
    return { power, record };
  };

  app.get("/v1/tenants", { ...agentOnly, schema: LIST_TENANTS_SCHEMA }, async (request, reply) => {
    const who = claimsOf(request);
    const power = await powerOf(deps.roles, who);
    const tenants = power === "super" ? await deps.store.listTenants() : [await deps.store.getTenant(who.tenant)].filter((t) => t !== undefined);
    const body: TenantListResponse = { tenants: tenants.map(toInfo) };
    return reply.header("cache-control", "no-store").send(body);
  });

  app.get<{ Params: { name: string } }>("/v1/tenants/:name", { ...agentOnly, schema: GET_TENANT_SCHEMA }, async (request, reply) => {
    const { record } = await visible(request, request.params.name);
    return reply.header("cache-control", "no-store").send(toInfo(record));
  });

  app.post<{ Body: CreateTenantBody }>("/v1/tenants", { ...agentOnly, schema: CREATE_TENANT_SCHEMA }, async (request, reply) => {
    if ((await powerOf(deps.roles, claimsOf(request))) !== "super") throw new ParleyError("ROLE_FORBIDDEN", "Only an admin of default creates tenants.");
    const { name, displayName, limits, retentionDays } = request.body;
    const record: TenantRecord = {
      name,
      displayName: displayName ?? name,
      status: "active",
      limits: { maxAgents: limits?.maxAgents ?? null, maxActiveChats: limits?.maxActiveChats ?? null, maxStorageBytes: limits?.maxStorageBytes ?? null },
      retentionDays: retentionDays ?? null,
      createdAt: new Date().toISOString(),
    };
    try {
      await deps.store.createTenant(record);
    } catch (error) {
      if (error instanceof DuplicateTenantError) throw new ParleyError("VALIDATION_FAILED", error.message, { path: "/name", problem: "taken" });
      throw error;
    }
    await auditTenant(deps.store, request, "tenant.created", name, { limits: record.limits, retentionDays: record.retentionDays });
    return reply.status(201).send(toInfo(record));
  });

  app.patch<{ Params: { name: string }; Body: PatchTenantBody }>(
    "/v1/tenants/:name",
    { ...agentOnly, schema: PATCH_TENANT_SCHEMA },
    async (request, reply) => {
      const { name } = request.params;
      const { power } = await visible(request, name);
      const patch: TenantPatch = { ...request.body };
      if (power !== "super" && (patch.status !== undefined || patch.limits !== undefined)) {
        throw new ParleyError("ROLE_FORBIDDEN", "A tenant's status and limits are changed by an admin of default.");
      }
      // The super-admins live in `default`: disabling it would lock every one of them out.
      if (name === DEFAULT_TENANT && patch.status === "disabled") {
        throw new ParleyError("VALIDATION_FAILED", "The default tenant cannot be disabled.", { path: "/status", problem: "default" });
      }
      const changed = await deps.store.updateTenant(name, patch);
      if (changed === undefined) throw new ParleyError("TENANT_NOT_FOUND", undefined, { tenant: name });
      await deps.tenantStatus.announce(name);
      await auditTenant(deps.store, request, "tenant.updated", name, { fields: Object.keys(patch).sort() });
      return reply.send(toInfo(changed));
    },
  );
}
