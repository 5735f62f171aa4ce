/** The REST calls of the console: login, the chat list, transcripts and the tenants of the install. */
import type {
  ChatListResponse,
  ChatListStatus,
  CreateTenantBody,
  HistoryMessage,
  LoginResponse,
  PatchTenantBody,
  TenantInfo,
  TenantListResponse,
} from "@parley/protocol";
import { tenantOfToken } from "./tenant.js";

/** A refused REST call, with the server's stable code. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A failure in words for the agent: the server's message with its code, which the docs explain. */
export function describeFailure(failure: unknown): string {
  if (failure instanceof ApiError) return `${failure.message} (${failure.code})`;
  return failure instanceof Error ? failure.message : String(failure);
}

export async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError("CONNECTION_CLOSED", "The server cannot be reached.", 0);
  }
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } | string; code?: string };
  if (!response.ok || (body as { result?: boolean }).result === false) {
    const error = typeof body.error === "object" ? body.error : { code: body.code, message: body.error };
    throw new ApiError(error?.code ?? "INTERNAL_ERROR", error?.message ?? `The server answered ${response.status}.`, response.status);
  }
  return body as T;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** `tenant`: the company to log into; left out, the server picks it (its host mapping, else `default`). */
export function login(username: string, password: string, tenant?: string): Promise<LoginResponse> {
  return call<LoginResponse>("/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(tenant === undefined ? { username, password } : { username, password, tenant }),
  });
}

export interface ChatListParams {
  status?: ChatListStatus;
  q?: string;
  cursor?: string;
  limit?: number;
}

export function listChats(token: string, params: ChatListParams): Promise<ChatListResponse> {
  const query = new URLSearchParams();
  if (params.status !== undefined) query.set("status", params.status);
  if (params.q !== undefined && params.q.trim() !== "") query.set("q", params.q.trim());
  if (params.cursor !== undefined) query.set("cursor", params.cursor);
  if (params.limit !== undefined) query.set("limit", String(params.limit));
  return call<ChatListResponse>(`/v1/chats?${query.toString()}`, { headers: bearer(token) });
}

export interface Transcript {
  isChatActive: boolean;
  chatTranscript: HistoryMessage[];
}

/** A chat's messages, oldest first (the back-office transcript call). */
export function fetchTranscript(token: string, chatId: string): Promise<Transcript> {
  // The back-office routes name the tenant as their `:domain`; it must be the token's own.
  const domain = encodeURIComponent(tenantOfToken(token));
  return call<Transcript>(`/livechat/${domain}/getContactTranscriptByChatID/${encodeURIComponent(chatId)}`, { headers: bearer(token) });
}

/** A message's file, fetched with the agent's token (agents who were in the chat). */
export async function fetchMedia(token: string, chatId: string, messageId: string): Promise<Blob> {
  const response = await fetch(`/v1/contacts/${encodeURIComponent(chatId)}/messages/${encodeURIComponent(messageId)}/media`, { headers: bearer(token) });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(body.error?.code ?? "INTERNAL_ERROR", body.error?.message ?? "The file cannot be downloaded.", response.status);
  }
  return response.blob();
}

/** The tenants of the install (an administrator of `default` only; an admin of another tenant gets theirs). */
export async function listTenants(token: string): Promise<TenantInfo[]> {
  return (await call<TenantListResponse>("/v1/tenants", { headers: bearer(token) })).tenants;
}

/** Adds a tenant; the server refuses a taken or malformed name with its code. */
export function createTenant(token: string, tenant: CreateTenantBody): Promise<TenantInfo> {
  return call<TenantInfo>("/v1/tenants", {
    method: "POST",
    headers: { ...bearer(token), "content-type": "application/json" },
    body: JSON.stringify(tenant),
  });
}

/** Changes the fields given of a tenant: display name, status, limits (null removes one), retention. */
export function updateTenant(token: string, name: string, change: PatchTenantBody): Promise<TenantInfo> {
  return call<TenantInfo>(`/v1/tenants/${encodeURIComponent(name)}`, {
    method: "PATCH",
    headers: { ...bearer(token), "content-type": "application/json" },
    body: JSON.stringify(change),
  });
}
