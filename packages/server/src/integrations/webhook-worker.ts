/**
 * The webhook delivery worker, run on every node. It claims due deliveries
 * from the outbox (store.claimWebhookDeliveries: a lease, so each is sent by
 * one node at a time, and a chat's deliveries to one endpoint one after the
 * other), sends them with bounded concurrency, and records each attempt:
 * 2xx is delivered; anything else is retried with exponential backoff and
 * jitter for at least a day, then given up. An endpoint whose every delivery
 * has failed for a day is disabled and its admins see it in the console.
 *
 * At-least-once: a node that dies after a receiver answered 2xx but before
 * recording it leaves the claim to expire, and another attempt follows with
 * the same event id (receivers de-duplicate on it, see docs/webhooks.md).
 * @module
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { systemActor, recordAudit } from "../audit/record.js";
import type { Logger } from "../logger.js";
import { signMediaLink } from "../media/signed-link.js";
import type { ClaimedDelivery } from "../store/install-queries.js";
import type { Store } from "../store/types.js";
import { mediaMessageOf, withDownloadLink } from "../webhooks/body.js";
import { sendWebhook, WEBHOOK_TIMEOUT_MS, type AttemptResult, type PrivateAddresses } from "./webhook-send.js";

/** When and how much the worker does. */
export interface WebhookTiming {
  /** Between two looks for due deliveries. */
  pollMs: number;
  /** A claim lasts this long: longer than an attempt, so a claim only expires when its node died. */
  leaseMs: number;
  timeoutMs: number;
  /** First retry after about this long; doubled each time up to {@link WebhookTiming.retryMaxMs}. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A delivery still failing this long after it was recorded is given up. */
  giveUpAfterMs: number;
  /** An endpoint whose deliveries all failed for this long is disabled. */
  disableAfterMs: number;
  /** Attempts in flight at once on this node. */
  concurrency: number;
  /** How long a media message's download link works. */
  mediaLinkTtlMs: number;
  /** Delivered and given-up deliveries older than this leave the log. */
  logKeepMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_WEBHOOK_TIMING: WebhookTiming = {
  pollMs: 1_000,
  leaseMs: 60_000,
  timeoutMs: WEBHOOK_TIMEOUT_MS,
  retryBaseMs: 10_000,
  retryMaxMs: 60 * 60 * 1000,
  // A day and an hour: the last retry of the day still comes after the day is over.
  giveUpAfterMs: DAY_MS + 60 * 60 * 1000,
  disableAfterMs: DAY_MS,
  concurrency: 8,
  mediaLinkTtlMs: 7 * DAY_MS,
  logKeepMs: 30 * DAY_MS,
};

/** How often a node prunes the delivery log, and how much at a time. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const PRUNE_BATCH = 1_000;

/** The bus channel on which a tenant's endpoint changes are announced: `{ tenant }`. */
export const WEBHOOKS_CHANNEL = "webhooks:changed";

export interface WebhookWorkerOptions {
  store: Store;
  logger: Logger;
  /** Signs media download links. */
  secret: string;
  /** Prefix of download links (`https://chat.example.com`); null: links are paths. */
  publicUrl: string | null;
  /** Tells every node a tenant's endpoints changed (here: one was disabled). */
  announce: (tenant: string) => void;
  timing?: Partial<WebhookTiming>;
  /** `deny`: every attempt resolves the host again and fails when it is a private address (`PARLEY_WEBHOOK_PRIVATE`). */
  privateAddresses?: PrivateAddresses;
}

/** The delay before retry number `attempt` (1 for the first retry), with jitter: between half and all of it. */
export function retryDelay(attempt: number, timing: Pick<WebhookTiming, "retryBaseMs" | "retryMaxMs">, random = Math.random): number {
  const full = Math.min(timing.retryBaseMs * 2 ** Math.min(attempt - 1, 30), timing.retryMaxMs);
  return Math.round(full * (0.5 + random() / 2));
}

export class WebhookWorker {
  private readonly timing: WebhookTiming;
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight = 0;
  private claiming = false;
  private readonly attempts = new Set<Promise<void>>();
  private prunedAt = 0;

