/** The REST calls of the privacy view: a customer's export and erasure, and the audit log (tenant admins). */
import { ApiError } from "./api.js";

/** Whose data: one of the three. */
export type CustomerKey = "email" | "customerId" | "chatId";

/** One recorded action (`GET /v1/audit`). */
export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: string; id: string | null; name: string | null };
  action: string;
  target: { type: string; id: string } | null;
  detail: Record<string, unknown>;
  address: string | null;
}

/** What an erasure did (`POST /v1/customers/erase`). */
export interface ErasureAnswer {
  chats: number;
  chatIds: string[];
  events: number;
  files: number;
  blobs: number;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function refusal(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  return new ApiError(body.error?.code ?? "INTERNAL_ERROR", body.error?.message ?? `The server answered ${response.status}.`, response.status);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError("CONNECTION_CLOSED", "The server cannot be reached.", 0);
  }
  if (!response.ok) throw await refusal(response);
  return response;
}

/** A page of the tenant's audit log, newest first. */
export async function listAudit(token: string, before?: string): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
  const query = new URLSearchParams({ limit: "50" });
  if (before !== undefined) query.set("before", before);
  return (await send(`/v1/audit?${query.toString()}`, { headers: bearer(token) })).json() as Promise<{ entries: AuditEntry[]; nextCursor: string | null }>;
}

/** Everything stored about the customer, as a ZIP. */
export async function exportCustomer(token: string, key: CustomerKey, value: string): Promise<Blob> {
  const query = new URLSearchParams({ [key]: value.trim() });
  return (await send(`/v1/customers/export?${query.toString()}`, { headers: bearer(token) })).blob();
}

/** Erases the customer's data. */
export async function eraseCustomer(token: string, key: CustomerKey, value: string): Promise<ErasureAnswer> {
  const response = await send("/v1/customers/erase", {
    method: "POST",
    headers: { ...bearer(token), "content-type": "application/json" },
    body: JSON.stringify({ [key]: value.trim() }),
  });
  return response.json() as Promise<ErasureAnswer>;
}
