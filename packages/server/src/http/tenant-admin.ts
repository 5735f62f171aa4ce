/**
 * Who may administer a tenant's data over REST: an agent whose role, read
 * from the store (auth/agent-roles.ts, kept a few seconds), is `admin` in the
 * request's tenant (the role in a token is never trusted), or an API key of
 * the tenant with `config:manage`. The caller comes back with what the audit
 * log records of them.
 * @module
 */
import type { FastifyRequest } from "fastify";
import type { AuditContext } from "../audit/record.js";
import type { AgentRoles } from "../auth/agent-roles.js";
import { ParleyError } from "../errors.js";
import { claimsOf } from "./authenticate.js";

/** An admin of `tenant`, as the audit log records them. */
export interface AdminCaller extends AuditContext {
  tenant: string;
}

/** The request's admin, or a coded refusal (`ROLE_FORBIDDEN` for anyone else). */
export type AdminResolver = (request: FastifyRequest) => Promise<AdminCaller>;

/** Admits the admins of the request's tenant, and its API keys with `config:manage`. */
export function tenantAdmins(roles: AgentRoles): AdminResolver {
  return async (request) => {
    // The authentication hook admitted the key only where the route asks for config:manage, which it holds.
    const key = request.apiKey;
    if (key !== null) return { tenant: key.tenant, actor: { type: "api_key", id: key.keyId, name: key.name }, address: request.ip };
    const claims = claimsOf(request);
    if ((await roles.roleOf(claims)) !== "admin" || claims.username === undefined) {
      throw new ParleyError("ROLE_FORBIDDEN", "Only the tenant's admins may do this.");
    }
    return { tenant: request.auth.tenant, actor: { type: "agent", id: claims.userId, name: claims.username }, address: request.ip };
  };
}
