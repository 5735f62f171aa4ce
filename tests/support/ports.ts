/** Loopback ports for tests and the benchmark. @module */
import net from "node:net";

/**
 * A free loopback port, for a process that must listen on a port known in
 * advance (a child server, a node that must come back on the same port).
 * In-process servers listen on port 0 instead.
 */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
