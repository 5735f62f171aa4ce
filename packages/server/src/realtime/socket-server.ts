/**
 * The WebSocket endpoint (`/v1/socket`) on the HTTP server's `upgrade`
 * event: sessions, the hello deadline, heartbeats and the graceful close.
 * @module
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { CLOSE_CODES, SOCKET_PATH, wireError } from "@parley/protocol";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { tenantOfHost } from "../policy/request-tenant.js";
import type { OriginPolicy } from "../policy/origins.js";
import { KeyedRateLimiter } from "../rate/token-bucket.js";
import { clientAddressResolver, type AddressOf } from "./client-address.js";
import { Connection, DEFAULT_WATERMARKS, type Watermarks } from "./connection.js";
import { HelloDeadlines } from "./hello-deadlines.js";
import { Session, type SessionDeps, type SharedLimits } from "./session.js";
import { SocketCounter } from "./socket-caps.js";

export interface SocketServerOptions extends SessionDeps {
  helloTimeoutMs: number;
  watermarks?: Watermarks;
  /** Pages of other origins are refused before the upgrade (403); none given: any origin. */
  origins?: OriginPolicy;
  /** Which proxies' `X-Forwarded-For` to believe for the client address (as the HTTP routes do); none: the peer's address. */
  trustProxy?: boolean | string[];
  /** Host names mapped to tenants (config `tenantHosts`): a hello's token must agree with the upgrade's Host, as on REST. */
  tenantHosts?: Record<string, string>;
}

