/** The tenant's queues over REST (`/v1/queues`): agents list them, admins change them. */
import type { CreateQueueBody, QueueInfo, QueueListResponse, UpdateQueueBody } from "@parley/protocol";
import { ApiError } from "./api.js";

async function call<T>(token: string, path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) } });
  } catch {
    throw new ApiError("CONNECTION_CLOSED", "The server cannot be reached.", 0);
  }
  const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  if (!response.ok) throw new ApiError(body.error?.code ?? "INTERNAL_ERROR", body.error?.message ?? `The server answered ${response.status}.`, response.status);
  return body as T;
}

export async function listQueues(token: string): Promise<QueueInfo[]> {
  return (await call<QueueListResponse>(token, "/v1/queues")).queues;
}

export async function createQueue(token: string, queue: CreateQueueBody): Promise<QueueInfo> {
  return (await call<{ queue: QueueInfo }>(token, "/v1/queues", { method: "POST", body: JSON.stringify(queue) })).queue;
}

export async function updateQueue(token: string, name: string, change: UpdateQueueBody): Promise<QueueInfo> {
  return (await call<{ queue: QueueInfo }>(token, `/v1/queues/${encodeURIComponent(name)}`, { method: "PATCH", body: JSON.stringify(change) })).queue;
}

export async function deleteQueue(token: string, name: string): Promise<void> {
  await call<unknown>(token, `/v1/queues/${encodeURIComponent(name)}`, { method: "DELETE" });
}
