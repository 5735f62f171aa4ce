/**
 * A relay between clients and a real Parley server, HTTP and WebSocket, that
 * can add server frames of its own to what the clients receive. It stands for
 * a server part that sends frames this branch's server does not send yet (a
 * `queuePosition` from the routing side), so that the client's handling is
 * tested over real sockets against a real server.
 * @module
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";

export interface FrameRelay {
  /** Base URL clients use instead of the server's. */
  url: string;
  /** Sends `frame` to every client socket open through the relay now. */
  inject(frame: Record<string, unknown>): void;
  /** Client sockets open through the relay. */
  openSockets(): number;
  close(): Promise<void>;
}

export async function startFrameRelay(targetUrl: string): Promise<FrameRelay> {
  const target = new URL(targetUrl);
  const clients = new Set<WebSocket>();
  const server: Server = createServer((incoming, outgoing) => {
    const forward = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host } },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", () => outgoing.destroy());
    incoming.pipe(forward);
  });
  const sockets = new WebSocketServer({ server });
  sockets.on("connection", (client, upgrade) => {
    const headers: Record<string, string> = {};
    if (typeof upgrade.headers.origin === "string") headers.origin = upgrade.headers.origin;
    const upstream = new WebSocket(`ws://${target.host}${upgrade.url ?? "/"}`, { headers });
    const early: string[] = [];
    clients.add(client);
    client.on("message", (data) => {
      const text = data.toString();
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else early.push(text);
    });
    upstream.on("open", () => {
      for (const text of early.splice(0)) upstream.send(text);
    });
    upstream.on("message", (data) => client.readyState === WebSocket.OPEN && client.send(data.toString()));
    upstream.on("close", (code, reason) => client.close(code >= 1000 && code !== 1005 && code !== 1006 ? code : 1011, reason));
    upstream.on("error", () => client.terminate());
    client.on("close", () => {
      clients.delete(client);
      upstream.close();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inject: (frame) => {
      for (const client of clients) if (client.readyState === WebSocket.OPEN) client.send(JSON.stringify(frame));
    },
    openSockets: () => [...clients].filter((client) => client.readyState === WebSocket.OPEN).length,
    close: async () => {
      for (const client of clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
