/**
 * Measures the store and the bus without their knowing: a proxy times
 * `store.append` and `bus.publish` and counts committed events; every other
 * member passes through untouched.
 * @module
 */
import type { Bus } from "./bus/types.js";
import type { ParleyMetrics } from "./metrics.js";
import type { AppendRequest, AppendResult, CommittedEvent, NewContact, Store, TenantStore } from "./store/types.js";

/** `target` with some methods replaced; the others bound to it. */
function withOverrides<T extends object>(target: T, overrides: Partial<Record<keyof T, unknown>>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

export function instrumentStore(store: Store, metrics: ParleyMetrics): Store {
  return withOverrides(store, {
    tenant: (name: string): TenantStore => instrumentTenant(store.tenant(name), metrics),
  });
}

/** One tenant's view, its appends and new chats timed and counted. */
function instrumentTenant(store: TenantStore, metrics: ParleyMetrics): TenantStore {
  return withOverrides(store, {
    append: async (request: AppendRequest): Promise<AppendResult> => {
      const stop = metrics.storeAppendSeconds.startTimer();
      try {
        const result = await store.append(request);
        if (result.status === "appended") metrics.eventsIn.inc({ type: request.name });
        return result;
      } finally {
        stop();
      }
    },
    createContact: async (contact: NewContact): Promise<CommittedEvent> => {
      const stop = metrics.storeAppendSeconds.startTimer();
      try {
        const event = await store.createContact(contact);
        metrics.eventsIn.inc({ type: event.name });
        return event;
      } finally {
        stop();
      }
    },
  });
}

export function instrumentBus(bus: Bus, metrics: ParleyMetrics): Bus {
  bus.onReconnect?.(() => metrics.busReconnects.inc());
  return withOverrides(bus, {
    publish: async (channel: string, message: unknown): Promise<void> => {
      const stop = metrics.busPublishSeconds.startTimer();
      try {
        await bus.publish(channel, message);
      } finally {
        stop();
      }
    },
  });
}
