/**
 * A protocol-level fake Parley server for SDK tests (in the spirit of
 * centrifuge-js' fakeServer.ts): a real `ws` server on port 0 whose tests
 * script the answers frame by frame. It knows nothing of chats; it records
 * what the client sends and lets a test wait for a given frame. The same port
 * answers plain HTTP (media uploads and downloads), also scripted by the test.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import type { ClientFrame, ErrorCode, Limits, SessionIdentity, StoredEventMap } from "@parley/protocol";
import { DEFAULT_LIMITS } from "@parley/protocol";

/** How long a test waits for an expected frame or event before failing. */
export const WAIT_MS = 20_000;

type Predicate = (frame: ClientFrame) => boolean;
type FrameOf<T extends ClientFrame["t"]> = Extract<ClientFrame, { t: T }>;

interface Waiter {
  predicate: Predicate;
  resolve(frame: ClientFrame): void;
}

/** One client socket as the fake server sees it. */
export class FakeConnection {
  /** Every frame received, in order. */
  readonly received: ClientFrame[] = [];
  /** The request path the client connected to. */
  path = "";
  /** Resolves with the close code when the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #taken = new Set<ClientFrame>();
  readonly #waiters: Waiter[] = [];

  constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const frame = JSON.parse(String(data)) as ClientFrame;
      this.received.push(frame);
      const index = this.#waiters.findIndex((waiter) => waiter.predicate(frame));
      if (index >= 0) {
        const [waiter] = this.#waiters.splice(index, 1);
        this.#taken.add(frame);
        waiter?.resolve(frame);
      }
    });
    this.closed = new Promise((resolve) => {
      socket.on("close", (code, reason) => resolve({ code, reason: String(reason) }));
    });
  }

  /**
   * Waits for the first frame not yet taken by an earlier `next` that has type `t`
   * and matches `predicate`; fails after {@link WAIT_MS}.
   */
  next<T extends ClientFrame["t"]>(t: T, predicate: (frame: FrameOf<T>) => boolean = () => true): Promise<FrameOf<T>> {
    const matches: Predicate = (frame) => frame.t === t && predicate(frame as FrameOf<T>);
    const found = this.received.find((frame) => !this.#taken.has(frame) && matches(frame));
    if (found) {
      this.#taken.add(found);
      return Promise.resolve(found as FrameOf<T>);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate: matches,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame as FrameOf<T>);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no "${t}" frame within ${WAIT_MS} ms; received: ${JSON.stringify(this.received)}`));
      }, WAIT_MS);
      this.#waiters.push(waiter);
    });
  }

  /** Sends a raw frame to the client. */
  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Answers the hello with a welcome. */
  welcome(identity: SessionIdentity, limits: Partial<Limits> = {}): void {
    this.send({
      t: "welcome",
      sessionId: "SESSION_1",
      identity,
      limits: { ...DEFAULT_LIMITS, ...limits },
      serverTime: new Date().toISOString(),
    });
  }

  /** Waits for the hello, then welcomes it. Returns the hello. */
  async acceptHello(identity: SessionIdentity, limits: Partial<Limits> = {}): Promise<FrameOf<"hello">> {
    const hello = await this.next("hello");
    this.welcome(identity, limits);
    return hello;
  }

  /** A successful reply. */
  reply(rid: number, result: unknown): void {
    this.send({ t: "reply", rid, ok: true, result });
  }

  /** An error reply. */
  replyError(rid: number, code: ErrorCode, message: string = code, details?: Record<string, unknown>): void {
    this.send({ t: "reply", rid, ok: false, error: { code, message, ...(details ? { details } : {}) } });
  }

  /** A stored event. */
  event<N extends keyof StoredEventMap>(chatId: string, seq: number, name: N, data: StoredEventMap[N]): void {
    this.send({ t: "event", chatId, seq, name, data });
  }

  /** Closes the socket with a code, as the server would. */
  close(code: number, reason = ""): void {
    this.socket.close(code, reason);
  }

  /** Drops the TCP connection without a closing handshake. */
  terminate(): void {
    this.socket.terminate();
  }
}

/** One HTTP request as the fake server received it, body read whole, waiting for the test's answer. */
export class FakeHttpRequest {
  constructor(
    readonly method: string,
    /** Path and query, e.g. `/v1/contacts/CHAT_…/uploads?messageType=IMAGE`. */
    readonly url: string,
    readonly headers: IncomingHttpHeaders,
    readonly body: Buffer,
    private readonly response: ServerResponse,
  ) {}

  /** The query parameters. */
  get query(): URLSearchParams {
    return new URL(this.url, "http://fake").searchParams;
  }

  /** The path without the query. */
  get path(): string {
    return new URL(this.url, "http://fake").pathname;
  }

  /** Answers with a status and a body: bytes as `application/octet-stream`, anything else as JSON. */
  respond(status: number, body?: unknown, headers: Record<string, string> = {}): void {
    const isBytes = body instanceof Uint8Array;
    const payload = body === undefined ? "" : isBytes ? body : JSON.stringify(body);
    this.response.writeHead(status, {
      "content-type": isBytes ? "application/octet-stream" : "application/json",
      ...headers,
    });
    this.response.end(payload);
  }

  /** Answers with the protocol's error body `{ error: { code, message, details? } }`. */
  respondError(status: number, code: ErrorCode, details?: Record<string, unknown>, headers: Record<string, string> = {}): void {
    this.respond(status, { error: { code, message: code, ...(details ? { details } : {}) } }, headers);
  }

  /** Drops the connection without answering: a network failure for the client. */
  destroy(): void {
    this.response.socket?.destroy();
  }
}

/** The fake server: a `ws` server on an ephemeral port, handing each socket to the test. */
export class FakeServer {
  readonly connections: FakeConnection[] = [];
  /** Every HTTP request received, in order. */
  readonly httpRequests: FakeHttpRequest[] = [];
  #handed = 0;
  #waiters: ((connection: FakeConnection) => void)[] = [];
  #httpHanded = 0;
  #httpWaiters: ((request: FakeHttpRequest) => void)[] = [];

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
  ) {
    http.on("request", (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const fake = new FakeHttpRequest(request.method ?? "", request.url ?? "", request.headers, Buffer.concat(chunks), response);
        this.httpRequests.push(fake);
        const waiter = this.#httpWaiters.shift();
        if (waiter) {
          this.#httpHanded++;
          waiter(fake);
        }
      });
    });
    wss.on("connection", (socket, request) => {
      const connection = new FakeConnection(socket);
      connection.path = request.url ?? "";
      this.connections.push(connection);
      const waiter = this.#waiters.shift();
      if (waiter) {
        this.#handed++;
        waiter(connection);
      }
    });
  }

  /** Starts a server on 127.0.0.1 and an ephemeral port. */
  static start(): Promise<FakeServer> {
    return new Promise((resolve) => {
      const http = createServer();
      const wss = new WebSocketServer({ server: http });
      http.listen(0, "127.0.0.1", () => resolve(new FakeServer(http, wss)));
    });
  }

  /** The server's base URL, as given to `init({ serverUrl })`. */
  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** Waits for the next HTTP request not yet handed to the test; fails after {@link WAIT_MS}. */
  nextRequest(): Promise<FakeHttpRequest> {
    const ready = this.httpRequests[this.#httpHanded];
    if (ready) {
      this.#httpHanded++;
      return Promise.resolve(ready);
    }
    return new Promise((resolve, reject) => {
      const waiter = (request: FakeHttpRequest) => {
        clearTimeout(timer);
        resolve(request);
      };
      const timer = setTimeout(() => {
        this.#httpWaiters.splice(this.#httpWaiters.indexOf(waiter), 1);
        reject(new Error(`no HTTP request within ${WAIT_MS} ms`));
      }, WAIT_MS);
      this.#httpWaiters.push(waiter);
    });
  }

  /** Waits for the next client socket not yet handed to the test. */
  nextConnection(): Promise<FakeConnection> {
    const ready = this.connections[this.#handed];
    if (ready) {
      this.#handed++;
      return Promise.resolve(ready);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connection within ${WAIT_MS} ms`)), WAIT_MS);
      this.#waiters.push((connection) => {
        clearTimeout(timer);
        resolve(connection);
      });
    });
  }

  /** Closes every socket, HTTP connection and the server. */
  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

/**
 * A fresh fake server for each test of the file, closed after it: call once at
 * the top of a test file and read `fake.server` inside the tests.
 */
export function useFakeServer(): { readonly server: FakeServer } {
  let current: FakeServer | undefined;
  beforeEach(async () => {
    current = await FakeServer.start();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get server(): FakeServer {
      if (current === undefined) throw new Error("the fake server runs only inside a test");
      return current;
    },
  };
}
