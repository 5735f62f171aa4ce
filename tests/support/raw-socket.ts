/**
 * A raw protocol client for attack tests: it speaks frames directly (no SDK
 * pacing, no retries), keeps every frame it receives and never sleeps.
 */
import WebSocket from "ws";
import { SOCKET_PATH } from "@parley/protocol";
import { waitFor } from "./wait.js";

export type Frame = Record<string, unknown> & { t: string };

export function socketUrl(serverUrl: string): string {
  return `${serverUrl.replace(/^http/, "ws")}${SOCKET_PATH}`;
}

export class RawSocket {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;
  private rid = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: WebSocket.RawData) => this.frames.push(JSON.parse(String(data)) as Frame));
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  /** Opens a socket (no hello yet); rejects when the upgrade is refused. */
  static open(serverUrl: string, headers: Record<string, string> = {}): Promise<RawSocket> {
    const ws = new WebSocket(socketUrl(serverUrl), { headers });
    const socket = new RawSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(socket));
      ws.once("error", reject);
    });
  }

  /** Opens a socket and says hello; resolves once welcomed or refused (see `welcome`). */
  static async connect(serverUrl: string, token: string, headers: Record<string, string> = {}): Promise<RawSocket> {
    const socket = await RawSocket.open(serverUrl, headers);
    socket.send({ t: "hello", token, v: 1 });
    await waitFor(
      () => socket.frames.some((f) => f.t === "welcome" || f.t === "error") || socket.closed !== undefined,
      () => "the welcome",
    );
    return socket;
  }

  get isWelcomed(): boolean {
    return this.frames.some((f) => f.t === "welcome");
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Sends a request with a fresh rid; returns the rid. */
  sendRequest(frame: Record<string, unknown>): number {
    const rid = this.rid++;
    this.send({ ...frame, rid });
    return rid;
  }

  /** Sends a request and waits for its reply. */
  async request(frame: Record<string, unknown>, timeoutMs = 20_000): Promise<Frame> {
    const rid = this.sendRequest(frame);
    await waitFor(() => this.replyTo(rid) !== undefined, () => `the reply to ${String(frame.t)} ${rid}`, timeoutMs);
    return this.replyTo(rid) as Frame;
  }

  replyTo(rid: number): Frame | undefined {
    return this.frames.find((f) => (f.t === "reply" || f.t === "pong") && f.rid === rid);
  }

  /** Replies and error frames carrying this error code. */
  errorsWithCode(code: string): Frame[] {
    return this.frames.filter((f) => (f.error as { code?: string } | undefined)?.code === code);
  }

  close(): void {
    this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }
}
