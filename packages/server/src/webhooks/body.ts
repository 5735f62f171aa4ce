/**
 * The JSON body of a delivery: `{ "id", "type", "createdAt", "tenant", "data" }`,
 * serialised once when the event is recorded and sent byte for byte (a media
 * message's download link is added when it is sent, see
 * {@link withDownloadLink}).
 * @module
 */
import type { WebhookBody, WebhookEventType } from "@parley/protocol";

/** The body text of one event. */
export function webhookBodyText(body: WebhookBody): string {
  return JSON.stringify({ id: body.id, type: body.type, createdAt: body.createdAt, tenant: body.tenant, data: body.data });
}

/**
 * The `data` of a chat event: its payload as the SDK hands it to listeners,
 * with the event's place in the chat's log (`seq`) and stored name (`event`).
 * A file's bytes never travel in a webhook: a multimedia message's inline
 * Base64 is left out (the sender gets a download link instead).
 */
export function chatEventData(name: string, data: unknown, seq: number): Record<string, unknown> {
  const payload = { ...(data as Record<string, unknown>) };
  const content = payload.content;
  if (name === "multimediaMessage" && typeof content === "object" && content !== null) {
    const { img: _img, document: _document, ...rest } = content as Record<string, unknown>;
    payload.content = { ...rest, inline: false };
  }
  return { ...payload, event: name, seq };
}

/** The body of a chat event. */
export function chatEventBody(tenant: string, type: WebhookEventType, event: { id: string; name: string; data: unknown; seq: number; ts: string }): string {
  return webhookBodyText({ id: event.id, type, createdAt: event.ts, tenant, data: chatEventData(event.name, event.data, event.seq) });
}

/** Whether a body is a multimedia message's, whose download link is signed when it is sent. */
export function mediaMessageOf(body: string): { chatId: string; messageId: string } | undefined {
  // Cheap test before parsing: most bodies are text messages and joins.
  if (!body.includes('"event":"multimediaMessage"')) return undefined;
  const parsed = JSON.parse(body) as WebhookBody<{ chatId?: unknown; id?: unknown; event?: unknown }>;
  const { chatId, id, event } = parsed.data;
  return event === "multimediaMessage" && typeof chatId === "string" && typeof id === "string" ? { chatId, messageId: id } : undefined;
}

/** The body with `data.content.download = { url, expiresAt }` added. */
export function withDownloadLink(body: string, download: { url: string; expiresAt: string }): string {
  const parsed = JSON.parse(body) as WebhookBody<{ content?: Record<string, unknown> }>;
  parsed.data.content = { ...(parsed.data.content ?? {}), download };
  return webhookBodyText(parsed);
}
