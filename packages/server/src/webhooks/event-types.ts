/**
 * Which stored chat events are announced to webhooks, and as which types: the
 * one place a new event name becomes a webhook (one line in
 * {@link STORED_EVENT_WEBHOOKS}). Read inside the append transaction, so it
 * must stay pure and cheap: no I/O, no parsing unless the name needs it.
 * What an announcement needs of the chat beyond the event (its call data,
 * whether an agent is still in it) it asks of {@link ChatFacts}, which the
 * store answers in the same transaction, and only when asked.
 *
 * Events that are not in a chat's log (a survey's answers, an offline
 * message, an offer) are announced by their feature with `recordWebhookEvent`
 * (store/webhook-queries.ts) inside that feature's own transaction.
 * @module
 */
import type { CallData, EventPayloads, StoredEventName, WebhookEventType } from "@parley/protocol";

/** How a stored event becomes webhook types, in order: a fixed type, or types decided by the payload. */
type Mapping<N extends StoredEventName> = WebhookEventType | ((data: EventPayloads[N], seq: number) => readonly WebhookEventType[]);

/**
 * Stored event name → webhook types. Names absent here (receipts, the
 * media-stored notice, a queue notice) are not announced. A `chat.queued`
 * listed here is sent only when the event leaves the chat without an agent
 * (see {@link announcementsOf}).
 */
export const STORED_EVENT_WEBHOOKS: { [N in StoredEventName]?: Mapping<N> } = {
  // The customer's join is the chat's first event: it starts, and waits in its queue. An agent's join is the chat being taken.
  userAdded: (data, seq) => (seq === 1 ? ["chat.started", "chat.queued"] : isAgent(data) ? ["chat.assigned"] : []),
  // The last agent leaving (a transfer to a queue, a tab closed for good) puts the chat back in its queue.
  userLeft: (data) => (isAgent(data) ? ["agent.left", "chat.queued"] : []),
  message: "message.created",
  link: "message.created",
  multimediaMessage: "message.created",
  richMessage: "message.created",
  // A waiting chat a supervisor sends to another queue waits there at once (with agents in it, at their leave).
  contactTransferred: (data) => (data.to === "queue" ? ["chat.transferred", "chat.queued"] : ["chat.transferred"]),
  callDataChanged: "chat.updated",
  contactEnded: "chat.ended",
};

/** The types whose `data` carries the chat's call data as the event leaves it. */
export const CALL_DATA_TYPES: ReadonlySet<WebhookEventType> = new Set([
  "chat.started",
  "chat.queued",
  "chat.offered",
  "chat.assigned",
  "chat.transferred",
  "chat.updated",
  "chat.ended",
]);

/** What an announcement may need to know of its chat, read in the event's transaction when asked. */
export interface ChatFacts {
  /** The chat's call data with the event's change applied. */
  callData(): CallData;
  /** Whether an agent is in the chat now (after the event). */
  agentPresent(): boolean;
  /** The queue the chat is in now. */
  queue(): string;
}

/** One webhook a stored event makes: its type, and what its `data` adds to the event's payload. */
export interface Announcement {
  type: WebhookEventType;
  /** Added to the `data` (call data, the queue of a `chat.queued`). */
  extra: Record<string, unknown>;
}

/** Whether a join or leave is an agent's (read defensively: a payload is never trusted to be whole here). */
function isAgent(data: { user?: { isAgent?: unknown } }): boolean {
  return data.user?.isAgent === true;
}

/** The webhook types a stored event may make, in order (before the facts are asked). */
export function webhookTypesOf(name: string, data: unknown, seq: number): readonly WebhookEventType[] {
  const mapping = (STORED_EVENT_WEBHOOKS as Record<string, Mapping<StoredEventName> | undefined>)[name];
  if (mapping === undefined) return [];
  if (typeof mapping === "string") return [mapping];
  return (mapping as (data: unknown, seq: number) => readonly WebhookEventType[])(data, seq);
}

/**
 * The webhooks a stored event makes for endpoints that take `wanted`, with
 * what their `data` adds. Facts are asked only for the types some endpoint
 * takes: a message costs no query.
 */
export function announcementsOf(
  event: { name: string; data: unknown; seq: number },
  wanted: (type: WebhookEventType) => boolean,
  facts: ChatFacts,
): Announcement[] {
  const announcements: Announcement[] = [];
  for (const type of webhookTypesOf(event.name, event.data, event.seq)) {
    if (!wanted(type)) continue;
    const extra: Record<string, unknown> = {};
    if (type === "chat.queued") {
      if (facts.agentPresent()) continue;
      const target = event.name === "contactTransferred" ? (event.data as { queue?: unknown }).queue : undefined;
      extra.queue = typeof target === "string" ? target : facts.queue();
    }
    if (CALL_DATA_TYPES.has(type)) extra.callData = facts.callData();
    announcements.push({ type, extra });
  }
  return announcements;
}
