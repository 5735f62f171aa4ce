/**
 * Fan-out between server nodes, in the spirit of socket.io's ClusterAdapter:
 * an implementation only publishes and delivers. Messages are tagged with the
 * publishing node's id and a node never receives its own. Every
 * implementation passes the contract suite in `test/bus.contract.ts`.
 * @module
 */

/**
 * Called with each message another node published on a channel. `text` is
 * the message's own JSON text when the envelope is laid out the way
 * {@link envelopeText} writes it (undefined otherwise): a reader may reuse it
 * rather than serialise `message` again, after checking it for itself.
 */
export type BusHandler = (message: unknown, fromNode: string, text: string | undefined) => void;

/**
 * Stops a subscription when called. `ready` settles once the medium delivers
 * the channel (a Redis SUBSCRIBE takes a round trip): whoever reads state from
 * the store and then relies on the bus for what follows must await it first,
 * or an event committed in between could be missed.
 */
export type BusSubscription = (() => void) & { readonly ready: Promise<void> };

export interface Bus {
  /** This node's id; other nodes see it as `fromNode`. */
  readonly nodeId: string;
  /**
   * Sends a JSON-serialisable message to every other node subscribed to the
   * channel; a {@link JsonText} goes into the envelope as it is.
   */
  publish(channel: string, message: unknown): Promise<void>;
  /** Delivers the channel's messages from other nodes, in publish order. Returns the unsubscribe. */
  subscribe(channel: string, handler: BusHandler): BusSubscription;
  /**
   * Whether messages flow right now. Absent means always (an in-process bus).
   * `/readyz` reports a bus that is not connected.
   */
  readonly isConnected?: boolean;
  /**
   * Calls `listener` each time the bus is back after losing its connection:
   * messages published meanwhile may never arrive, so whoever relies on the
   * bus catches up from the store. Absent when the bus cannot lose messages.
   * Returns the unregister.
   */
  onReconnect?(listener: () => void): () => void;
  close(): Promise<void>;
}

/** A subscription that is delivering already (an in-process medium). */
export function readySubscription(unsubscribe: () => void): BusSubscription {
  return Object.assign(unsubscribe, { ready: Promise.resolve() });
}

/**
 * A message already serialised (JSON text): the envelope is built around the
 * string, so what was serialised once for the store is not serialised again.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

/** What travels on the wire: the message tagged with its node. */
export interface BusEnvelope {
  node: string;
  message: unknown;
  /** The message's JSON text, cut from the envelope when it is laid out as {@link envelopeText} writes it. */
  text: string | undefined;
}

function envelopeHead(node: string): string {
  return `{"node":${JSON.stringify(node)},"message":`;
}

/** The envelope of a message, as JSON text: `{"node":…,"message":…}`. */
export function envelopeText(node: string, message: unknown): string {
  const text = message instanceof JsonText ? message.text : JSON.stringify(message);
  return `${envelopeHead(node)}${text}}`;
}

/** Parses an envelope from the wire; undefined when it is malformed. */
export function parseEnvelope(raw: string): BusEnvelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { node, message } = value as Record<string, unknown>;
  if (typeof node !== "string" || node === "" || message === undefined) return undefined;
  const head = envelopeHead(node);
  const text = raw.startsWith(head) && raw.endsWith("}") ? raw.slice(head.length, -1) : undefined;
  return { node, message, text };
}