  constructor(private readonly options: WebhookWorkerOptions) {
    this.timing = { ...DEFAULT_WEBHOOK_TIMING, ...options.timing };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops claiming and waits for the attempts in flight (their claims are recorded or expire). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.attempts]);
  }

  /** Looks for due deliveries now (a delivery finished: its chat's next one may be due). */
  wake(): void {
    if (this.running) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (!this.running || this.claiming) return;
    const room = this.timing.concurrency - this.inFlight;
    let claimed: ClaimedDelivery[] = [];
    if (room > 0) {
      this.claiming = true;
      try {
        claimed = await this.options.store.claimWebhookDeliveries(this.holder, new Date(), this.timing.leaseMs, room);
      } catch (error) {
        this.options.logger.warn({ err: error }, "claiming webhook deliveries failed; retried at the next poll");
      } finally {
        this.claiming = false;
      }
    }
    for (const delivery of claimed) this.track(this.attempt(delivery));
    if (Date.now() - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = Date.now();
      // Every node may prune; deleting what another node deleted first does nothing.
      this.options.store.pruneWebhookDeliveries(new Date(Date.now() - this.timing.logKeepMs), PRUNE_BATCH).catch((error: unknown) => {
        this.options.logger.warn({ err: error }, "pruning the webhook delivery log failed; retried in an hour");
      });
    }
    if (this.running && this.timer === undefined) this.schedule(claimed.length === room && room > 0 ? 0 : this.timing.pollMs);
  }

  private track(work: Promise<void>): void {
    this.inFlight += 1;
    this.attempts.add(work);
    void work.finally(() => {
      this.inFlight -= 1;
      this.attempts.delete(work);
      this.wake();
    });
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const { logger } = this.options;
    try {
      const body = this.bodyToSend(delivery);
      const result = await sendWebhook(delivery.url, delivery.secret, delivery.eventId, body, {
        timeoutMs: this.timing.timeoutMs,
        privateAddresses: this.options.privateAddresses ?? "allow",
      });
      await this.record(delivery, result);
    } catch (error) {
      // The claim expires and the delivery is tried again then.
      logger.warn({ err: error, delivery: delivery.id }, "recording a webhook attempt failed");
    }
  }

  /** The body as sent: a media message gets a fresh download link, signed now. */
  private bodyToSend(delivery: ClaimedDelivery): string {
    const media = delivery.type === "message.created" ? mediaMessageOf(delivery.body) : undefined;
    if (media === undefined) return delivery.body;
    const link = signMediaLink(this.options.secret, { tenant: delivery.tenant, ...media, format: "fullsize" }, this.timing.mediaLinkTtlMs);
    return withDownloadLink(delivery.body, { url: `${this.options.publicUrl ?? ""}${link.path}`, expiresAt: link.expiresAt });
  }

  private async record(delivery: ClaimedDelivery, result: AttemptResult): Promise<void> {
    const now = new Date();
    const at = now.toISOString();
    const tenant = this.options.store.tenant(delivery.tenant);
    const target = { id: delivery.id, endpointId: delivery.endpointId };
    if (result.ok) {
      await tenant.recordWebhookAttempt(target, this.holder, { kind: "delivered", code: result.code, at });
      return;
    }
    const expired = now.getTime() - Date.parse(delivery.createdAt) >= this.timing.giveUpAfterMs && delivery.attempts >= 1;
    const nextAt = expired ? null : new Date(now.getTime() + retryDelay(delivery.attempts + 1, this.timing)).toISOString();
    const streak = await tenant.recordWebhookAttempt(target, this.holder, { kind: "failed", code: result.code, error: result.error, at, nextAt });
    if (streak?.failingSince == null) return;
    const cutoff = new Date(now.getTime() - this.timing.disableAfterMs).toISOString();
    if (streak.failingSince > cutoff) return;
    if (await tenant.disableFailingWebhook(delivery.endpointId, cutoff, at)) {
      this.options.logger.warn({ tenant: delivery.tenant, webhook: delivery.endpointId, failingSince: streak.failingSince }, "disabled a webhook endpoint that failed for a day");
      this.options.store.webhooksChanged(delivery.tenant);
      this.options.announce(delivery.tenant);
      await recordAudit(tenant, systemActor("webhooks"), "webhook.disabled", { type: "webhook", id: delivery.endpointId }, { reason: "failing", failingSince: streak.failingSince });
    }
  }
}
