/**
 * Which stored chat events are announced to webhooks, and as which type: the
 * one place a new event name becomes a webhook (one line in
 * {@link STORED_EVENT_WEBHOOKS}). Read inside the append transaction, so it
 * must stay pure and cheap: no I/O, no parsing unless the name needs it.
 *
 * Events that are not in a chat's log (a survey's answers, an offline
 * message) are announced by their feature with `recordWebhookEvent`
 * (store/webhook-queries.ts) inside that feature's own transaction.
 * @module
 */
import type { EventPayloads, StoredEventName, WebhookEventType } from "@parley/protocol";

/** How a stored event becomes a webhook type, or none: a fixed type, or one decided by the payload. */
type Mapping<N extends StoredEventName> = WebhookEventType | ((data: EventPayloads[N], seq: number) => WebhookEventType | undefined);

/**
 * Stored event name → webhook type. Names absent here (receipts, the
 * media-stored notice) are not announced. Other event names (queues, offers,
 * transfers) add their line here.
 */
export const STORED_EVENT_WEBHOOKS: { [N in StoredEventName]?: Mapping<N> } = {
  // The customer's join is the chat's first event; an agent's join is the chat being taken.
  userAdded: (data, seq) => (seq === 1 ? "chat.started" : isAgent(data) ? "chat.assigned" : undefined),
  userLeft: (data) => (isAgent(data) ? "agent.left" : undefined),
  message: "message.created",
  link: "message.created",
  multimediaMessage: "message.created",
  richMessage: "message.created",
  contactTransferred: "chat.transferred",
  contactEnded: "chat.ended",
};

/** Whether a join or leave is an agent's (read defensively: a payload is never trusted to be whole here). */
function isAgent(data: { user?: { isAgent?: unknown } }): boolean {
  return data.user?.isAgent === true;
}

/** The webhook type announcing a stored event, or undefined when it is not announced. */
export function webhookTypeOf(name: string, data: unknown, seq: number): WebhookEventType | undefined {
  const mapping = (STORED_EVENT_WEBHOOKS as Record<string, Mapping<StoredEventName> | undefined>)[name];
  if (mapping === undefined || typeof mapping === "string") return mapping;
  return (mapping as (data: unknown, seq: number) => WebhookEventType | undefined)(data, seq);
}
