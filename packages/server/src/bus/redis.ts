/**
 * Fan-out between nodes over Redis pub/sub (ioredis): one connection
 * publishes, one subscribes (a subscribed Redis connection can do nothing
 * else). Channels are prefixed (`PARLEY_REDIS_PREFIX`, default `parley:`) so
 * that several installations, or tests, can share one Redis.
 *
 * Every message travels in a {@link BusEnvelope} naming its node; an envelope
 * that does not parse is reported and dropped, never thrown. Pub/sub is
 * fire-and-forget: what is published while a subscriber is disconnected is
 * lost to it. ioredis reconnects by itself and the bus then re-subscribes its
 * channels; once they are back, listeners of {@link RedisBus.onReconnect} are
 * told, so that they catch up from the store, which is the source of truth.
 * @module
 */
import { randomUUID } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import { ConfigError, DEFAULT_REDIS_PREFIX } from "../config.js";
import { envelopeText, parseEnvelope, type Bus, type BusHandler, type BusSubscription } from "./types.js";

export interface RedisBusOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. */
  url: string;
  /** Prepended to every channel name. Default `parley:`. */
  prefix?: string;
  nodeId?: string;
  /** Told about each malformed message, which is then dropped. */
  onMalformed?: (raw: string, channel: string) => void;
  /**
   * Told when a connection drops or fails (ioredis keeps retrying), or when a
   * handler throws (the other handlers still get the message).
   */
  onError?: (error: unknown, what: string) => void;
}


/** Raised by {@link RedisBus.start} when Redis cannot be reached: `REDIS_URL` cannot be used. */
export class RedisUnavailableError extends ConfigError {
  constructor(url: string, cause: string) {
    super(`cannot connect to Redis at ${redactUrl(url)}: ${cause}`);
    this.name = "RedisUnavailableError";
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/** Reconnect delay: quick at first, at most 2 s, forever (a node outlives a Redis restart). */
const retryDelay = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 6), 2000);

export class RedisBus implements Bus {
  readonly nodeId: string;
  readonly prefix: string;
  private readonly handlers = new Map<string, Set<BusHandler>>();
  /** Per channel, the SUBSCRIBE in flight or done: subscriptions on it are ready when it settles. */
  private readonly subscribing = new Map<string, Promise<void>>();
  private readonly reconnectListeners = new Set<() => void>();
  private isStarted = false;
  private isClosed = false;
  /** Whether the subscriber lost its connection since it was last ready. */
  private hasDropped = false;

  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  /** The error of the latest failed connection attempt, for the start-up message. */
  private lastError = "connection refused";
  /** Subscriptions made before {@link RedisBus.start} wait for it: a command would connect too early. */
  private readonly whenStarted: Promise<void>;
  private markStarted: () => void = () => {};

  /** Creates the bus without connecting: {@link RedisBus.start} connects. */
  constructor(private readonly options: RedisBusOptions) {
    this.nodeId = options.nodeId ?? `node-${randomUUID()}`;
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
    this.whenStarted = new Promise((resolve) => (this.markStarted = resolve));
    const clientOptions: RedisOptions = {
      lazyConnect: true,
      // No retry before the first connection succeeded: fail at start instead of hanging.
      retryStrategy: (attempt) => (this.isStarted ? retryDelay(attempt) : null),
      // Commands wait for the reconnection instead of failing after a number of retries: a publish
      // made while Redis is away goes out when it is back, in order.
      maxRetriesPerRequest: null,
      autoResubscribe: false,
      connectionName: "parley",
    };
    this.publisher = new Redis(options.url, clientOptions);
    this.subscriber = new Redis(options.url, clientOptions);
    this.subscriber.on("messageBuffer", (channel: Buffer, raw: Buffer) => this.receive(channel.toString(), raw.toString()));
    for (const [role, client] of [["publisher", this.publisher], ["subscriber", this.subscriber]] as const) {
      client.on("error", (error: Error) => {
        if (!this.isStarted) this.lastError = error.message;
        else if (!this.isClosed) this.options.onError?.(error, `redis ${role} connection`);
      });
    }
    this.subscriber.on("close", () => {
      if (this.isStarted) this.hasDropped = true;
    });
    // Re-subscribing is ours, not ioredis' (autoResubscribe is off): its own leaves a rejected
    // promise unhandled when the connection drops again at once, and we must know when the
    // channels are back before telling the listeners to catch up.
    this.subscriber.on("ready", () => {
      if (!this.hasDropped || this.isClosed) return;
      this.hasDropped = false;
      const channels = [...this.handlers.keys()];
      const resubscribed = channels.length === 0 ? Promise.resolve() : this.subscriber.subscribe(...channels);
      resubscribed.then(
        () => {
          for (const listener of [...this.reconnectListeners]) listener();
        },
        // The connection dropped again: the next "ready" re-subscribes.
        (error: unknown) => this.options.onError?.(error, "redis re-subscribe"),
      );
    });
  }

