/**
 * Webhooks: a tenant's admins register HTTP endpoints that Parley calls,
 * signed, when something happens in a chat (see docs/webhooks.md). These are
 * the names integrators rely on, and the REST shapes of their management.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";

/** Every webhook event type, as written in a delivery's `type`. */
export const WEBHOOK_EVENT_TYPES = [
  "chat.started",
  "chat.queued",
  "chat.offered",
  "chat.assigned",
  "chat.transferred",
  "chat.updated",
  "agent.left",
  "message.created",
  "survey.submitted",
  "offline_message.created",
  "chat.ended",
] as const;

/** One webhook event type (see {@link WEBHOOK_EVENT_TYPES}). */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Whether a string is one of the {@link WEBHOOK_EVENT_TYPES}. */
export function isWebhookEventType(value: unknown): value is WebhookEventType {
  return typeof value === "string" && (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** The most endpoints one tenant may register. */
export const MAX_WEBHOOKS_PER_TENANT = 20;
/** Shortest secret an admin may choose, in characters. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
/** Longest secret, in characters. */
export const MAX_WEBHOOK_SECRET_LENGTH = 256;
/** Largest delivery body, in bytes (a chat event is far below it: texts are limited, files travel as links). */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;
/** Longest endpoint URL, in characters. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * The body of every delivery, as JSON. `id` is the same on every attempt and
 * redelivery of one event: receivers de-duplicate on it.
 */
export interface WebhookBody<T = unknown> {
  /** The event's id (`MSG_…`, `EVT_…`, …): unique per event, repeated by retries. */
  id: string;
  type: WebhookEventType | "ping";
  /** When the event happened (ISO 8601). */
  createdAt: string;
  /** The tenant (company) the event belongs to. */
  tenant: string;
  data: T;
}

const WebhookEventTypeSchema = Type.Union(WEBHOOK_EVENT_TYPES.map((type) => Type.Literal(type)));
const EventsField = Type.Array(WebhookEventTypeSchema, { minItems: 1, maxItems: WEBHOOK_EVENT_TYPES.length, uniqueItems: true });
const UrlField = Type.String({ minLength: 1, maxLength: MAX_WEBHOOK_URL_LENGTH });
const SecretField = Type.String({ minLength: MIN_WEBHOOK_SECRET_LENGTH, maxLength: MAX_WEBHOOK_SECRET_LENGTH });

/** `POST /v1/webhooks`: register an endpoint. Without `secret` one is generated and answered once. */
export const CreateWebhookBody = Type.Object(
  {
    url: UrlField,
    secret: Type.Optional(SecretField),
    /** The types to send; all of them (also those added later) when absent. */
    events: Type.Optional(EventsField),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

/** `PATCH /v1/webhooks/:id`: change what is named; `enabled: true` re-enables a disabled endpoint. */
export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(UrlField),
    secret: Type.Optional(SecretField),
    /** `null`: every type, also those added later. */
    events: Type.Optional(Type.Union([EventsField, Type.Null()])),
    enabled: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>;

/** An endpoint as listed: never its secret. */
export const WebhookSummary = Type.Object({
  /** `WHK_<uuid>`. */
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  /** The types sent, or null for every type. */
  events: Type.Union([Type.Array(Type.String()), Type.Null()]),
  enabled: Type.Boolean(),
  /** Why it is disabled (`failing` after a day of failed deliveries, `admin`); null while enabled. */
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  /** Since when every delivery has failed (ISO 8601); null after a success. */
  failingSince: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type WebhookSummary = Static<typeof WebhookSummary>;

/** Answer to `POST /v1/webhooks` (201): the secret is in this answer only when Parley generated it. */
export const CreateWebhookResponse = Type.Object({ webhook: WebhookSummary, secret: Type.Optional(Type.String()) });
export type CreateWebhookResponse = Static<typeof CreateWebhookResponse>;

export const WebhookResponse = Type.Object({ webhook: WebhookSummary });
export type WebhookResponse = Static<typeof WebhookResponse>;

export const WebhookListResponse = Type.Object({ webhooks: Type.Array(WebhookSummary) });
export type WebhookListResponse = Static<typeof WebhookListResponse>;

/** Where a delivery is: waiting to be sent (or retried), delivered, or given up after the retry window. */
export type WebhookDeliveryStatus = "pending" | "delivered" | "failed";

/** One event's delivery to one endpoint, as the delivery log lists it. */
export const WebhookDelivery = Type.Object({
  /** `DLV_<uuid>`. */
  id: Type.String(),
  /** The event's id: the body's `id`. */
  eventId: Type.String(),
  type: Type.String(),
  chatId: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal("pending"), Type.Literal("delivered"), Type.Literal("failed")]),
  attempts: Type.Integer(),
  /** The HTTP status of the last answer; null when none came (refused, timed out) or not tried yet. */
  lastCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  lastAttemptAt: Type.Union([Type.String(), Type.Null()]),
  /** When the next attempt is due (pending only). */
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookDeliveryListResponse = Type.Object({ deliveries: Type.Array(WebhookDelivery) });
export type WebhookDeliveryListResponse = Static<typeof WebhookDeliveryListResponse>;

export const WebhookDeliveryResponse = Type.Object({ delivery: WebhookDelivery });
export type WebhookDeliveryResponse = Static<typeof WebhookDeliveryResponse>;

/** Answer to `POST /v1/webhooks/:id/ping`: what the endpoint answered to a signed `ping`. */
export const WebhookPingResponse = Type.Object({
  ok: Type.Boolean(),
  code: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type WebhookPingResponse = Static<typeof WebhookPingResponse>;
