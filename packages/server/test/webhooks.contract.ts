/**
 * The webhook outbox, run against every store: deliveries are written with
 * the events they announce, only for the endpoints that take their type, and
 * claimed once each, a chat's one after the other.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Store } from "../src/store/types.js";
import type { WebhookEndpointRecord } from "../src/store/webhook-queries.js";
import { newChat, participant, stub, textMessage } from "./store-fixtures.js";

export interface WebhookStoreFactory {
  create(): Promise<{ open: () => Promise<Store>; cleanup: () => Promise<void> }>;
}

function endpoint(events: WebhookEndpointRecord["events"] = null): WebhookEndpointRecord {
  const at = new Date().toISOString();
  return {
    id: `WHK_${randomUUID()}`,
    url: "http://127.0.0.1:9/hook",
    secret: "0123456789abcdef0123",
    description: "",
    events,
    enabled: true,
    disabledReason: null,
    failingSince: null,
    createdAt: at,
    updatedAt: at,
  };
}

export function webhookOutboxContract(factory: WebhookStoreFactory): void {
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    const made = await factory.create();
    store = await made.open();
    await store.migrate();
    cleanup = async () => {
      await store.close();
      await made.cleanup();
    };
  });

  afterEach(async () => cleanup());

  const later = (ms: number) => new Date(Date.now() + ms);

  async function addEndpoint(events: WebhookEndpointRecord["events"] = null, tenant = "default"): Promise<WebhookEndpointRecord> {
    const record = endpoint(events);
    expect(await store.tenant(tenant).createWebhookEndpoint(record, 20)).toEqual({ status: "created" });
    store.webhooksChanged(tenant);
    return record;
  }

  it("writes nothing for a tenant without endpoints", async () => {
    const { chatId, customer } = await newChat(store);
    await store.tenant("default").append(textMessage(chatId, customer, "hi"));
    expect(await store.claimWebhookDeliveries("a", later(1000), 60_000, 100)).toEqual([]);
  });

  it("writes a delivery per endpoint that takes the type, with the event, and claims a chat's one at a time in order", async () => {
    const all = await addEndpoint();
    const messagesOnly = await addEndpoint(["message.created"]);
    await addEndpoint(["chat.ended"]);
    const { chatId, customer } = await newChat(store);
    const tenant = store.tenant("default");
    for (const text of ["one", "two", "three"]) await tenant.append(textMessage(chatId, customer, text));
    // A receipt is not announced.
    expect((await tenant.listWebhookDeliveries(all.id, { limit: 50 })).map((d) => d.type).sort()).toEqual([
      "chat.queued",
      "chat.started",
      "message.created",
      "message.created",
      "message.created",
    ]);
    expect(await tenant.listWebhookDeliveries(messagesOnly.id, { limit: 50 })).toHaveLength(3);

    const seen: string[] = [];
    for (let round = 0; round < 5; round += 1) {
      const claimed = await store.claimWebhookDeliveries("a", later(1000), 60_000, 100);
      const mine = claimed.filter((d) => d.endpointId === all.id);
      // One at a time: the next of the chat waits for this one, even while it is claimed.
      expect(mine).toHaveLength(1);
      expect(await store.claimWebhookDeliveries("b", later(1000), 60_000, 100)).toEqual([]);
      seen.push(JSON.parse(mine[0]!.body).data.text ?? mine[0]!.type);
      for (const delivery of claimed) {
        expect(await tenant.recordWebhookAttempt(delivery, "a", { kind: "delivered", code: 200, at: new Date().toISOString() })).toEqual({ failingSince: null });
      }
    }
    expect(seen).toEqual(["chat.started", "chat.queued", "one", "two", "three"]);
    const log = await tenant.listWebhookDeliveries(all.id, { limit: 50 });
    expect(log.every((d) => d.status === "delivered" && d.attempts === 1 && d.lastCode === 200)).toBe(true);
  });

  it("gives each delivery to one of two workers claiming at once, and different chats' deliveries to both", async () => {
    await addEndpoint(["chat.started"]);
    for (let i = 0; i < 10; i += 1) await newChat(store);
    const [a, b] = await Promise.all([
      store.claimWebhookDeliveries("a", later(1000), 60_000, 7),
      store.claimWebhookDeliveries("b", later(1000), 60_000, 7),
    ]);
    const ids = [...a!, ...b!].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(10);
  });

  it("retries a failed delivery when due, keeps the chat's next waiting, and counts the endpoint's failing streak", async () => {
    const hook = await addEndpoint(["message.created"]);
    const { chatId, customer } = await newChat(store);
    const tenant = store.tenant("default");
    await tenant.append(textMessage(chatId, customer, "first"));
    await tenant.append(textMessage(chatId, customer, "second"));
    const [first] = await store.claimWebhookDeliveries("a", later(10), 60_000, 10);
    const failedAt = new Date().toISOString();
    const streak = await tenant.recordWebhookAttempt(first!, "a", { kind: "failed", code: 503, error: "answered 503", at: failedAt, nextAt: later(60_000).toISOString() });
    expect(streak).toEqual({ failingSince: failedAt });
    // Not due yet, and the second waits for the first.
    expect(await store.claimWebhookDeliveries("a", later(1000), 60_000, 10)).toEqual([]);
    const retried = await store.claimWebhookDeliveries("a", later(61_000), 60_000, 10);
    expect(retried.map((d) => d.id)).toEqual([first!.id]);
    expect(retried[0]!.attempts).toBe(1);
    // A worker whose claim was taken over records nothing.
    expect(await tenant.recordWebhookAttempt(first!, "b", { kind: "delivered", code: 200, at: failedAt })).toBeUndefined();
    expect(await tenant.disableFailingWebhook(hook.id, later(1000).toISOString(), failedAt)).toBe(true);
    expect((await tenant.getWebhookEndpoint(hook.id))?.enabled).toBe(false);
    // A disabled endpoint's deliveries wait.
    expect(await store.claimWebhookDeliveries("c", later(200_000), 60_000, 10)).toEqual([]);
    const log = await tenant.listWebhookDeliveries(hook.id, { limit: 10, status: "pending" });
    expect(log).toHaveLength(2);
  });

  it("announces a feature's own event in its transaction, after the chat's events", async () => {
    const hook = await addEndpoint(["survey.submitted", "chat.ended"]);
    const { chatId, customer } = await newChat(store);
    const tenant = store.tenant("default");
    await tenant.append({ chatId, id: `EVT_${randomUUID()}`, name: "contactEnded", userId: customer, ts: new Date().toISOString(), data: stub({ chatId }), change: { kind: "contactEnded", at: new Date().toISOString() } });
    expect(await tenant.recordWebhookEvent({ id: `SRV_${randomUUID()}`, type: "survey.submitted", chatId, createdAt: new Date().toISOString(), data: { chatId, rating: 5 } })).toBe(1);
    const order: string[] = [];
    for (;;) {
      const [next] = await store.claimWebhookDeliveries("a", later(1000), 60_000, 10);
      if (next === undefined) break;
      order.push(next.type);
      await tenant.recordWebhookAttempt(next, "a", { kind: "delivered", code: 200, at: new Date().toISOString() });
    }
    expect(order).toEqual(["chat.ended", "survey.submitted"]);
    expect(await tenant.listWebhookDeliveries(hook.id, { limit: 10 })).toHaveLength(2);
  });

  it("announces an agent's join as chat.assigned, never another tenant's events, and forgets a removed endpoint", async () => {
    await store.createTenant({ name: "acme", displayName: "Acme", status: "active", limits: { maxAgents: null, maxActiveChats: null, maxStorageBytes: null }, retentionDays: null, createdAt: new Date().toISOString() });
    const acmeHook = await addEndpoint(null, "acme");
    const hook = await addEndpoint(["chat.assigned"]);
    const { chatId } = await newChat(store);
    const agent = participant(`USER_${randomUUID()}`, true);
    const tenant = store.tenant("default");
    await tenant.append({ chatId, id: `EVT_${randomUUID()}`, name: "userAdded", userId: agent.userId, ts: new Date().toISOString(), data: stub({ chatId, user: { id: agent.userId, isAgent: true } }), change: { kind: "participantJoined", participant: agent } });
    expect((await tenant.listWebhookDeliveries(hook.id, { limit: 10 })).map((d) => d.type)).toEqual(["chat.assigned"]);
    expect(await store.tenant("acme").listWebhookDeliveries(acmeHook.id, { limit: 10 })).toEqual([]);
    expect(await tenant.listWebhookDeliveries(acmeHook.id, { limit: 10 })).toEqual([]);
    expect(await tenant.deleteWebhookEndpoint(hook.id)).toMatchObject({ id: hook.id });
    store.webhooksChanged("default");
    await newChat(store);
    expect(await store.claimWebhookDeliveries("a", later(1000), 60_000, 10)).toEqual([]);
  });

  it("announces a chat's wait with its start and its last agent's leave, an offer with the offer, and the chat's call data as each event leaves it", async () => {
    await addEndpoint(["chat.started", "chat.queued", "chat.offered", "chat.assigned", "agent.left", "chat.updated", "chat.ended"]);
    const tenant = store.tenant("default");
    const chatId = `CHAT_${randomUUID()}`;
    const customer = `USER_${randomUUID()}`;
    const at = () => new Date().toISOString();
    const startId = `EVT_${randomUUID()}`;
    const createdAt = at();
    await tenant.createContact({
      contact: { id: chatId, createdAt, customerUserId: customer, nickname: "Carla", email: null, pageUri: null, pageTitle: null, userAgent: null, clientIp: null, queue: "sales" },
      customer: participant(customer),
      firstEvent: { id: startId, name: "userAdded", userId: customer, ts: at(), data: stub({ chatId, user: { id: customer, isAgent: false }, ts: createdAt }) },
      callData: { order: "42" },
    });
    const [ada, bob] = [participant(`USER_${randomUUID()}`, true), participant(`USER_${randomUUID()}`, true)];
    // An offer is announced with the offer; an offer refused (one is open) announces nothing.
    expect(await tenant.offerChat({ chatId, queue: "sales", spell: createdAt }, ada.userId, [], at(), new Date(Date.now() + 30_000).toISOString())).toBe(true);
    expect(await tenant.offerChat({ chatId, queue: "sales", spell: createdAt }, bob.userId, [], at(), new Date(Date.now() + 30_000).toISOString())).toBe(false);
    const join = (agent: typeof ada) =>
      tenant.append({ chatId, id: `EVT_${randomUUID()}`, name: "userAdded", userId: agent.userId, ts: at(), data: stub({ chatId, user: { id: agent.userId, isAgent: true } }), change: { kind: "participantJoined", participant: agent } });
    const leave = (agent: typeof ada) =>
      tenant.append({ chatId, id: `EVT_${randomUUID()}`, name: "userLeft", userId: agent.userId, ts: at(), data: stub({ chatId, user: { id: agent.userId, isAgent: true }, ts: at() }), change: { kind: "participantLeft", userId: agent.userId, at: at() } });
    await join(ada);
    await join(bob);
    // Bob is still in the chat: Ada's leave does not put it back in its queue.
    await leave(ada);
    await tenant.append({ chatId, id: `EVT_${randomUUID()}`, name: "callDataChanged", userId: bob.userId, ts: at(), data: stub({ chatId, changes: { order: "43" } }), change: { kind: "callDataChanged", changes: { order: "43" } } });
    await leave(bob);
    await tenant.append({ chatId, id: `EVT_${randomUUID()}`, name: "contactEnded", userId: customer, ts: at(), data: stub({ chatId }), change: { kind: "contactEnded", at: at() } });

    const bodies: Array<{ id: string; type: string; data: Record<string, unknown> }> = [];
    for (;;) {
      const claimed = await store.claimWebhookDeliveries("a", later(1000), 60_000, 10);
      // The chat's deliveries to one endpoint are claimed one at a time, in the chat's order.
      expect(claimed.length).toBeLessThanOrEqual(1);
      if (claimed.length === 0) break;
      bodies.push(JSON.parse(claimed[0]!.body));
      await tenant.recordWebhookAttempt(claimed[0]!, "a", { kind: "delivered", code: 200, at: at() });
    }
    expect(bodies.map((b) => b.type)).toEqual(["chat.started", "chat.queued", "chat.offered", "chat.assigned", "chat.assigned", "agent.left", "chat.updated", "agent.left", "chat.queued", "chat.ended"]);
    const [started, queued, offered, assigned] = bodies;
    expect(started).toMatchObject({ id: startId, data: { chatId, callData: { order: "42" }, seq: 1 } });
    expect(queued).toMatchObject({ id: `${startId}:chat.queued`, data: { chatId, queue: "sales", callData: { order: "42" }, event: "userAdded", seq: 1 } });
    expect(offered!.data).toMatchObject({ chatId, queue: "sales", agent: { id: ada.userId }, callData: { order: "42" } });
    expect(Date.parse(offered!.data.expiresAt as string)).toBeGreaterThan(Date.now());
    expect(assigned!.data.callData).toEqual({ order: "42" });
    expect(bodies[6]!.data).toMatchObject({ changes: { order: "43" }, callData: { order: "43" } });
    expect(bodies[8]!.data).toMatchObject({ queue: "sales", event: "userLeft", callData: { order: "43" } });
    expect(bodies[9]!.data.callData).toEqual({ order: "43" });
    expect(new Set(bodies.map((b) => b.id)).size).toBe(bodies.length);
  });

  it("prunes delivered deliveries from the log, keeps pending ones, and deletes a chat's with the chat", async () => {
    const hook = await addEndpoint(["message.created"]);
    const tenant = store.tenant("default");
    const { chatId, customer } = await newChat(store);
    await tenant.append(textMessage(chatId, customer, "one"));
    await tenant.append(textMessage(chatId, customer, "two"));
    const [first] = await store.claimWebhookDeliveries("a", later(1000), 60_000, 10);
    await tenant.recordWebhookAttempt(first!, "a", { kind: "delivered", code: 200, at: new Date().toISOString() });
    expect(await store.pruneWebhookDeliveries(later(1000), 100)).toBe(1);
    expect((await tenant.listWebhookDeliveries(hook.id, { limit: 10 })).map((d) => d.status)).toEqual(["pending"]);
    await tenant.deleteChats([chatId]);
    expect(await tenant.listWebhookDeliveries(hook.id, { limit: 10 })).toEqual([]);
  });
}
