/**
 * Who may administer a tenant over REST: an agent whose role, read from the
 * store at each call, is `admin` in the request's tenant (the role in a token
 * is never trusted: a demoted or disabled admin loses the power at once), or
 * an API key of the tenant with `config:manage`. The caller comes back with
 * what the audit log records of them.
 * @module
 */
import type { FastifyRequest } from "fastify";
import type { AuditContext } from "../audit/record.js";
import { ParleyError } from "../errors.js";
import { DEFAULT_TENANT } from "../store/tenant-db.js";
import type { Store } from "../store/types.js";
import { claimsOf } from "./authenticate.js";

/** An admin of `tenant`, as the audit log records them. */
export interface AdminCaller extends AuditContext {
  tenant: string;
}

/** The request's admin, or a coded refusal (`FORBIDDEN` for anyone else). */
export type AdminResolver = (request: FastifyRequest) => Promise<AdminCaller>;

/** The tenant a request acts in: its token's (a token without one belongs to `default`). */
function tenantOf(request: FastifyRequest): string {
  const claims = claimsOf(request) as { tenant?: unknown };
  return typeof claims.tenant === "string" ? claims.tenant : DEFAULT_TENANT;
}

/** Admits the tenant's admins, as the store knows them now, and API keys with `config:manage` (of their own tenant). */
export function storeAdmins(store: Store): AdminResolver {
  return async (request) => {
    // The authentication hook admitted the key only where the route asks for config:manage, which it holds.
    const key = request.apiKey;
    if (key !== null) return { tenant: key.tenant, actor: { type: "api_key", id: key.keyId, name: key.name }, address: request.ip };
    const claims = claimsOf(request);
    const tenant = tenantOf(request);
    const refused = new ParleyError("FORBIDDEN", "Only the tenant's admins may do this.");
    if (claims.role !== "agent" || claims.username === undefined) throw refused;
    const agent = await store.tenant(tenant).findAgentByUsername(claims.username);
    if (agent === undefined || agent.id !== claims.userId || agent.disabledAt !== null || agent.role !== "admin") throw refused;
    return { tenant, actor: { type: "agent", id: agent.id, name: agent.username }, address: request.ip };
  };
}
