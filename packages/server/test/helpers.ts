/** Test helpers: temp dirs, a server on port 0, and raw WebSocket clients that await frames. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { createParleyServer, type ParleyServer, type ParleyServerOptions } from "../src/index.js";

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "parley-server-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const SECRET = "test-secret-0123456789-abcdefghijklmnop";

export interface Running {
  server: ParleyServer;
  url: string;
  wsUrl: string;
  stop: () => Promise<void>;
}

export async function startServer(options: ParleyServerOptions = {}): Promise<Running> {
  const dir = tempDir();
  // Like the rate limits, an agent's capacity is raised for tests that use one agent for many chats.
  const server = createParleyServer({ dataDir: dir.path, secret: SECRET, port: 0, host: "127.0.0.1", logLevel: "silent", agentCapacity: 10_000, ...options });
  const { url } = await server.listen();
  return {
    server,
    url,
    wsUrl: `${url.replace("http", "ws")}/v1/socket`,
    stop: async () => {
      await server.close();
      dir.remove();
    },
  };
}

export type Frame = Record<string, unknown> & { t: string };

/** A raw client: sends raw strings, awaits frames by predicate, never sleeps. */
export class RawClient {
  readonly ws: WebSocket;
  private readonly frames: Frame[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private closeWaiters: ((info: { code: number; reason: string }) => void)[] = [];
  closed: { code: number; reason: string } | undefined;
  private rid = 1;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data)) as Frame;
      const index = this.waiters.findIndex((w) => w.match(frame));
      if (index >= 0) {
        const [waiter] = this.waiters.splice(index, 1);
        waiter?.resolve(frame);
      } else this.frames.push(frame);
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.closeWaiters) w(this.closed);
    });
  }

  static open(url: string, options?: WebSocket.ClientOptions): Promise<RawClient> {
    const ws = new WebSocket(url, options);
    const client = new RawClient(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
    });
  }

  /** Opens a socket and says hello; resolves with the welcome frame. */
  static async connect(url: string, token: string, options?: WebSocket.ClientOptions): Promise<{ client: RawClient; welcome: Frame }> {
    const client = await RawClient.open(url, options);
    client.send({ t: "hello", token, v: 1 });
    const welcome = await client.next((f) => f.t === "welcome" || f.t === "error");
    if (welcome.t !== "welcome") throw new Error(`hello refused: ${JSON.stringify(welcome)}`);
    return { client, welcome };
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The next frame matching, already received or to come; fails after `timeoutMs`. */
  next(match: (f: Frame) => boolean, timeoutMs = 20_000): Promise<Frame> {
    const index = this.frames.findIndex(match);
    if (index >= 0) return Promise.resolve(this.frames.splice(index, 1)[0] as Frame);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching frame within ${timeoutMs} ms; unmatched: ${JSON.stringify(this.frames).slice(0, 500)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Sends a request with a fresh rid and awaits its reply. */
  async request(frame: Record<string, unknown>, timeoutMs?: number): Promise<Frame> {
    const rid = this.rid++;
    this.send({ ...frame, rid });
    return this.next((f) => f.t === "reply" && f.rid === rid, timeoutMs);
  }

  /** Resolves once the server has closed the socket. */
  whenClosed(timeoutMs = 20_000): Promise<{ code: number; reason: string }> {
    if (this.closed !== undefined) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("socket not closed in time")), timeoutMs);
      this.closeWaiters.push((info) => {
        clearTimeout(timer);
        resolve(info);
      });
    });
  }

  /** Frames received and not consumed by a wait. */
  get unconsumed(): readonly Frame[] {
    return this.frames;
  }

  close(): void {
    this.ws.close();
  }
}

/** Starts a chat over REST; returns its id and the customer's token. */
export async function startContact(url: string, nickname = "Customer"): Promise<{ chatId: string; token: string; userId: string }> {
  const response = await fetch(`${url}/v1/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname }),
  });
  if (response.status !== 201) throw new Error(`startContact: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { contact: { id: string }; token: string; user: { id: string } };
  return { chatId: body.contact.id, token: body.token, userId: body.user.id };
}
