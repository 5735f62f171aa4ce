/**
 * Managing a tenant's webhook endpoints, for the REST routes and the command
 * line alike: URL and secret checked, the tenant's cap kept, every change
 * recorded once in the audit log (never the secret) and announced to every
 * node, whose appends then read the tenant's endpoints again.
 * @module
 */
import { randomUUID } from "node:crypto";
import {
  MAX_WEBHOOKS_PER_TENANT,
  MIN_WEBHOOK_SECRET_LENGTH,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookPingResponse,
  type WebhookSummary,
} from "@parley/protocol";
import { recordAudit, type AuditContext } from "../audit/record.js";
import { ParleyError } from "../errors.js";
import type { Store } from "../store/types.js";
import type { DeliveryQuery, WebhookEndpointPatch, WebhookEndpointRecord } from "../store/webhook-queries.js";
import { webhookBodyText } from "../webhooks/body.js";
import { normaliseWebhookUrl } from "../webhooks/endpoint-url.js";
import { generateWebhookSecret } from "../webhooks/signature.js";
import { hostOf, privateAddressOf, sendWebhook, type PrivateAddresses } from "./webhook-send.js";

/** An endpoint as listed: everything but its secret. */
export function toWebhookSummary(record: WebhookEndpointRecord): WebhookSummary {
  const { id, url, description, events, enabled, disabledReason, failingSince, createdAt, updatedAt } = record;
  return { id, url, description, events, enabled, disabledReason, failingSince, createdAt, updatedAt };
}

export interface NewWebhook {
  url: string;
  /** Generated when absent (and then answered once). */
  secret?: string;
  /** Every type when absent. */
  events?: WebhookEventType[];
  description?: string;
}

export interface WebhookAdminOptions {
  store: Store;
  /** Tells every other node the tenant's endpoints changed. */
  announce: (tenant: string) => void;
  maxPerTenant?: number;
  /** `deny`: an endpoint whose host is or resolves to a private address is refused (`PARLEY_WEBHOOK_PRIVATE`). Default `allow`. */
  privateAddresses?: PrivateAddresses;
}

function checkedUrl(url: string): string {
  const normalised = normaliseWebhookUrl(url);
  if (normalised === undefined) throw new ParleyError("WEBHOOK_URL_INVALID");
  return normalised;
}

/**
 * Refuses a URL whose host is or resolves to an address that is not public,
 * when such addresses are denied. A host that does not resolve now is taken:
 * every delivery resolves and checks it again anyway.
 */
async function checkedAddress(url: string, privateAddresses: PrivateAddresses | undefined): Promise<void> {
  if (privateAddresses !== "deny") return;
  const host = hostOf(new URL(url));
  const address = await privateAddressOf(host).catch(() => undefined);
  if (address !== undefined) throw new ParleyError("WEBHOOK_URL_PRIVATE", undefined, { host, address });
}

function checkedSecret(secret: string): string {
  if (secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
    throw new ParleyError("VALIDATION_FAILED", `A webhook secret has at least ${MIN_WEBHOOK_SECRET_LENGTH} characters.`);
  }
  return secret;
}

export class WebhookAdmin {
  constructor(private readonly options: WebhookAdminOptions) {}

  list(tenant: string): Promise<WebhookEndpointRecord[]> {
    return this.options.store.tenant(tenant).listWebhookEndpoints();
  }

  /** Registers an endpoint. @returns it, and its secret when Parley generated it */
  async create(tenant: string, input: NewWebhook, by: AuditContext): Promise<{ record: WebhookEndpointRecord; generatedSecret: string | undefined }> {
    const url = checkedUrl(input.url);
    await checkedAddress(url, this.options.privateAddresses);
    const generatedSecret = input.secret === undefined ? generateWebhookSecret() : undefined;
    const secret = checkedSecret(input.secret ?? generatedSecret!);
    const at = new Date().toISOString();
    const record: WebhookEndpointRecord = {
      id: `WHK_${randomUUID()}`,
      url,
      secret,
      description: input.description ?? "",
      events: input.events === undefined ? null : [...new Set(input.events)],
      enabled: true,
      disabledReason: null,
      failingSince: null,
      createdAt: at,
      updatedAt: at,
    };
    const store = this.options.store.tenant(tenant);
    const max = this.options.maxPerTenant ?? MAX_WEBHOOKS_PER_TENANT;
    const result = await store.createWebhookEndpoint(record, max);
    if (result.status === "limit") throw new ParleyError("WEBHOOK_LIMIT", undefined, { limit: result.limit });
    this.changed(tenant);
    await recordAudit(store, by, "webhook.created", { type: "webhook", id: record.id }, { url: record.url, events: record.events });
    return { record, generatedSecret };
  }

