/** The REST calls of the webhooks admin: endpoints, their delivery logs, redelivery and ping (tenant admins). */
import type { WebhookDelivery, WebhookEventType, WebhookPingResponse, WebhookSummary } from "@parley/protocol";
import { ApiError } from "./api.js";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function send<T>(token: string, path: string, method = "GET", body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { ...bearer(token), ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError("CONNECTION_CLOSED", "The server cannot be reached.", 0);
  }
  if (!response.ok) {
    const refusal = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(refusal.error?.code ?? "INTERNAL_ERROR", refusal.error?.message ?? `The server answered ${response.status}.`, response.status);
  }
  return response.json() as Promise<T>;
}

export const listWebhooks = (token: string) => send<{ webhooks: WebhookSummary[] }>(token, "/v1/webhooks").then((r) => r.webhooks);

/** Registers an endpoint; `secret` in the answer only when the server generated it. */
export const createWebhook = (token: string, input: { url: string; secret?: string; events?: WebhookEventType[] }) =>
  send<{ webhook: WebhookSummary; secret?: string }>(token, "/v1/webhooks", "POST", input);

export const updateWebhook = (token: string, id: string, patch: { enabled?: boolean; events?: WebhookEventType[] | null }) =>
  send<{ webhook: WebhookSummary }>(token, `/v1/webhooks/${encodeURIComponent(id)}`, "PATCH", patch).then((r) => r.webhook);

export const deleteWebhook = (token: string, id: string) => send<{ webhook: WebhookSummary }>(token, `/v1/webhooks/${encodeURIComponent(id)}`, "DELETE");

export const listDeliveries = (token: string, id: string) =>
  send<{ deliveries: WebhookDelivery[] }>(token, `/v1/webhooks/${encodeURIComponent(id)}/deliveries?limit=50`).then((r) => r.deliveries);

export const redeliver = (token: string, id: string, deliveryId: string) =>
  send<{ delivery: WebhookDelivery }>(token, `/v1/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`, "POST").then((r) => r.delivery);

export const pingWebhook = (token: string, id: string) => send<WebhookPingResponse>(token, `/v1/webhooks/${encodeURIComponent(id)}/ping`, "POST");
