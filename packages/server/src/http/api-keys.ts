/**
 * `GET/POST /v1/api-keys`, `DELETE /v1/api-keys/:id`: a tenant's admins list,
 * create and revoke its API keys. An admin is an agent whose role is `admin`
 * (read from the store, not the token), or an API key with `config:manage`.
 * A key's text is in the answer to its creation only.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { CreateApiKeyBody, type ApiKeyListResponse, type ApiKeySummary, type CreateApiKeyResponse } from "@parley/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ApiKeys } from "../auth/api-keys.js";
import { ParleyError } from "../errors.js";
import type { ApiKeyRecord } from "../store/api-key-queries.js";
import type { Store } from "../store/types.js";
import { claimsOf, type AuthRule } from "./authenticate.js";
import { requestTenant } from "./request-tenant.js";

export interface ApiKeyRoutesDeps {
  store: Store;
  apiKeys: ApiKeys;
}

const KeyParams = Type.Object({ id: Type.String({ pattern: "^KEY_[0-9a-f-]{36}$" }) });
const ADMIN = { auth: { role: "agent", apiKeyScope: "config:manage" } satisfies AuthRule };

/** A key as listed: everything but its hash. */
export function toSummary(record: ApiKeyRecord): ApiKeySummary {
  const { id, name, prefix, scopes, createdAt, createdBy, lastUsedAt, revokedAt } = record;
  return { id, name, prefix, scopes, createdAt, createdBy, lastUsedAt, revokedAt };
}

/**
 * Records a key's creation or revocation (`api_key.created`, `api_key.revoked`):
 * the one place where key management reports what was done, by whom, from where.
 */
function recordKeyAction(request: FastifyRequest, action: "api_key.created" | "api_key.revoked", tenant: string, key: ApiKeyRecord, by: string): void {
  request.log.info({ action, tenant, keyId: key.id, keyName: key.name, by, ip: request.ip }, action);
}

export function apiKeyRoutes(app: FastifyInstance, deps: ApiKeyRoutesDeps): void {
  /** The tenant whose keys the caller administers, and who the caller is; `FORBIDDEN` unless an admin of it. */
  const admin = async (request: FastifyRequest): Promise<{ tenant: string; by: string }> => {
    const tenant = requestTenant(request);
    if (request.apiKey !== null) return { tenant, by: request.apiKey.keyId };
    const claims = claimsOf(request);
    const agent = claims.username === undefined ? undefined : await deps.store.tenant(tenant).findAgentByUsername(claims.username);
    if (agent === undefined || agent.id !== claims.userId || agent.role !== "admin" || agent.disabledAt !== null) {
      throw new ParleyError("FORBIDDEN", "Only the tenant's admins manage its API keys.");
    }
    return { tenant, by: claims.userId };
  };

  app.get("/v1/api-keys", { config: ADMIN }, async (request, reply) => {
    const { tenant } = await admin(request);
    const body: ApiKeyListResponse = { apiKeys: (await deps.apiKeys.list(tenant)).map(toSummary) };
    return reply.header("cache-control", "no-store").send(body);
  });

  app.post<{ Body: CreateApiKeyBody }>("/v1/api-keys", { schema: { body: CreateApiKeyBody }, config: ADMIN }, async (request, reply) => {
    const { tenant, by } = await admin(request);
    const { key, record } = await deps.apiKeys.create(tenant, { name: request.body.name, scopes: request.body.scopes, createdBy: by });
    recordKeyAction(request, "api_key.created", tenant, record, by);
    const body: CreateApiKeyResponse = { key, apiKey: toSummary(record) };
    // The key is in this answer only: no cache may keep it.
    return reply.status(201).header("cache-control", "no-store").send(body);
  });

  app.delete<{ Params: Static<typeof KeyParams> }>("/v1/api-keys/:id", { schema: { params: KeyParams }, config: ADMIN }, async (request) => {
    const { tenant, by } = await admin(request);
    const revoked = await deps.apiKeys.revoke(tenant, request.params.id);
    if (revoked === undefined) throw new ParleyError("NOT_FOUND", "No API key with that id.");
    // Revoking a revoked key again changes nothing, and so records nothing.
    if (revoked.isNew) recordKeyAction(request, "api_key.revoked", tenant, revoked.record, by);
    return { apiKey: toSummary(revoked.record) };
  });
}
