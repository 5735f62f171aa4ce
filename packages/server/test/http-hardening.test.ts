/**
 * The HTTP server's hardening, on a real server over real sockets:
 * authentication before the body, credentials out of the logs, security and
 * cache headers, and private data files.
 */
import { readFileSync, statSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgent } from "../src/auth/agents.js";
import { cacheControlOf } from "../src/http/media.js";
import { demoPagePolicy } from "../src/http/demo.js";
import { createLogger, type LogLevel } from "../src/logger.js";
import { startServer, tempDir, type Running } from "./helpers.js";

/** Collects what a logger writes, one parsed line each. */
function logCapture(level: LogLevel): { logger: ReturnType<typeof createLogger>; text: () => string; lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  const logger = createLogger(level, { write: (line: string) => written.push(line) });
  return {
    logger,
    text: () => written.join(""),
    lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A raw request that may never finish its body; records the answer and whether the server closed. */
async function rawRequest(port: number, head: string, bodyStart: string): Promise<{ answer: () => string; isClosed: () => boolean }> {
  const socket = net.connect({ host: "127.0.0.1", port });
  let answer = "";
  let isClosed = false;
  socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
  socket.on("close", () => (isClosed = true));
  socket.on("error", () => {});
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  socket.write(head + bodyStart);
  return { answer: () => answer, isClosed: () => isClosed };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("authentication before the body", () => {
  let running: Running;
  let agentToken: string;
  let customerToken: string;
  let chatId: string;

  beforeAll(async () => {
    running = await startServer();
    const agent = await createAgent(running.server.store.tenant("default"), { username: "ann", password: "secret-pass", nickname: "Ann" });
    agentToken = (await running.server.tokens.issueAgent(agent)).token;
    const started = (await (
      await fetch(`${running.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Carla"}' })
    ).json()) as { contact: { id: string }; token: string };
    chatId = started.contact.id;
    customerToken = started.token;
  });
  afterAll(() => running.stop());

  it("refuses a back-office POST without a token, or with a customer's, at once and without reading its stalled body", async () => {
    const port = Number(new URL(running.url).port);
    const head = (auth: string) =>
      "POST /livechat/default/endContactByChatID HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
      `${auth}Content-Length: 1000000\r\n\r\n`;
    const anonymous = await rawRequest(port, head(""), '{"chatID":"');
    const customer = await rawRequest(port, head(`Authorization: Bearer ${customerToken}\r\n`), '{"chatID":"');
    // The body never comes: only an answer given before reading it can arrive.
    await until(() => anonymous.isClosed() && customer.isClosed(), "both refusals and their connections closed");
    expect(anonymous.answer()).toMatch(/^HTTP\/1\.1 401 /);
    expect(anonymous.answer()).toContain('"code":"AUTH_REQUIRED"');
    expect(anonymous.answer()).toMatch(/\r\nconnection: close\r\n/i);
    expect(customer.answer()).toMatch(/^HTTP\/1\.1 403 /);
    expect(customer.answer()).toContain('"result":false');
    // Nothing happened to the chat.
    const transcript = await fetch(`${running.url}/livechat/default/getContactTranscriptByChatID/${chatId}`, {
      headers: { authorization: `Bearer ${agentToken}` },
    });
    expect(((await transcript.json()) as { isChatActive: boolean }).isChatActive).toBe(true);
  });

  it("takes the token from the Authorization header, the ctlivetoken header or the query, on every route", async () => {
    const transcript = `${running.url}/livechat/default/getContactTranscriptByChatID/${chatId}`;
    const answers = await Promise.all([
      fetch(transcript, { headers: { authorization: `Bearer ${agentToken}` } }),
      fetch(transcript, { headers: { ctlivetoken: agentToken } }),
      fetch(`${transcript}?ctlivetoken=${agentToken}`),
      fetch(`${running.url}/v1/chats`, { headers: { ctlivetoken: agentToken } }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const basic = await fetch(`${running.url}/v1/chats`, { headers: { authorization: "Basic YTpi" } });
    expect(basic.status).toBe(401);
    expect(await basic.json()).toMatchObject({ error: { code: "AUTH_INVALID_TOKEN" } });
    const unknownDomain = await fetch(`${running.url}/livechat/other/getContactTranscriptByChatID/${chatId}`, { headers: { ctlivetoken: agentToken } });
    expect(unknownDomain.status).toBe(404);
    const customerOnList = await fetch(`${running.url}/v1/chats`, { headers: { authorization: `Bearer ${customerToken}` } });
    expect(customerOnList.status).toBe(403);
  });
});

describe("logs", () => {
  it("never write a credential, from the query, headers, cookies or bodies, at any level", async () => {
    const capture = logCapture("debug");
    const running = await startServer({ logger: capture.logger });
    try {
      const agent = await createAgent(running.server.store.tenant("default"), { username: "bea", password: "bea-password-123", nickname: "Bea" });
      const token = (await running.server.tokens.issueAgent(agent)).token;
      const forged = `${token.slice(0, -4)}AAAA`;
      const list = `${running.url}/v1/chats`;
      await fetch(`${running.url}/livechat/default/getContactTranscriptByChatID/CHAT_nope?status=active&ctlivetoken=${token}`);
      await fetch(list, { headers: { authorization: `Bearer ${token}` } });
      await fetch(list, { headers: { ctlivetoken: token, cookie: "session=cookie-value-4242" } });
      await fetch(`${list}?ctlivetoken=${forged}`);
      await fetch(`${running.url}/livechat/default/getContactTranscriptByChatID/CHAT_nope?ctlivetoken=${token}`);
      await fetch(`${running.url}/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "bea", password: "bea-password-123" }),
      });
      await fetch(`${running.url}/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"username":"bea","password":"wrong-password-9"',
      });
      running.server.logger.error({ url: `/x?ctlivetoken=${token}`, headers: { authorization: `Bearer ${token}` } }, `failed for Bearer ${token}`);
      running.server.logger.error(new Error(`GET /x?signature=sig-secret-77&ctlivetoken=${token} failed`));
      const text = capture.text();
      for (const secret of [token, forged, "cookie-value-4242", "bea-password-123", "wrong-password-9", "sig-secret-77"]) {
        expect(text).not.toContain(secret);
      }
      const requests = capture.lines().filter((line) => line.msg === "request");
      expect(requests).toHaveLength(7);
      expect(requests[0]).toMatchObject({
        method: "GET",
        path: "/livechat/default/getContactTranscriptByChatID/CHAT_nope",
        url: "/livechat/default/getContactTranscriptByChatID/CHAT_nope?status=active&ctlivetoken=[redacted]",
      });
    } finally {
      await running.stop();
    }
  });

  it("write no line per request at the default level, failures aside", async () => {
    const capture = logCapture("info");
    const running = await startServer({ logger: capture.logger });
    try {
      for (let i = 0; i < 5; i++) await fetch(`${running.url}/healthz`);
      await fetch(`${running.url}/v1/chats?ctlivetoken=not-a-token`);
      const lines = capture.lines().filter((line) => line.msg !== "parley listening" && line.msg !== "Server listening at " + running.url);
      expect(lines.filter((line) => typeof line.msg === "string" && /request|incoming/.test(line.msg))).toEqual([]);
    } finally {
      await running.stop();
    }
  });
});

describe("headers", () => {
  let running: Running;
  beforeAll(async () => {
    running = await startServer();
  });
  afterAll(() => running.stop());

  it("give the demo page and the console a Content-Security-Policy that forbids framing and inline scripts", async () => {
    for (const path of ["/", "/console"]) {
      const page = await fetch(`${running.url}${path}`);
      const policy = page.headers.get("content-security-policy") ?? "";
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain("unsafe-inline");
      expect(page.headers.get("x-content-type-options")).toBe("nosniff");
      expect(page.headers.get("referrer-policy")).toBe("no-referrer");
      expect(await page.text()).toContain('rel="icon" href="/favicon.ico"');
    }
    // Every inline style of the demo page is allowed by its hash, nothing else inline is.
    const html = readFileSync(new URL("../public/demo.html", import.meta.url), "utf8");
    expect(demoPagePolicy(html)).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
  });

  it("mark scripts, errors and the icon nosniff, and keep every API answer out of caches", async () => {
    for (const path of ["/widget.js", "/sdk/livechatsdk.js", "/nope", "/healthz"]) {
      expect((await fetch(`${running.url}${path}`)).headers.get("x-content-type-options"), path).toBe("nosniff");
    }
    const icon = await fetch(`${running.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/x-icon");
    expect(Buffer.from(await icon.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));

    const started = await fetch(`${running.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Carla"}' });
    expect(started.headers.get("cache-control")).toBe("no-store");
    const login = await fetch(`${running.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"username":"nobody","password":"nothing-here"}',
    });
    expect(login.headers.get("cache-control")).toBe("no-store");
    const transcript = await fetch(`${running.url}/livechat/default/getContactTranscriptByChatID/CHAT_x`);
    expect(transcript.headers.get("cache-control")).toBe("no-store");
  });

  it("never let a media download be cached past its signed link's expiry", () => {
    const now = 1_000_000_000;
    expect(cacheControlOf(now + 300_000, now)).toBe("private, max-age=300");
    expect(cacheControlOf(now + 500, now)).toBe("private, no-store");
    expect(cacheControlOf(undefined, now)).toBe("private, no-cache");
  });
});

it("creates the data directory 0700 and the database, its WAL and the secret 0600", async () => {
  const parent = tempDir();
  const dir = join(parent.path, "data");
  // No secret given: it is generated into the new data directory.
  const running = await startServer({ dataDir: dir, secret: undefined });
  try {
    await fetch(`${running.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Carla"}' });
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, "secret"))).toBe(0o600);
    expect(mode(join(dir, "parley.db"))).toBe(0o600);
    expect(mode(join(dir, "parley.db-wal"))).toBe(0o600);
    expect(mode(join(dir, "parley.db-shm"))).toBe(0o600);
  } finally {
    await running.stop();
    parent.remove();
  }
});