/** The listeners every socket shares; each is called with its socket as `this`. */
interface SocketListeners {
  message(this: WebSocket, data: RawData, isBinary: boolean): void;
  pong(this: WebSocket): void;
  error(this: WebSocket, error: Error): void;
  close(this: WebSocket): void;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class SocketServer {
  private readonly wss: WebSocketServer;
  private readonly live = new Map<WebSocket, Session>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly helloDeadlines: HelloDeadlines<WebSocket>;
  private isClosing = false;
  private readonly socketsPerAddress: SocketCounter;
  private readonly addressOf: AddressOf;
  private readonly shared: SharedLimits;
  private readonly listeners: SocketListeners;

  constructor(private readonly options: SocketServerOptions) {
    const { limits } = options;
    this.socketsPerAddress = new SocketCounter(limits.socketsPerAddress);
    this.addressOf = clientAddressResolver(options.trustProxy ?? false);
    this.shared = {
      socketsPerToken: new SocketCounter(limits.socketsPerToken),
      leaves: new KeyedRateLimiter(limits.leavesPerChatPerMinute / 60, limits.leavesPerChatPerMinute),
    };
    this.wss = new WebSocketServer({
      noServer: true,
      // Compression costs CPU and memory per socket; chat frames are small.
      perMessageDeflate: false,
      // Between maxFrameBytes and this, frames get a coded error; above it ws closes with 1009.
      maxPayload: 4 * options.limits.maxFrameBytes,
      // `live` already holds every socket: ws's own set would cost an entry and a close listener per socket.
      clientTracking: false,
    });
    this.helloDeadlines = new HelloDeadlines<WebSocket>(options.helloTimeoutMs, (ws) => {
      const session = this.live.get(ws);
      if (session !== undefined && !session.hasSaidHello) session.connection.close(CLOSE_CODES.HELLO_TIMEOUT, "HELLO_TIMEOUT");
    });
    // One listener of each kind for every socket (ws calls it with the socket as `this`): no closures per socket.
    const live = this.live;
    const deadlines = this.helloDeadlines;
    const socketsPerAddress = this.socketsPerAddress;
    this.listeners = {
      message(this: WebSocket, data: RawData, isBinary: boolean) {
        live.get(this)?.handleMessage(toBuffer(data), isBinary);
      },
      pong(this: WebSocket) {
        const session = live.get(this);
        if (session !== undefined) session.connection.isAlive = true;
      },
      // ws reports protocol violations (e.g. a frame over maxPayload) here, then closes the socket itself.
      error(this: WebSocket, error: Error) {
        options.logger.debug({ err: error }, "socket error");
      },
      close(this: WebSocket) {
        deadlines.forget(this);
        const session = live.get(this);
        if (session === undefined) return;
        live.delete(this);
        socketsPerAddress.release(session.connection.address);
        session.handleClose();
      },
    };
    this.heartbeat = setInterval(() => this.beat(), options.limits.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Takes over upgrades to the socket path on this HTTP server. */
  attach(server: Server): void {
    server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      if (path !== SOCKET_PATH || this.isClosing) {
        socket.end(`HTTP/1.1 ${this.isClosing ? "503 Service Unavailable" : "404 Not Found"}\r\nConnection: close\r\n\r\n`);
        return;
      }
      // Browsers always send Origin on a WebSocket handshake and never enforce CORS on it: the server must.
      if (this.options.origins?.allows(request.headers.origin, request.headers.host) === false) {
        socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      const address = this.addressOf(request);
      if (!this.socketsPerAddress.tryAcquire(address)) {
        const body = JSON.stringify({ error: wireError("TOO_MANY_SOCKETS", undefined, { limit: this.socketsPerAddress.max }) });
        socket.end(
          "HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: application/json\r\n" +
            `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        return;
      }
      // Counted from the upgrade. Without `verifyClient` ws accepts synchronously or never: the address
      // is released here when it refused, else when the WebSocket closes (no listener on the TCP socket).
      let isAccepted = false;
      const hostTenant = tenantOfHost(this.options.tenantHosts ?? {}, request.headers.host);
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        isAccepted = true;
        this.accept(ws, socket, address, hostTenant);
      });
      // Refused by ws (a bad handshake, a peer already gone): ws answers or destroys the socket itself.
      if (!isAccepted) this.socketsPerAddress.release(address);
    });
  }

  /** Open sessions (the `parley_connections_open` metric). */
  get openCount(): number {
    return this.live.size;
  }

  /**
   * Closes every socket of a tenant that was just disabled, with
   * `AUTH_FAILED` (the SDK does not reconnect) and the reason
   * `TENANT_DISABLED`. Returns how many were closed.
   */
  closeTenant(tenant: string): number {
    let closed = 0;
    for (const session of this.live.values()) {
      if (!session.isAuthenticated || session.tenant !== tenant) continue;
      session.connection.close(CLOSE_CODES.AUTH_FAILED, "TENANT_DISABLED");
      closed += 1;
    }
    return closed;
  }

  /**
   * Closes every socket of an agent who was just disabled, with `AUTH_FAILED`
   * (the SDK does not reconnect) and the reason `AGENT_DISABLED`. Returns how
   * many were closed.
   */
  closeAgent(tenant: string, agentId: string): number {
    let closed = 0;
    for (const session of this.live.values()) {
      if (!session.isAuthenticated || session.tenant !== tenant || session.userId !== agentId) continue;
      session.connection.close(CLOSE_CODES.AUTH_FAILED, "AGENT_DISABLED");
      closed += 1;
    }
    return closed;
  }

  /**
   * Graceful stop: refuses new sockets, lets every session answer the frames
   * it is handling (up to `drainMs`: a send in flight is committed and
   * acknowledged), then closes every socket with 4503 — reconnect, elsewhere
   * when there are other nodes — and waits for them (terminating stragglers).
   */
  async close(graceMs = 2000, drainMs = 5000): Promise<void> {
    this.isClosing = true;
    clearInterval(this.heartbeat);
    this.helloDeadlines.clear();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.live.values()].map((session) => session.drain())),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs))),
    ]);
    clearTimeout(timer);
    const sockets = [...this.live.keys()];
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve();
            const timer = setTimeout(() => ws.terminate(), graceMs);
            ws.once("close", () => {
              clearTimeout(timer);
              resolve();
            });
            ws.close(CLOSE_CODES.SHUTTING_DOWN, "SHUTTING_DOWN");
          }),
      ),
    );
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket, socket: Duplex, address: string, hostTenant: string | undefined): void {
    const connection = new Connection(ws, this.options.watermarks ?? DEFAULT_WATERMARKS, socket, address);
    const session = new Session(connection, this.options, this.shared, hostTenant);
    this.live.set(ws, session);
    this.helloDeadlines.add(ws);
    const { message, pong, error, close } = this.listeners;
    ws.on("message", message);
    ws.on("pong", pong);
    ws.on("error", error);
    ws.on("close", close);
    if (this.isClosing) connection.close(CLOSE_CODES.SHUTTING_DOWN, "SHUTTING_DOWN");
  }

  /** Pings every socket; one that did not answer the previous ping is closed (4410). */
  private beat(): void {
    for (const [ws, session] of this.live) {
      const { connection } = session;
      if (!connection.isAlive) {
        connection.close(CLOSE_CODES.HEARTBEAT_TIMEOUT, "HEARTBEAT_TIMEOUT");
        // A dead peer never completes the closing handshake.
        setTimeout(() => ws.terminate(), 5000).unref();
        continue;
      }
      connection.isAlive = false;
      session.forgetFullBudgets();
      ws.ping();
      void session.closeIfDisabled();
    }
  }
}