  async update(tenant: string, id: string, patch: WebhookEndpointPatch, by: AuditContext): Promise<WebhookEndpointRecord> {
    const checked: WebhookEndpointPatch = { ...patch };
    if (patch.url !== undefined) {
      checked.url = checkedUrl(patch.url);
      await checkedAddress(checked.url, this.options.privateAddresses);
    }
    if (patch.secret !== undefined) checked.secret = checkedSecret(patch.secret);
    if (patch.events != null) checked.events = [...new Set(patch.events)];
    const store = this.options.store.tenant(tenant);
    const record = await store.updateWebhookEndpoint(id, checked, new Date().toISOString());
    if (record === undefined) throw new ParleyError("NOT_FOUND", "No webhook endpoint with that id.");
    this.changed(tenant);
    // The names of the fields changed, never the secret's value.
    await recordAudit(store, by, "webhook.updated", { type: "webhook", id }, { fields: Object.keys(patch).sort(), url: record.url, enabled: record.enabled });
    return record;
  }

  async remove(tenant: string, id: string, by: AuditContext): Promise<WebhookEndpointRecord> {
    const store = this.options.store.tenant(tenant);
    const record = await store.deleteWebhookEndpoint(id);
    if (record === undefined) throw new ParleyError("NOT_FOUND", "No webhook endpoint with that id.");
    this.changed(tenant);
    await recordAudit(store, by, "webhook.deleted", { type: "webhook", id }, { url: record.url });
    return record;
  }

  async deliveries(tenant: string, id: string, query: DeliveryQuery): Promise<WebhookDelivery[]> {
    const store = this.options.store.tenant(tenant);
    if ((await store.getWebhookEndpoint(id)) === undefined) throw new ParleyError("NOT_FOUND", "No webhook endpoint with that id.");
    return store.listWebhookDeliveries(id, query);
  }

  async redeliver(tenant: string, id: string, deliveryId: string, by: AuditContext): Promise<WebhookDelivery> {
    const store = this.options.store.tenant(tenant);
    const delivery = await store.redeliverWebhook(id, deliveryId, new Date().toISOString());
    if (delivery === undefined) throw new ParleyError("NOT_FOUND", "No delivery with that id for this webhook endpoint.");
    await recordAudit(store, by, "webhook.redelivered", { type: "webhook", id }, { delivery: deliveryId, event: delivery.eventId });
    return delivery;
  }

  /** Sends a signed `ping` now and answers what the endpoint said; nothing is recorded in the outbox. */
  async ping(tenant: string, id: string): Promise<WebhookPingResponse> {
    const endpoint = await this.options.store.tenant(tenant).getWebhookEndpoint(id);
    if (endpoint === undefined) throw new ParleyError("NOT_FOUND", "No webhook endpoint with that id.");
    const eventId = `EVT_${randomUUID()}`;
    const body = webhookBodyText({ id: eventId, type: "ping", createdAt: new Date().toISOString(), tenant, data: { webhookId: id } });
    const result = await sendWebhook(endpoint.url, endpoint.secret, eventId, body, { privateAddresses: this.options.privateAddresses ?? "allow" });
    return result.ok ? { ok: true, code: result.code, error: null } : { ok: false, code: result.code, error: result.error };
  }

  private changed(tenant: string): void {
    this.options.store.webhooksChanged(tenant);
    this.options.announce(tenant);
  }
}
