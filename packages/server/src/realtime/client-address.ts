/**
 * The client address of a socket's upgrade request, computed as Fastify
 * computes `request.ip` for the HTTP routes, so per-address limits on sockets
 * and on REST key on the same address (behind a trusted proxy: the one in
 * `X-Forwarded-For`).
 * @module
 */
import type { IncomingMessage } from "node:http";
import proxyAddr from "@fastify/proxy-addr";

export type AddressOf = (request: IncomingMessage) => string;

/** A function giving the client address of a request under the `trustProxy` setting. */
export function clientAddressResolver(trustProxy: boolean | string[]): AddressOf {
  if (trustProxy === false) return (request) => request.socket.remoteAddress ?? "";
  const isTrusted = trustProxy === true ? () => true : proxyAddr.compile(trustProxy);
  return (request) => {
    const addresses = proxyAddr.all(request, isTrusted);
    return addresses[addresses.length - 1] ?? "";
  };
}
