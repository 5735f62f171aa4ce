/**
 * `parley webhook add | list | remove`: a tenant's webhook endpoints, straight
 * in the store (as `key add` is). A change is announced over Redis when the
 * install has one; without it, running nodes see it within 10 seconds.
 * @module
 */
import { isWebhookEventType, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@parley/protocol";
import { CLI_ACTOR } from "./audit/record.js";
import { RedisBus } from "./bus/redis.js";
import type { ParleyConfig } from "./config.js";
import { ParleyError } from "./errors.js";
import { WebhookAdmin } from "./integrations/webhook-admin.js";
import { WEBHOOKS_CHANNEL } from "./integrations/webhook-worker.js";
import type { WebhookEndpointRecord } from "./store/webhook-queries.js";
import { DEFAULT_TENANT, TENANT_NAME } from "./store/tenant-db.js";
import type { Store } from "./store/types.js";

/** A failure the CLI reports as one line. */
export class WebhookCommandError extends Error {}

export interface WebhookCommandInput {
  /** `add`, `list` or `remove`. */
  sub: string | undefined;
  positionals: string[];
  tenant: string | undefined;
  secret: string | undefined;
  events: string | undefined;
}

/** The usage lines of the webhook commands, for the CLI's help. */
export const WEBHOOK_COMMANDS_USAGE = [
  "parley webhook add <url> [--secret S] [--events chat.started,message.created,…] [--tenant T] [--data-dir D] [--database-url U]",
  "parley webhook list [--tenant T] [--data-dir D] [--database-url U]",
  "parley webhook remove <WHK_id> [--tenant T] [--data-dir D] [--database-url U]",
].join("\n  ");

function describe(endpoint: WebhookEndpointRecord): string {
  const state = endpoint.enabled ? "enabled" : `disabled (${endpoint.disabledReason ?? "admin"})`;
  return [endpoint.id, endpoint.url, endpoint.events === null ? "all events" : endpoint.events.join(","), state, `created ${endpoint.createdAt}`].join("  ");
}

async function announce(config: ParleyConfig, tenant: string): Promise<void> {
  if (config.redisUrl === null) return;
  const bus = new RedisBus({ url: config.redisUrl, prefix: config.redisPrefix });
  try {
    await bus.start();
    await bus.publish(WEBHOOKS_CHANNEL, { tenant });
  } catch {
    // The nodes read the endpoints again within 10 seconds anyway.
  } finally {
    await bus.close().catch(() => undefined);
  }
}

function parseEvents(text: string | undefined): WebhookEventType[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(",").map((name) => name.trim()).filter((name) => name !== "");
  const unknown = names.filter((name) => !isWebhookEventType(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new WebhookCommandError(`unknown event type ${JSON.stringify(unknown[0] ?? "")}; the types are ${WEBHOOK_EVENT_TYPES.join(", ")}`);
  }
  return names as WebhookEventType[];
}

/** Runs one webhook command against an open, migrated store; what it prints goes to `print`. */
export async function runWebhookCommand(store: Store, config: ParleyConfig, input: WebhookCommandInput, print: (line: string) => void): Promise<void> {
  const tenant = input.tenant ?? DEFAULT_TENANT;
  if (!TENANT_NAME.test(tenant)) throw new WebhookCommandError(`"${tenant}" is not a tenant name`);
  if ((await store.getTenant(tenant)) === undefined) throw new WebhookCommandError(`no tenant named "${tenant}"`);
  const pending: Promise<void>[] = [];
  const admin = new WebhookAdmin({ store, announce: (name) => pending.push(announce(config, name)), privateAddresses: config.webhookPrivate });
  try {
    if (input.sub === "add") {
      const url = input.positionals[0];
      if (url === undefined) throw new WebhookCommandError(`usage: ${WEBHOOK_COMMANDS_USAGE}`);
      const events = parseEvents(input.events);
      const { record, generatedSecret } = await admin.create(
        tenant,
        { url, ...(input.secret === undefined ? {} : { secret: input.secret }), ...(events === undefined ? {} : { events }) },
        CLI_ACTOR,
      );
      print(`Webhook ${record.id} added for tenant ${tenant}: ${record.url} (${record.events === null ? "all events" : record.events.join(",")}).`);
      if (generatedSecret !== undefined) {
        print("Its signing secret is shown only this once:");
        // Alone on the last line, so that scripts can take it with `tail -n 1`.
        print(generatedSecret);
      }
      return;
    }
    if (input.sub === "list") {
      const list = await admin.list(tenant);
      if (list.length === 0) print(`No webhooks in tenant ${tenant}.`);
      for (const endpoint of list) print(describe(endpoint));
      return;
    }
    if (input.sub === "remove") {
      const id = input.positionals[0];
      if (id === undefined) throw new WebhookCommandError(`usage: ${WEBHOOK_COMMANDS_USAGE}`);
      await admin.remove(tenant, id, CLI_ACTOR);
      print(`Webhook ${id} removed.`);
      return;
    }
    throw new WebhookCommandError(`usage: ${WEBHOOK_COMMANDS_USAGE}`);
  } catch (error) {
    if (error instanceof ParleyError) throw new WebhookCommandError(error.message);
    throw error;
  } finally {
    await Promise.all(pending);
  }
}
