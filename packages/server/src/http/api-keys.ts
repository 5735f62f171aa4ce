/**
 * `GET/POST /v1/api-keys`, `DELETE /v1/api-keys/:id`: a tenant's admins list,
 * create and revoke its API keys (see tenant-admin.ts for who is an admin).
 * A key's text is in the answer to its creation only; each creation and
 * revocation is recorded once in the tenant's audit log.
 * @module
 */
import type { CreateApiKeyBody, ApiKeyListResponse, ApiKeySummary, CreateApiKeyResponse } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import type { ApiKeys } from "../auth/api-keys.js";
import { ParleyError } from "../errors.js";
import type { ApiKeyRecord } from "../store/api-key-queries.js";
import type { AuthRule } from "./authenticate.js";
import type { AdminResolver } from "./tenant-admin.js";
import { CREATE_API_KEY_SCHEMA, LIST_API_KEYS_SCHEMA, REVOKE_API_KEY_SCHEMA } from "./schemas/api-keys.js";

export interface ApiKeyRoutesDeps {
  apiKeys: ApiKeys;
  /** Who administers the request's tenant (an admin agent, or a key with `config:manage`). */
  admin: AdminResolver;
}

const ADMIN = { auth: { role: "agent", apiKeyScope: "config:manage" } satisfies AuthRule };

/** A key as listed: everything but its hash. */
export function toSummary(record: ApiKeyRecord): ApiKeySummary {
  const { id, name, prefix, scopes, createdAt, createdBy, lastUsedAt, revokedAt } = record;
  return { id, name, prefix, scopes, createdAt, createdBy, lastUsedAt, revokedAt };
}

export function apiKeyRoutes(app: FastifyInstance, deps: ApiKeyRoutesDeps): void {
  app.get("/v1/api-keys", { schema: LIST_API_KEYS_SCHEMA, config: ADMIN }, async (request, reply) => {
    const { tenant } = await deps.admin(request);
    const body: ApiKeyListResponse = { apiKeys: (await deps.apiKeys.list(tenant)).map(toSummary) };
    return reply.header("cache-control", "no-store").send(body);
  });

  app.post<{ Body: CreateApiKeyBody }>("/v1/api-keys", { schema: CREATE_API_KEY_SCHEMA, config: ADMIN }, async (request, reply) => {
    const caller = await deps.admin(request);
    const { key, record } = await deps.apiKeys.create(caller.tenant, { name: request.body.name, scopes: request.body.scopes }, caller);
    const body: CreateApiKeyResponse = { key, apiKey: toSummary(record) };
    // The key is in this answer only: no cache may keep it.
    return reply.status(201).header("cache-control", "no-store").send(body);
  });

  app.delete<{ Params: { id: string } }>("/v1/api-keys/:id", { schema: REVOKE_API_KEY_SCHEMA, config: ADMIN }, async (request) => {
    const caller = await deps.admin(request);
    // Revoking a revoked key again changes nothing, and so records nothing.
    const revoked = await deps.apiKeys.revoke(caller.tenant, request.params.id, caller);
    if (revoked === undefined) throw new ParleyError("NOT_FOUND", "No API key with that id.");
    return { apiKey: toSummary(revoked.record) };
  });
}
