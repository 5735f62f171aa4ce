/**
 * Webhooks in the store: a tenant's endpoints, and the outbox of their
 * deliveries. A delivery row is written in the same transaction as the event
 * it announces (the appends call {@link outboxRows}; features whose events
 * are not in a chat's log call {@link recordWebhookEvent} inside their own
 * transaction), so a committed event always has its deliveries, and an event
 * rolled back has none. Every query goes through the tenant's
 * {@link TenantDb}; the workers' claim across tenants is in install-queries.ts.
 * @module
 */
import { randomUUID } from "node:crypto";
import { isWebhookEventType, MAX_WEBHOOK_BODY_BYTES, type CallData, type WebhookDelivery, type WebhookEventType } from "@parley/protocol";
import { chatEventBody, webhookBodyText } from "../webhooks/body.js";
import { announcementsOf, webhookTypesOf, type ChatFacts } from "../webhooks/event-types.js";
import { selectCallData } from "./call-data-queries.js";
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from "./schema.js";
import type { TenantDb, TenantRow } from "./tenant-db.js";

/** An endpoint as stored, secret included (only the worker and the store read it). */
export interface WebhookEndpointRecord {
  /** `WHK_<uuid>`. */
  id: string;
  url: string;
  secret: string;
  description: string;
  /** The types sent; null for every type. */
  events: WebhookEventType[] | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the append path needs of an enabled endpoint: which types it takes. */
export interface WebhookSubscriber {
  id: string;
  /** null: every type. */
  events: ReadonlySet<WebhookEventType> | null;
}

/** What an endpoint update may change. */
export interface WebhookEndpointPatch {
  url?: string;
  secret?: string;
  events?: WebhookEventType[] | null;
  enabled?: boolean;
  description?: string;
}

/** An event to announce that is not in a chat's log (a survey's answers, an offline message). */
export interface WebhookEventInput {
  /** Unique per event: receivers de-duplicate on it. */
  id: string;
  type: WebhookEventType;
  /** The chat it belongs to, if any: then it reaches each endpoint after the chat's earlier events. */
  chatId: string | null;
  /** ISO 8601. */
  createdAt: string;
  /** The event's data, or a function that builds it: called only when some endpoint takes the type. */
  data: unknown;
}

/** A row to insert into the outbox. */
export type OutboxRow = TenantRow<"webhook_deliveries">;

/** What became of a request to create an endpoint. */
export type CreateWebhookResult = { status: "created" } | { status: "limit"; limit: number };

/** Log events sort at even positions, events announced by features just after the chat event they follow. */
function positionOf(rank: number): string {
  return String(rank).padStart(14, "0");
}

/** Whether an endpoint takes a type. */
export function subscribes(subscriber: WebhookSubscriber, type: WebhookEventType): boolean {
  return subscriber.events === null || subscriber.events.has(type);
}

/** The chat event an append announces. */
export interface AnnouncedEvent {
  chatId: string;
  id: string;
  name: string;
  data: unknown;
  seq: number;
  ts: string;
}

/**
 * The outbox rows of one appended chat event, or none: none when the event
 * is not announced or no endpoint takes its types. Each body is serialised
 * here once per announcement, only when some endpoint takes it; `facts` are
 * asked only then (see {@link announcementsOf}).
 *
 * An event may make several webhooks (a start is `chat.started` then
 * `chat.queued`): the first type listed for it keeps the event's id, the
 * others are `<event id>:<type>`, and they sort after it in the chat's order.
 */
export function outboxRows(tenant: string, subscribers: readonly WebhookSubscriber[], event: AnnouncedEvent, facts: ChatFacts): OutboxRow[] {
  if (subscribers.length === 0) return [];
  const types = webhookTypesOf(event.name, event.data, event.seq);
  if (types.length === 0) return [];
  const wanted = (type: WebhookEventType) => subscribers.some((s) => subscribes(s, type));
  const rows: OutboxRow[] = [];
  for (const { type, extra } of announcementsOf(event, wanted, facts)) {
    const order = types.indexOf(type);
    const id = order === 0 ? event.id : `${event.id}:${type}`;
    const body = chatEventBody(tenant, type, id, event, extra);
    for (const s of subscribers) {
      if (subscribes(s, type)) rows.push(newRow(s.id, id, type, event.chatId, event.chatId, positionOf(event.seq * 2), body, event.ts, order));
    }
  }
  return rows;
}

/** Facts that ask nothing of the store, for finding out which ones an event needs (an agent is never present: that asks the most). */
function probe(asked: Set<keyof ChatFacts>): ChatFacts {
  return {
    callData: () => (asked.add("callData"), {}),
    agentPresent: () => (asked.add("agentPresent"), false),
    queue: () => (asked.add("queue"), ""),
  };
}

/**
 * {@link outboxRows} for a transaction read through Kysely (PostgreSQL
 * appends, a new chat): the facts the event needs are read first, then the
 * rows built from them.
 */
export async function chatOutboxRows(trx: TenantDb, subscribers: readonly WebhookSubscriber[], event: AnnouncedEvent): Promise<OutboxRow[]> {
  if (subscribers.length === 0) return [];
  const asked = new Set<keyof ChatFacts>();
  if (outboxRows(trx.tenant, subscribers, event, probe(asked)).length === 0) return [];
  const callData: CallData = asked.has("callData") ? await selectCallData(trx, event.chatId) : {};
  const present = asked.has("agentPresent")
    ? (await trx
        .selectFrom("participants")
        .select("user_id")
        .where("chat_id", "=", event.chatId)
        .where("is_agent", "=", 1)
        .where("left_at", "is", null)
        .limit(1)
        .executeTakeFirst()) !== undefined
    : false;
  const queue = asked.has("queue") ? ((await trx.selectFrom("contacts").select("queue").where("id", "=", event.chatId).executeTakeFirst())?.queue ?? "default") : "default";
  return outboxRows(trx.tenant, subscribers, event, { callData: () => callData, agentPresent: () => present, queue: () => queue });
}

function newRow(endpointId: string, eventId: string, type: string, chatId: string | null, orderKey: string, position: string, body: string, at: string, order = 0): OutboxRow {
  return {
    id: `DLV_${randomUUID()}`,
    endpoint_id: endpointId,
    event_id: eventId,
    type,
    chat_id: chatId,
    order_key: orderKey,
    // A second webhook of the same event sorts right after the first (a longer text with the same start sorts after it).
    position: order === 0 ? `${position}|${at}` : `${position}|${at}|${order}`,
    body,
    status: "pending",
    attempts: 0,
    next_at: at,
    claimed_until: null,
    claimed_by: null,
    last_code: null,
    last_error: null,
    last_attempt_at: null,
    delivered_at: null,
    created_at: at,
  };
}

/** Writes outbox rows in the caller's transaction. */
export async function insertOutboxRows(trx: TenantDb, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto("webhook_deliveries", rows).execute();
}

/**
 * Announces an event that is not in a chat's log, inside the caller's
 * transaction (`trx`: the feature's own). The endpoints are read in that
 * transaction, not from a cache: such events are rare. An event of a chat
 * reaches each endpoint after the chat's events committed before it.
 * @returns how many deliveries were recorded
 */
export async function recordWebhookEvent(trx: TenantDb, event: WebhookEventInput): Promise<number> {
  const takers = (await selectSubscribers(trx)).filter((s) => subscribes(s, event.type));
  if (takers.length === 0) return 0;
  let rank = 0;
  if (event.chatId !== null) {
    const head = await trx.selectFrom("contacts").select(["last_seq"]).where("id", "=", event.chatId).executeTakeFirst();
    rank = (head?.last_seq ?? 0) * 2 + 1;
  }
  const data: unknown = typeof event.data === "function" ? await (event.data as () => Promise<unknown>)() : event.data;
  const body = webhookBodyText({ id: event.id, type: event.type, createdAt: event.createdAt, tenant: trx.tenant, data });
  // A feature's event is bounded like a chat's: a receiver is never sent more than this.
  if (Buffer.byteLength(body, "utf8") > MAX_WEBHOOK_BODY_BYTES) throw new RangeError(`a ${event.type} webhook body exceeds ${MAX_WEBHOOK_BODY_BYTES} bytes`);
  const orderKey = event.chatId ?? event.id;
  await insertOutboxRows(
    trx,
    takers.map((s) => newRow(s.id, event.id, event.type, event.chatId, orderKey, positionOf(rank), body, event.createdAt)),
  );
  return takers.length;
}

/** Whether an enabled endpoint of the tenant takes a type (read afresh: for events rarer than messages). */
export async function webhookTakes(db: TenantDb, type: WebhookEventType): Promise<boolean> {
  return (await selectSubscribers(db)).some((s) => subscribes(s, type));
}

/** An offer the router made, as `chat.offered` announces it. */
export interface OfferAnnounced {
  chatId: string;
  queue: string;
  agentId: string;
  /** When the offer was made (ISO 8601). */
  at: string;
  expiresAt: string;
}

/**
 * Announces an offer (`chat.offered`) in the offer's own transaction:
 * `{ chatId, queue, agent: { id, nickname }, expiresAt, callData }`, after
 * the chat's events committed before it (its `chat.queued` among them).
 */
export async function recordOfferWebhook(trx: TenantDb, offer: OfferAnnounced): Promise<number> {
  return recordWebhookEvent(trx, {
    id: `EVT_${randomUUID()}`,
    type: "chat.offered",
    chatId: offer.chatId,
    createdAt: offer.at,
    data: async () => {
      const agent = await trx.selectFrom("agents").select(["id", "nickname"]).where("id", "=", offer.agentId).executeTakeFirst();
      return {
        chatId: offer.chatId,
        queue: offer.queue,
        agent: { id: offer.agentId, nickname: agent?.nickname ?? "" },
        expiresAt: offer.expiresAt,
        callData: await selectCallData(trx, offer.chatId),
        ts: offer.at,
      };
    },
  });
}

function parseEvents(text: string | null): WebhookEventType[] | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    // A type this build does not know is dropped: an endpoint never receives what it did not ask for.
    return Array.isArray(value) ? value.filter(isWebhookEventType) : [];
  } catch {
    return [];
  }
}

