/**
 * Two in-process nodes sharing one store and one bus medium. Node B's bus
 * loses some events: its sockets must still get every event, in order,
 * because a gap is filled from the store.
 */
import { expect, it } from "vitest";
import { createAgent } from "../src/auth/agents.js";
import { MemoryBroker, MemoryBus } from "../src/bus/memory.js";
import type { Bus, BusHandler, BusSubscription } from "../src/bus/types.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { RawClient, SECRET, startContact, startServer, tempDir, type Frame } from "./helpers.js";

/** A bus that loses the chat events whose seq is listed: a stand-in for a lossy network. */
class LossyBus implements Bus {
  constructor(
    private readonly inner: Bus,
    private readonly lostSeqs: Set<number>,
  ) {}
  get nodeId(): string {
    return this.inner.nodeId;
  }
  publish(channel: string, message: unknown): Promise<void> {
    return this.inner.publish(channel, message);
  }
  subscribe(channel: string, handler: BusHandler): BusSubscription {
    return this.inner.subscribe(channel, (message, from, text) => {
      const seq = (message as { event?: { seq?: number } }).event?.seq;
      if (seq !== undefined && this.lostSeqs.has(seq)) return;
      handler(message, from, text);
    });
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  private readonly reconnectListeners = new Set<() => void>();
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }
  /** As a Redis bus does once it is back after an outage. */
  reconnected(): void {
    for (const listener of this.reconnectListeners) listener();
  }
}

it("delivers every event in order across nodes, filling bus losses from the store", async () => {
  const dir = tempDir();
  const store = new SqliteStore({ dataDir: dir.path });
  const broker = new MemoryBroker();
  const a = await startServer({ store, bus: new MemoryBus({ broker }), secret: SECRET });
  const b = await startServer({ store, bus: new LossyBus(new MemoryBus({ broker }), new Set([4, 6, 7])), secret: SECRET });
  try {
    const agent = await createAgent(store.tenant("default"), { username: "ann", password: "secret-pass" });
    const agentToken = (await b.server.tokens.issueAgent(agent)).token;
    const contact = await startContact(a.url, "Carl");
    const { client: customer } = await RawClient.connect(a.wsUrl, contact.token);
    await customer.request({ t: "join", chatId: contact.chatId });
    const { client: agentClient } = await RawClient.connect(b.wsUrl, agentToken);
    expect(await agentClient.request({ t: "join", chatId: contact.chatId })).toMatchObject({ ok: true, result: { lastSeq: 2 } });
    // The join on node B reaches the customer on node A over the bus.
    await customer.next((f) => f.t === "event" && f.name === "userAdded");

    for (let i = 0; i < 6; i++) {
      await customer.request({ t: "send", chatId: contact.chatId, clientId: `m${i}`, kind: "text", text: `m${i}` });
    }
    const received: Frame[] = [];
    for (let seq = 3; seq <= 8; seq++) received.push(await agentClient.next((f) => f.t === "event" && f.seq === seq));
    expect(received.map((f) => (f.data as { content: { text: string } }).content.text)).toEqual(["m0", "m1", "m2", "m3", "m4", "m5"]);
    // Nothing was delivered twice or out of order.
    expect(agentClient.unconsumed.filter((f) => f.t === "event")).toEqual([]);
    customer.close();
    agentClient.close();
  } finally {
    await a.stop();
    await b.stop();
    await store.close();
    dir.remove();
  }
});

it("fills a gap at the tail from the store when the bus reconnects", async () => {
  const dir = tempDir();
  const store = new SqliteStore({ dataDir: dir.path });
  const broker = new MemoryBroker();
  const lossy = new LossyBus(new MemoryBus({ broker }), new Set([3, 4]));
  const a = await startServer({ store, bus: new MemoryBus({ broker }), secret: SECRET });
  const b = await startServer({ store, bus: lossy, secret: SECRET });
  try {
    const agent = await createAgent(store.tenant("default"), { username: "ann", password: "secret-pass" });
    const contact = await startContact(a.url, "Carl");
    const { client: customer } = await RawClient.connect(a.wsUrl, contact.token);
    await customer.request({ t: "join", chatId: contact.chatId });
    const { client: agentClient } = await RawClient.connect(b.wsUrl, (await b.server.tokens.issueAgent(agent)).token);
    await agentClient.request({ t: "join", chatId: contact.chatId });
    // The last two events never reach node B over the bus, and nothing follows them to reveal the gap.
    await customer.request({ t: "send", chatId: contact.chatId, clientId: "m0", kind: "text", text: "m0" });
    await customer.request({ t: "send", chatId: contact.chatId, clientId: "m1", kind: "text", text: "m1" });
    lossy.reconnected();
    const caughtUp = [await agentClient.next((f) => f.t === "event" && f.seq === 3), await agentClient.next((f) => f.t === "event" && f.seq === 4)];
    expect(caughtUp.map((f) => (f.data as { content: { text: string } }).content.text)).toEqual(["m0", "m1"]);
    customer.close();
    agentClient.close();
  } finally {
    await a.stop();
    await b.stop();
    await store.close();
    dir.remove();
  }
});
