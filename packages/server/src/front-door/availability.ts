/**
 * Whether a queue takes chats now: inside its business hours and with an
 * agent of the queue available. Anyone on the internet may ask, so answers are kept a few
 * seconds per tenant and queue, and the cache holds a bounded number of them.
 * @module
 */
import type { AvailabilityResponse, BusinessHours } from "@parley/protocol";
import { openingAt } from "./hours.js";

export interface AvailabilitySources {
  /** The queue's business hours; undefined: none set. */
  hours: (tenant: string, queue: string) => Promise<BusinessHours | undefined>;
  /** Whether an agent who takes the queue's chats is online, available and below capacity now. */
  hasAvailableAgent: (tenant: string, queue: string) => Promise<boolean>;
  now?: () => number;
}

/** How long an answer is reused. */
export const AVAILABILITY_CACHE_MS = 5_000;
/** The most answers kept; past it the oldest are dropped. */
const MAX_ENTRIES = 10_000;

export class Availability {
  private readonly cache = new Map<string, { answer: Promise<AvailabilityResponse>; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly sources: AvailabilitySources) {
    this.now = sources.now ?? Date.now;
  }

  /** The queue's availability, at most {@link AVAILABILITY_CACHE_MS} old. */
  of(tenant: string, queue: string): Promise<AvailabilityResponse> {
    const key = `${tenant} ${queue}`;
    const now = this.now();
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.expiresAt > now) return cached.answer;
    this.cache.delete(key);
    if (this.cache.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    const answer = this.compute(tenant, queue, now);
    this.cache.set(key, { answer, expiresAt: now + AVAILABILITY_CACHE_MS });
    // A failed read is not remembered: the next request tries again.
    answer.catch(() => this.cache.delete(key));
    return answer;
  }

  /** Forgets the tenant's answers for the queue (its hours changed). */
  forget(tenant: string, queue: string): void {
    this.cache.delete(`${tenant} ${queue}`);
  }

  private async compute(tenant: string, queue: string, now: number): Promise<AvailabilityResponse> {
    const [hours, agentsAvailable] = await Promise.all([this.sources.hours(tenant, queue), this.sources.hasAvailableAgent(tenant, queue)]);
    const opening = openingAt(hours, new Date(now));
    if (!opening.open) return { open: false, agentsAvailable, reason: opening.reason };
    return agentsAvailable ? { open: true, agentsAvailable, reason: "open" } : { open: false, agentsAvailable, reason: "noAgent" };
  }
}
