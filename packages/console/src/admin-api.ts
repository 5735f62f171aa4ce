/** The REST calls of the admin page: the tenant's agents and its API keys. */
import type {
  AgentListResponse,
  AgentResponse,
  AgentSummary,
  ApiKeyListResponse,
  ApiKeySummary,
  CreateAgentBody,
  CreateApiKeyBody,
  CreateApiKeyResponse,
  PatchAgentBody,
} from "@parley/protocol";
import { bearer, call } from "./api.js";

const json = (token: string) => ({ ...bearer(token), "content-type": "application/json" });

/** The tenant's agents by username; refused (`ROLE_FORBIDDEN`) to anyone but its admins. */
export async function listAgents(token: string): Promise<AgentSummary[]> {
  return (await call<AgentListResponse>("/v1/agents", { headers: bearer(token) })).agents;
}

export async function createAgent(token: string, body: CreateAgentBody): Promise<AgentSummary> {
  return (await call<AgentResponse>("/v1/agents", { method: "POST", headers: json(token), body: JSON.stringify(body) })).agent;
}

/** Role, name, capacity or disabled; the fields left out stay. */
export async function updateAgent(token: string, agentId: string, patch: PatchAgentBody): Promise<AgentSummary> {
  return (await call<AgentResponse>(`/v1/agents/${encodeURIComponent(agentId)}`, { method: "PATCH", headers: json(token), body: JSON.stringify(patch) })).agent;
}

/** The admin sets the agent's new password; nothing secret comes back. */
export async function setAgentPassword(token: string, agentId: string, password: string): Promise<void> {
  await call<unknown>(`/v1/agents/${encodeURIComponent(agentId)}/password`, { method: "PUT", headers: json(token), body: JSON.stringify({ password }) });
}

export async function listApiKeys(token: string): Promise<ApiKeySummary[]> {
  return (await call<ApiKeyListResponse>("/v1/api-keys", { headers: bearer(token) })).apiKeys;
}

/** The answer holds the key's text: shown once, never stored by the console. */
export function createApiKey(token: string, body: CreateApiKeyBody): Promise<CreateApiKeyResponse> {
  return call<CreateApiKeyResponse>("/v1/api-keys", { method: "POST", headers: json(token), body: JSON.stringify(body) });
}

export async function revokeApiKey(token: string, keyId: string): Promise<void> {
  await call<unknown>(`/v1/api-keys/${encodeURIComponent(keyId)}`, { method: "DELETE", headers: bearer(token) });
}
