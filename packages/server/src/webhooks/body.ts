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

/**
 * The `data` of one announcement of a chat event: the event's data with what
 * the announcement adds (call data). A `chat.queued` has its own shape, since
 * the event that made it (a join, a leave, a transfer) is announced on its
 * own: `{ chatId, queue, ts, callData, event, seq }`.
 */
export function announcementData(type: WebhookEventType, name: string, data: unknown, seq: number, extra: Record<string, unknown>): Record<string, unknown> {
  if (type === "chat.queued") {
    const { chatId, ts } = data as { chatId?: unknown; ts?: unknown };
    return { chatId, ...extra, ts, event: name, seq };
  }
  return { ...chatEventData(name, data, seq), ...extra };
}

/** The body of one announcement of a chat event (`id`: the announcement's, see webhook-queries.ts). */
export function chatEventBody(
  tenant: string,
  type: WebhookEventType,
  id: string,
  event: { name: string; data: unknown; seq: number; ts: string },
  extra: Record<string, unknown> = {},
): string {
  return webhookBodyText({ id, type, createdAt: event.ts, tenant, data: announcementData(type, event.name, event.data, event.seq, extra) });
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
