/**
 * A webhook receiver for tests: a real HTTP server on a loopback port that
 * records every request (headers and raw body) and answers as told — 200, a
 * failure status, or not at all (closed: the connection is refused).
 * @module
 */
import { execFile } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The raw body, as received. */
  body: string;
  /** What the receiver answered. */
  answered: number;
}

export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  /** The status answered; 200 by default. */
  status = 200;
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/parley`;
  }

  /** The bodies answered 2xx, parsed, in the order they arrived. */
  get accepted(): Array<{ id: string; type: string; createdAt: string; tenant: string; data: Record<string, unknown> }> {
    return this.requests.filter((r) => r.answered >= 200 && r.answered < 300).map((r) => JSON.parse(r.body));
  }

  /** Listens (again, on the same port when it listened before). */
  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        this.requests.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), answered: this.status });
        response.writeHead(this.status, { "content-type": "text/plain" }).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: deliveries are refused until {@link start}. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Checks a delivery's signature with an implementation independent of
 * Parley's: Python's hmac module, as a receiver written in Python would.
 */
export async function verifiedByPython(secret: string, received: ReceivedWebhook): Promise<boolean> {
  const script = [
    "import hmac, hashlib, json, sys",
    "given = json.load(sys.stdin)",
    "expected = 'v1=' + hmac.new(given['secret'].encode(), (given['timestamp'] + '.' + given['body']).encode(), hashlib.sha256).hexdigest()",
    "print('valid' if hmac.compare_digest(expected, given['signature']) else 'invalid')",
  ].join("\n");
  const input = JSON.stringify({
    secret,
    timestamp: String(received.headers["parley-timestamp"]),
    body: received.body,
    signature: String(received.headers["parley-signature"]),
  });
  const child = run("python3", ["-c", script]);
  child.child.stdin?.end(input);
  const { stdout } = await child;
  return stdout.trim() === "valid";
}
