/**
 * Caps on what one client holds open: TCP connections per address and for the
 * whole server (a slowloris opening thousands of sockets), and requests in
 * flight per client address and per token (stalled uploads from many
 * addresses with one token). Refused connections are closed at once; refused
 * requests get 429 `CONNECTION_LIMIT`.
 * @module
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { wireError } from "@parley/protocol";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { HttpGuards } from "../config.js";
import { sendError } from "./errors.js";

/** Counts per key; a key at zero is forgotten so the map cannot grow with every address ever seen. */
class OpenCounter {
  private readonly counts = new Map<string, number>();

  /** Takes one for `key` unless `max` are open already. */
  take(key: string, max: number): boolean {
    const count = this.counts.get(key) ?? 0;
    if (count >= max) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  give(key: string): void {
    const count = (this.counts.get(key) ?? 1) - 1;
    if (count <= 0) this.counts.delete(key);
    else this.counts.set(key, count);
  }
}

/** The address a connection was counted under, given back when it closes. */
const COUNTED_ADDRESS = Symbol("countedAddress");
type CountedSocket = Socket & { [COUNTED_ADDRESS]?: string };

type Caps = Pick<HttpGuards, "maxConnections" | "maxConnectionsPerAddress" | "maxRequestsPerToken">;

/**
 * TCP connections: Node closes those past `maxConnections`; past
 * `maxConnectionsPerAddress` from one peer, they are closed here before a byte
 * is parsed. Behind a trusted proxy every peer is the proxy, so only the
 * per-address cap on requests in flight (keyed by X-Forwarded-For) applies.
 */
export function capConnections(server: Server, caps: Caps, trustProxy: boolean | string[]): void {
  server.maxConnections = caps.maxConnections;
  if (trustProxy !== false) return;
  const open = new OpenCounter();
  // One listener for every connection, which keeps its counted address: a closure (and `once`'s
  // wrapper) per connection would cost about 200 bytes for as long as a WebSocket stays open.
  function giveBack(this: CountedSocket): void {
    const address = this[COUNTED_ADDRESS];
    if (address !== undefined) open.give(address);
  }
  server.on("connection", (socket: CountedSocket) => {
    const address = socket.remoteAddress ?? "unknown";
    if (!open.take(address, caps.maxConnectionsPerAddress)) {
      socket.destroy();
      return;
    }
    socket[COUNTED_ADDRESS] = address;
    socket.on("close", giveBack);
  });
}

/** Requests in flight per client address and per token; install after authentication. */
export function capRequestsInFlight(app: FastifyInstance, caps: Caps): void {
  const byAddress = new OpenCounter();
  const byToken = new OpenCounter();
  const hold = (reply: FastifyReply, counter: OpenCounter, key: string) => {
    // Released once, when the answer is sent or the connection is gone.
    reply.raw.once("close", () => counter.give(key));
  };
  app.addHook("onRequest", async (request, reply) => {
    if (!byAddress.take(request.ip, caps.maxConnectionsPerAddress)) {
      return sendError(reply, wireError("CONNECTION_LIMIT", undefined, { limit: caps.maxConnectionsPerAddress, per: "address" }));
    }
    hold(reply, byAddress, request.ip);
    const user = request.claims?.userId;
    if (user === undefined) return;
    if (!byToken.take(user, caps.maxRequestsPerToken)) {
      return sendError(reply, wireError("CONNECTION_LIMIT", undefined, { limit: caps.maxRequestsPerToken, per: "token" }));
    }
    hold(reply, byToken, user);
  });
}