  /** A started bus; see {@link RedisBus.start}. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const bus = new RedisBus(options);
    await bus.start();
    return bus;
  }

  /**
   * Connects both connections; rejects with {@link RedisUnavailableError} when
   * Redis cannot be reached, so that a wrong `REDIS_URL` stops the node at start.
   * From then on, a lost connection is retried forever.
   */
  async start(): Promise<void> {
    if (this.isStarted) return;
    try {
      await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    } catch {
      this.publisher.disconnect();
      this.subscriber.disconnect();
      throw new RedisUnavailableError(this.options.url, this.lastError);
    }
    this.isStarted = true;
    this.markStarted();
  }

  get isConnected(): boolean {
    return !this.isClosed && this.publisher.status === "ready" && this.subscriber.status === "ready";
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    if (this.isClosed) throw new Error("the bus is closed");
    if (!this.isStarted) throw new Error("the bus is not started");
    await this.publisher.publish(this.prefix + channel, envelopeText(this.nodeId, message));
  }

  subscribe(channel: string, handler: BusHandler): BusSubscription {
    if (this.isClosed) throw new Error("the bus is closed");
    const name = this.prefix + channel;
    let set = this.handlers.get(name);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(name, set);
    }
    set.add(handler);
    let ready = this.subscribing.get(name);
    if (ready === undefined) {
      ready = this.whenStarted.then(() => (this.isClosed || !this.handlers.has(name) ? undefined : this.subscriber.subscribe(name))).then(
        () => undefined,
        // Only a closed bus fails here; ioredis replays the SUBSCRIBE after a reconnect.
        () => undefined,
      );
      this.subscribing.set(name, ready);
    }
    let isActive = true;
    const unsubscribe = (): void => {
      if (!isActive) return;
      isActive = false;
      const handlers = this.handlers.get(name);
      handlers?.delete(handler);
      if (handlers === undefined || handlers.size > 0) return;
      this.handlers.delete(name);
      this.subscribing.delete(name);
      if (!this.isClosed && this.isStarted) this.subscriber.unsubscribe(name).catch(() => undefined);
    };
    return Object.assign(unsubscribe, { ready });
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handlers.clear();
    this.subscribing.clear();
    this.reconnectListeners.clear();
    await Promise.all([quit(this.publisher), quit(this.subscriber)]);
  }

  private receive(channel: string, raw: string): void {
    const handlers = this.handlers.get(channel);
    if (handlers === undefined) return;
    const envelope = parseEnvelope(raw);
    if (envelope === undefined) {
      this.options.onMalformed?.(raw, channel);
      return;
    }
    if (envelope.node === this.nodeId) return;
    for (const handler of [...handlers]) {
      // A handler's failure must not stop delivery to the others, nor reach ioredis.
      try {
        handler(envelope.message, envelope.node, envelope.text);
      } catch (error) {
        this.options.onError?.(error, `handler of ${channel}`);
      }
    }
  }
}

/** QUIT when connected (pending commands finish first); otherwise just drop the connection. */
async function quit(client: Redis): Promise<void> {
  if (client.status === "ready") {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
