/**
 * An in-process bus. One {@link MemoryBroker} can be shared by several nodes
 * in the same process (tests of a cluster); each node gets its own
 * {@link MemoryBus}. Messages travel as JSON strings, as they would over
 * Redis, and are delivered asynchronously and in order.
 * @module
 */
import { randomUUID } from "node:crypto";
import { envelopeText, parseEnvelope, readySubscription, type Bus, type BusHandler, type BusSubscription } from "./types.js";

type RawListener = (raw: string) => void;

/** A listener and the node it belongs to, if it said so. */
interface Listening {
  listener: RawListener;
  node: string | undefined;
}

/** The shared medium: channels of raw string messages. */
export class MemoryBroker {
  private readonly channels = new Map<string, Set<Listening>>();
  private readonly queue: (() => void)[] = [];
  private draining = false;

  /**
   * Queues a raw message for every listener of the channel; with `fromNode`,
   * the publishing node's own listeners are skipped, as they would drop it.
   */
  publishRaw(channel: string, raw: string, fromNode?: string): void {
    const listeners = this.channels.get(channel);
    if (listeners === undefined) return;
    for (const { listener, node } of [...listeners]) {
      if (fromNode !== undefined && node === fromNode) continue;
      this.queue.push(() => listener(raw));
    }
    this.scheduleDrain();
  }

  /** Whether a node other than `node` listens on the channel. */
  hasListenerBesides(channel: string, node: string): boolean {
    const listeners = this.channels.get(channel);
    if (listeners === undefined) return false;
    for (const listening of listeners) if (listening.node !== node) return true;
    return false;
  }

  /** Listens on a channel; `node` names the listener's node so its own messages can be skipped. */
  listen(channel: string, listener: RawListener, node?: string): () => void {
    let listeners = this.channels.get(channel);
    if (listeners === undefined) {
      listeners = new Set();
      this.channels.set(channel, listeners);
    }
    const listening: Listening = { listener, node };
    listeners.add(listening);
    return () => {
      listeners.delete(listening);
      if (listeners.size === 0) this.channels.delete(channel);
    };
  }

  // One FIFO for the whole broker keeps every channel in publish order.
  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      const batch = this.queue.splice(0, this.queue.length);
      for (const deliver of batch) deliver();
      if (this.queue.length > 0) this.scheduleDrain();
    });
  }
}

export interface MemoryBusOptions {
  /** Share one broker between nodes of the same process; a private one otherwise. */
  broker?: MemoryBroker;
  nodeId?: string;
  /** Told about each malformed message, which is then dropped. */
  onMalformed?: (raw: string) => void;
}

export class MemoryBus implements Bus {
  readonly nodeId: string;
  private readonly broker: MemoryBroker;
  private readonly unsubscribers = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: MemoryBusOptions = {}) {
    this.broker = options.broker ?? new MemoryBroker();
    this.nodeId = options.nodeId ?? `node-${randomUUID()}`;
  }

  publish(channel: string, message: unknown): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the bus is closed"));
    // A node never receives its own messages: with no other node listening (a
    // single embedded server), there is nothing to serialise or deliver.
    if (!this.broker.hasListenerBesides(channel, this.nodeId)) return Promise.resolve();
    this.broker.publishRaw(channel, envelopeText(this.nodeId, message), this.nodeId);
    return Promise.resolve();
  }

  subscribe(channel: string, handler: BusHandler): BusSubscription {
    if (this.closed) throw new Error("the bus is closed");
    const stop = this.broker.listen(channel, (raw) => {
      const envelope = parseEnvelope(raw);
      if (envelope === undefined) {
        this.options.onMalformed?.(raw);
        return;
      }
      if (envelope.node === this.nodeId) return;
      handler(envelope.message, envelope.node, envelope.text);
    }, this.nodeId);
    const unsubscribe = (): void => {
      stop();
      this.unsubscribers.delete(unsubscribe);
    };
    this.unsubscribers.add(unsubscribe);
    return readySubscription(unsubscribe);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const unsubscribe of [...this.unsubscribers]) unsubscribe();
    return Promise.resolve();
  }
}