function toEndpoint(row: Omit<WebhookEndpointsTable, "tenant">): WebhookEndpointRecord {
  return {
    id: row.id,
    url: row.url,
    secret: row.secret,
    description: row.description,
    events: parseEvents(row.events),
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const ENDPOINT_COLUMNS = ["id", "url", "secret", "description", "events", "enabled", "disabled_reason", "failing_since", "created_at", "updated_at"] as const;

/** The tenant's enabled endpoints, as the append path needs them. */
export async function selectSubscribers(db: TenantDb): Promise<WebhookSubscriber[]> {
  const rows = await db.selectFrom("webhook_endpoints").select(["id", "events"]).where("enabled", "=", 1).orderBy("id").execute();
  return rows.map(toSubscriber);
}

/** An endpoint row as the append path needs it. */
export function toSubscriber(row: { id: string; events: string | null }): WebhookSubscriber {
  const events = parseEvents(row.events);
  return { id: row.id, events: events === null ? null : new Set(events) };
}

export async function createWebhookEndpoint(db: TenantDb, record: WebhookEndpointRecord, max: number): Promise<CreateWebhookResult> {
  return db.transaction(async (trx) => {
    const { count } = await trx
      .selectFrom("webhook_endpoints")
      .select((eb) => eb.fn.countAll<number | string>().as("count"))
      .executeTakeFirstOrThrow();
    if (Number(count) >= max) return { status: "limit", limit: max } as const;
    await trx
      .insertInto("webhook_endpoints", {
        id: record.id,
        url: record.url,
        secret: record.secret,
        description: record.description,
        events: record.events === null ? null : JSON.stringify(record.events),
        enabled: record.enabled ? 1 : 0,
        disabled_reason: record.disabledReason,
        failing_since: record.failingSince,
        created_at: record.createdAt,
        updated_at: record.updatedAt,
      })
      .execute();
    return { status: "created" } as const;
  });
}

export async function listWebhookEndpoints(db: TenantDb): Promise<WebhookEndpointRecord[]> {
  const rows = await db.selectFrom("webhook_endpoints").select(ENDPOINT_COLUMNS).orderBy("created_at").orderBy("id").execute();
  return rows.map(toEndpoint);
}

export async function selectWebhookEndpoint(db: TenantDb, id: string): Promise<WebhookEndpointRecord | undefined> {
  const row = await db.selectFrom("webhook_endpoints").select(ENDPOINT_COLUMNS).where("id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : toEndpoint(row);
}

/** Changes what the patch names; enabling clears the reason and the failing streak. */
export async function updateWebhookEndpoint(db: TenantDb, id: string, patch: WebhookEndpointPatch, at: string): Promise<WebhookEndpointRecord | undefined> {
  const set: Partial<Omit<WebhookEndpointsTable, "tenant">> = { updated_at: at };
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.secret !== undefined) set.secret = patch.secret;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.events !== undefined) set.events = patch.events === null ? null : JSON.stringify(patch.events);
  if (patch.enabled === true) Object.assign(set, { enabled: 1, disabled_reason: null, failing_since: null });
  if (patch.enabled === false) Object.assign(set, { enabled: 0, disabled_reason: "admin" });
  return db.transaction(async (trx) => {
    await trx.updateTable("webhook_endpoints").set(set).where("id", "=", id).execute();
    return selectWebhookEndpoint(trx, id);
  });
}

/** Removes an endpoint with its delivery log (pending deliveries are never sent). */
export async function deleteWebhookEndpoint(db: TenantDb, id: string): Promise<WebhookEndpointRecord | undefined> {
  return db.transaction(async (trx) => {
    const endpoint = await selectWebhookEndpoint(trx, id);
    if (endpoint === undefined) return undefined;
    await trx.deleteFrom("webhook_deliveries").where("endpoint_id", "=", id).execute();
    await trx.deleteFrom("webhook_endpoints").where("id", "=", id).execute();
    return endpoint;
  });
}

function toDelivery(row: Omit<WebhookDeliveriesTable, "tenant" | "body" | "order_key" | "position" | "claimed_by" | "endpoint_id">): WebhookDelivery {
  const status = row.status === "delivered" || row.status === "failed" ? row.status : "pending";
  return {
    id: row.id,
    eventId: row.event_id,
    type: row.type,
    chatId: row.chat_id,
    status,
    attempts: row.attempts,
    lastCode: row.last_code,
    lastError: row.last_error,
    lastAttemptAt: row.last_attempt_at,
    nextAttemptAt: status === "pending" ? row.next_at : null,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
  };
}

const DELIVERY_COLUMNS = [
  "id",
  "event_id",
  "type",
  "chat_id",
  "status",
  "attempts",
  "next_at",
  "claimed_until",
  "last_code",
  "last_error",
  "last_attempt_at",
  "delivered_at",
  "created_at",
] as const;

/** Which deliveries of an endpoint to list, newest first. */
export interface DeliveryQuery {
  status?: WebhookDelivery["status"];
  /** Only deliveries created before this one (keyset paging by `createdAt`, then id). */
  before?: { createdAt: string; id: string };
  limit: number;
}

export async function listWebhookDeliveries(db: TenantDb, endpointId: string, query: DeliveryQuery): Promise<WebhookDelivery[]> {
  let select = db.selectFrom("webhook_deliveries").select(DELIVERY_COLUMNS).where("endpoint_id", "=", endpointId);
  if (query.status !== undefined) select = select.where("status", "=", query.status);
  const before = query.before;
  if (before !== undefined) {
    select = select.where((eb) =>
      eb.or([eb("created_at", "<", before.createdAt), eb.and([eb("created_at", "=", before.createdAt), eb("id", "<", before.id)])]),
    );
  }
  const rows = await select.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
  return rows.map(toDelivery);
}

export async function selectWebhookDelivery(db: TenantDb, endpointId: string, id: string): Promise<WebhookDelivery | undefined> {
  const row = await db.selectFrom("webhook_deliveries").select(DELIVERY_COLUMNS).where("endpoint_id", "=", endpointId).where("id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : toDelivery(row);
}

/**
 * Sends a delivery again, due at once: a delivered or given-up one becomes
 * pending again with its attempts counted afresh; a pending one is due now.
 * Its body (and event id) stay the same, so a receiver that already has it
 * can tell.
 */
export async function redeliverWebhook(db: TenantDb, endpointId: string, id: string, now: string): Promise<WebhookDelivery | undefined> {
  return db.transaction(async (trx) => {
    await trx
      .updateTable("webhook_deliveries")
      .set({ status: "pending", attempts: 0, next_at: now, delivered_at: null })
      .where("endpoint_id", "=", endpointId)
      .where("id", "=", id)
      .execute();
    return selectWebhookDelivery(trx, endpointId, id);
  });
}

/** The result of one attempt, recorded by the worker that holds the delivery's claim. */
export type AttemptOutcome =
  | { kind: "delivered"; code: number; at: string }
  /** `nextAt` null: the retry window is over and the delivery is given up (`failed`). */
  | { kind: "failed"; code: number | null; error: string; at: string; nextAt: string | null };

/**
 * Records an attempt, if `holder` still holds the claim (a claim that
 * expired and was taken by another node is that node's to record), and
 * updates the endpoint's failing streak.
 * @returns the endpoint's failing streak start after this attempt, or undefined when the claim was lost
 */
export async function recordWebhookAttempt(
  db: TenantDb,
  delivery: { id: string; endpointId: string },
  holder: string,
  outcome: AttemptOutcome,
): Promise<{ failingSince: string | null } | undefined> {
  return db.transaction(async (trx) => {
    const base = { attempts: 0, last_attempt_at: outcome.at, claimed_until: null, claimed_by: null, last_code: outcome.code };
    const set =
      outcome.kind === "delivered"
        ? { ...base, status: "delivered", delivered_at: outcome.at, last_error: null }
        : { ...base, status: outcome.nextAt === null ? "failed" : "pending", next_at: outcome.nextAt ?? outcome.at, last_error: outcome.error };
    const { attempts: _ignored, ...columns } = set;
    const updated = await trx
      .updateTable("webhook_deliveries")
      .set((eb) => ({ ...columns, attempts: eb("attempts", "+", 1) }))
      .where("id", "=", delivery.id)
      .where("claimed_by", "=", holder)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return undefined;
    if (outcome.kind === "delivered") {
      await trx.updateTable("webhook_endpoints").set({ failing_since: null }).where("id", "=", delivery.endpointId).where("failing_since", "is not", null).execute();
      return { failingSince: null };
    }
    await trx.updateTable("webhook_endpoints").set({ failing_since: outcome.at }).where("id", "=", delivery.endpointId).where("failing_since", "is", null).execute();
    const endpoint = await trx.selectFrom("webhook_endpoints").select(["failing_since"]).where("id", "=", delivery.endpointId).executeTakeFirst();
    return { failingSince: endpoint?.failing_since ?? null };
  });
}

/**
 * Disables an endpoint whose every delivery has failed since before `cutoff`.
 * @returns whether this call disabled it
 */
export async function disableFailingWebhook(db: TenantDb, endpointId: string, cutoff: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("webhook_endpoints")
    .set({ enabled: 0, disabled_reason: "failing", updated_at: at })
    .where("id", "=", endpointId)
    .where("enabled", "=", 1)
    .where("failing_since", "<=", cutoff)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The webhook methods of a tenant's store. */
export interface WebhookStore {
  /** Records an endpoint unless the tenant has `max` already. */
  createWebhookEndpoint(record: WebhookEndpointRecord, max: number): Promise<CreateWebhookResult>;
  /** The tenant's endpoints, oldest first, secrets included. */
  listWebhookEndpoints(): Promise<WebhookEndpointRecord[]>;
  getWebhookEndpoint(id: string): Promise<WebhookEndpointRecord | undefined>;
  updateWebhookEndpoint(id: string, patch: WebhookEndpointPatch, at: string): Promise<WebhookEndpointRecord | undefined>;
  deleteWebhookEndpoint(id: string): Promise<WebhookEndpointRecord | undefined>;
  /** A page of an endpoint's deliveries, newest first. */
  listWebhookDeliveries(endpointId: string, query: DeliveryQuery): Promise<WebhookDelivery[]>;
  redeliverWebhook(endpointId: string, id: string, now: string): Promise<WebhookDelivery | undefined>;
  recordWebhookAttempt(delivery: { id: string; endpointId: string }, holder: string, outcome: AttemptOutcome): Promise<{ failingSince: string | null } | undefined>;
  disableFailingWebhook(endpointId: string, cutoff: string, at: string): Promise<boolean>;
  /** Announces an event that is not in a chat's log, in its own transaction (see {@link recordWebhookEvent}). */
  recordWebhookEvent(event: WebhookEventInput): Promise<number>;
  /** The tenant's enabled endpoints (uncached). */
  webhookSubscribers(): Promise<WebhookSubscriber[]>;
}

/** The {@link WebhookStore} of one tenant, over its scoped queries. */
export function webhookStore(db: TenantDb): WebhookStore {
  return {
    createWebhookEndpoint: (record, max) => createWebhookEndpoint(db, record, max),
    listWebhookEndpoints: () => listWebhookEndpoints(db),
    getWebhookEndpoint: (id) => selectWebhookEndpoint(db, id),
    updateWebhookEndpoint: (id, patch, at) => updateWebhookEndpoint(db, id, patch, at),
    deleteWebhookEndpoint: (id) => deleteWebhookEndpoint(db, id),
    listWebhookDeliveries: (endpointId, query) => listWebhookDeliveries(db, endpointId, query),
    redeliverWebhook: (endpointId, id, now) => redeliverWebhook(db, endpointId, id, now),
    recordWebhookAttempt: (delivery, holder, outcome) => recordWebhookAttempt(db, delivery, holder, outcome),
    disableFailingWebhook: (endpointId, cutoff, at) => disableFailingWebhook(db, endpointId, cutoff, at),
    recordWebhookEvent: (event) => db.transaction((trx) => recordWebhookEvent(trx, event)),
    webhookSubscribers: () => selectSubscribers(db),
  };
}
