/**
 * Webhooks end to end: a server process, the real CLI, REST over real
 * sockets and a real HTTP receiver. Deliveries are signed (checked by
 * Python's hmac), arrive in the chat's order, are retried while the receiver
 * fails, survive a SIGKILL between the commit and the delivery, and are
 * managed by admins only.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, expectOk } from "./support/look-alike-tenants.js";
import { makePdf } from "./support/media-files.js";
import { CLI, ServerProcess, freePort, loginAgent, tempDataDir } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { verifiedByPython, WebhookReceiver } from "./support/webhook-receiver.js";

const run = promisify(execFile);
const SECRET = "receiver-secret-0123456789";
/** Fast polls and retries, so that a receiver down for a while is retried within the test. */
const WEBHOOK_ENV = { PARLEY_WEBHOOK_POLL_MS: "100", PARLEY_WEBHOOK_RETRY_BASE_MS: "200" };

let dataDir: { dir: string; remove: () => Promise<void> };
let server: ServerProcess;
let adminToken: string;
let agentToken: string;
const receivers: WebhookReceiver[] = [];

async function cli(...args: string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, [CLI, ...args, "--data-dir", dataDir.dir]);
  return stdout.trim().split("\n");
}

function call(method: string, route: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function receiver(): Promise<WebhookReceiver> {
  const made = new WebhookReceiver();
  await made.start();
  receivers.push(made);
  return made;
}

async function register(url: string, events?: string[]): Promise<string> {
  const response = await call("POST", "/v1/webhooks", adminToken, { url, secret: SECRET, ...(events === undefined ? {} : { events }) });
  expect(response.status).toBe(201);
  const body = await json<{ webhook: { id: string }; secret?: string }>(response);
  expect(body.secret).toBeUndefined();
  return body.webhook.id;
}

async function startChat(): Promise<string> {
  const started = await json<{ contact: { id: string } }>(
    await fetch(`${server.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Carla"}' }),
  );
  return started.contact.id;
}

async function agentSays(chatId: string, text: string): Promise<void> {
  const response = await call("POST", `/livechat/default/sendTextMessageToActiveChat/${chatId}`, agentToken, { text });
  expect(response.status).toBe(200);
}

function ofChat(received: WebhookReceiver, chatId: string) {
  return received.accepted.filter((body) => body.data.chatId === chatId);
}

beforeAll(async () => {
  dataDir = await tempDataDir();
  await cli("agent", "add", "ada", "--password", "ada-password-1", "--nickname", "Ada", "--role", "admin");
  await cli("agent", "add", "bob", "--password", "bob-password-1", "--nickname", "Bob");
  server = new ServerProcess(await freePort(), dataDir.dir, WEBHOOK_ENV);
  await server.start();
  adminToken = await loginAgent(server.url, "ada", "ada-password-1");
  agentToken = await loginAgent(server.url, "bob", "bob-password-1");
}, 120_000);

afterAll(async () => {
  await server?.stop();
  for (const made of receivers) await made.stop();
  await dataDir?.remove();
});

describe("webhooks", { timeout: 120_000 }, () => {
  it("sends a chat's life in order, each delivery signed as an independent implementation verifies", async () => {
    const hook = await receiver();
    await register(hook.url);
    const chatId = await startChat();
    await agentSays(chatId, "Hello Carla");
    expect((await call("POST", "/livechat/default/endContactByChatID", agentToken, { chatID: chatId })).status).toBe(200);
    await waitFor(() => ofChat(hook, chatId).length >= 5, () => `5 deliveries, got ${JSON.stringify(ofChat(hook, chatId).map((b) => b.type))}`);
    const bodies = ofChat(hook, chatId);
    expect(bodies.map((b) => b.type)).toEqual(["chat.started", "chat.queued", "chat.assigned", "message.created", "chat.ended"]);
    expect(bodies.map((b) => b.data.seq)).toEqual([...bodies.map((b) => b.data.seq as number)].sort((a, b) => a - b));
    const message = bodies[3]!;
    expect(Object.keys(message)).toEqual(["id", "type", "createdAt", "tenant", "data"]);
    expect(message).toMatchObject({ tenant: "default", data: { chatId, messageType: "TEXT", content: { text: "Hello Carla" } } });
    for (const request of hook.requests) {
      expect(await verifiedByPython(SECRET, request)).toBe(true);
      expect(request.headers["parley-event-id"]).toBe(JSON.parse(request.body).id);
      expect(Math.abs(Number(request.headers["parley-timestamp"]) - Date.now() / 1000)).toBeLessThan(300);
      expect(String(request.headers["parley-signature"])).toMatch(/^v1=[0-9a-f]{64}$/);
    }
    // A body altered by one byte no longer verifies.
    const forged = { ...hook.requests[0]!, body: hook.requests[0]!.body.replace("chat.started", "chat.startex") };
    expect(await verifiedByPython(SECRET, forged)).toBe(false);
  });

  it("retries while the receiver fails, then delivers every event once accepted, in order; the log shows it and redelivers", async () => {
    const hook = await receiver();
    hook.status = 503;
    const id = await register(hook.url, ["message.created"]);
    const chatId = await startChat();
    for (const text of ["one", "two", "three"]) await agentSays(chatId, text);
    // The first message is tried again and again; the others wait behind it.
    await waitFor(() => hook.requests.length >= 3, () => `3 failed attempts, got ${hook.requests.length}`);
    expect(new Set(hook.requests.map((r) => JSON.parse(r.body).data.content.text))).toEqual(new Set(["one"]));
    const failing = await json<{ deliveries: Array<{ status: string; attempts: number; lastCode: number | null; nextAttemptAt: string | null }> }>(
      await call("GET", `/v1/webhooks/${id}/deliveries?status=pending`, adminToken),
    );
    expect(failing.deliveries.some((d) => d.attempts >= 1 && d.lastCode === 503 && d.nextAttemptAt !== null)).toBe(true);
    hook.status = 200;
    await waitFor(() => ofChat(hook, chatId).length >= 3, () => `3 accepted, got ${ofChat(hook, chatId).length}`);
    expect(ofChat(hook, chatId).map((b) => b.data.content)).toMatchObject([{ text: "one" }, { text: "two" }, { text: "three" }]);
    const log = await json<{ deliveries: Array<{ id: string; eventId: string; status: string; attempts: number; lastCode: number }> }>(
      await call("GET", `/v1/webhooks/${id}/deliveries`, adminToken),
    );
    expect(log.deliveries.map((d) => d.status)).toEqual(["delivered", "delivered", "delivered"]);
    const first = log.deliveries[2]!;
    expect(first.attempts).toBeGreaterThan(1);
    expect(first.lastCode).toBe(200);
    // Redelivered: the same event, with the same id for the receiver to recognise.
    const redelivered = await call("POST", `/v1/webhooks/${id}/deliveries/${first.id}/redeliver`, adminToken);
    expect(redelivered.status).toBe(200);
    await waitFor(() => hook.accepted.filter((b) => b.id === first.eventId).length === 2, () => "the redelivery");
  });

  it("announces a file as a download link that works, never its bytes", async () => {
    const hook = await receiver();
    await register(hook.url, ["message.created"]);
    const started = await json<{ contact: { id: string }; token: string }>(
      await fetch(`${server.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Carla"}' }),
    );
    const chatId = started.contact.id;
    const customer = await connect(server.url, started.token);
    try {
      await expectOk(customer, { t: "join", chatId });
      const pdf = makePdf("Invoice for the webhook");
      const uploaded = await fetch(`${server.url}/v1/contacts/${chatId}/uploads?messageType=DOCUMENT&fileName=invoice.pdf`, {
        method: "POST",
        headers: { authorization: `Bearer ${started.token}`, "content-type": "application/octet-stream" },
        body: new Uint8Array(pdf),
      });
      expect(uploaded.status).toBe(201);
      const { uploadId } = await json<{ uploadId: string }>(uploaded);
      await expectOk(customer, { t: "send", chatId, clientId: "webhook-file-1", kind: "media", messageType: "DOCUMENT", uploadId, caption: "my invoice" });
      await waitFor(() => ofChat(hook, chatId).length >= 1, () => "the file's message.created");
      const [body] = ofChat(hook, chatId);
      const content = body!.data.content as { caption: string; inline: boolean; document?: string; download: { url: string; expiresAt: string } };
      expect(content).toMatchObject({ caption: "my invoice", inline: false });
      expect(content.document).toBeUndefined();
      expect(hook.requests.some((r) => r.body.includes(pdf.toString("base64").slice(0, 200)))).toBe(false);
      expect(Date.parse(content.download.expiresAt) - Date.now()).toBeGreaterThan(6 * 24 * 60 * 60 * 1000);
      // The link opens the file without a token (a path: PARLEY_PUBLIC_URL is not set here).
      const downloaded = await fetch(`${server.url}${content.download.url}`);
      expect(downloaded.status).toBe(200);
      expect(Buffer.from(await downloaded.arrayBuffer()).equals(pdf)).toBe(true);
    } finally {
      customer.close();
    }
  });

  it("is managed by admins only, refuses credentials in URLs and short secrets, and shows a generated secret once", async () => {
    const refusals: Array<[unknown, number, string]> = [
      [{ url: "https://user:pw@example.com/hook", secret: SECRET }, 400, "WEBHOOK_URL_INVALID"],
      [{ url: "ftp://example.com/hook", secret: SECRET }, 400, "WEBHOOK_URL_INVALID"],
      [{ url: "https://example.com/hook", secret: "short" }, 400, "VALIDATION_FAILED"],
      [{ url: "https://example.com/hook", secret: SECRET, events: ["chat.exploded"] }, 400, "VALIDATION_FAILED"],
    ];
    for (const [body, status, code] of refusals) {
      const response = await call("POST", "/v1/webhooks", adminToken, body);
      expect(response.status).toBe(status);
      expect((await json<{ error: { code: string } }>(response)).error.code).toBe(code);
    }
    const byAgent = await call("GET", "/v1/webhooks", agentToken);
    expect(byAgent.status).toBe(403);
    expect((await json<{ error: { code: string } }>(byAgent)).error.code).toBe("ROLE_FORBIDDEN");
    const created = await json<{ webhook: { id: string }; secret: string }>(await call("POST", "/v1/webhooks", adminToken, { url: "https://example.com/generated" }));
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await (await call("GET", "/v1/webhooks", adminToken)).text();
    expect(listed).toContain(created.webhook.id);
    expect(listed).not.toContain(created.secret);
    const disabled = await json<{ webhook: { enabled: boolean; disabledReason: string } }>(await call("PATCH", `/v1/webhooks/${created.webhook.id}`, adminToken, { enabled: false }));
    expect(disabled.webhook).toMatchObject({ enabled: false, disabledReason: "admin" });
    expect((await call("DELETE", `/v1/webhooks/${created.webhook.id}`, adminToken)).status).toBe(200);
    expect((await call("DELETE", `/v1/webhooks/${created.webhook.id}`, adminToken)).status).toBe(404);
  });

  it("adds, lists and removes endpoints from the command line", async () => {
    const added = await cli("webhook", "add", "https://crm.example.com/parley", "--secret", SECRET, "--events", "chat.started,chat.ended");
    const id = /WHK_[0-9a-f-]{36}/.exec(added[0]!)?.[0];
    expect(id).toBeDefined();
    expect((await cli("webhook", "list")).join("\n")).toContain(`${id}  https://crm.example.com/parley  chat.started,chat.ended  enabled`);
    const generated = await cli("webhook", "add", "https://crm.example.com/other");
    expect(generated[generated.length - 1]).toMatch(/^whsec_/);
    await expect(cli("webhook", "add", "https://crm.example.com/x", "--events", "chat.exploded")).rejects.toThrow(/unknown event type/);
    expect(await cli("webhook", "remove", id!)).toEqual([`Webhook ${id} removed.`]);
    expect((await cli("webhook", "list")).join("\n")).not.toContain(id);
  });

  it("delivers after a restart what was committed before the process was killed", async () => {
    const hook = await receiver();
    const url = hook.url;
    await hook.stop();
    const id = await register(url, ["chat.started", "message.created"]);
    const chatId = await startChat();
    await agentSays(chatId, "before the crash");
    // Committed and tried at least once (refused: nobody listens), not delivered.
    await waitFor(
      async () => {
        const log = await json<{ deliveries: Array<{ attempts: number }> }>(await call("GET", `/v1/webhooks/${id}/deliveries`, adminToken));
        return log.deliveries.length === 2 && log.deliveries.some((d) => d.attempts >= 1);
      },
      () => "a failed attempt",
    );
    await server.kill();
    await hook.start();
    await server.start();
    await waitFor(() => ofChat(hook, chatId).length >= 2, () => `2 deliveries after the restart, got ${ofChat(hook, chatId).length}`, 30_000);
    expect(ofChat(hook, chatId).map((b) => b.type)).toEqual(["chat.started", "message.created"]);
    adminToken = await loginAgent(server.url, "ada", "ada-password-1");
  });
});
