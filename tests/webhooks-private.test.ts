/**
 * `PARLEY_WEBHOOK_PRIVATE=deny` on a real server process: endpoints on
 * loopback, private or link-local addresses (by address or by a name that
 * resolves to one) are refused with a coded error, and an endpoint that got
 * in anyway (the command line runs with the default, `allow`) is checked
 * again at every delivery: the attempt fails with its reason in the log and
 * the receiver hears nothing.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ServerProcess, freePort, loginAgent, tempDataDir } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { WebhookReceiver } from "./support/webhook-receiver.js";

const run = promisify(execFile);
const SECRET = "receiver-secret-0123456789";

let dataDir: { dir: string; remove: () => Promise<void> };
let server: ServerProcess;
let admin: string;
const hook = new WebhookReceiver();

function call(method: string, route: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${admin}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

beforeAll(async () => {
  dataDir = await tempDataDir();
  await run(process.execPath, [CLI, "agent", "add", "ada", "--password", "ada-password-1", "--role", "admin", "--data-dir", dataDir.dir]);
  server = new ServerProcess(await freePort(), dataDir.dir, { PARLEY_WEBHOOK_PRIVATE: "deny", PARLEY_WEBHOOK_POLL_MS: "100", PARLEY_WEBHOOK_RETRY_BASE_MS: "200" });
  await server.start();
  admin = await loginAgent(server.url, "ada", "ada-password-1");
  await hook.start();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await hook.stop();
  await dataDir?.remove();
});

describe("private webhook addresses denied", { timeout: 120_000 }, () => {
  it("refuses endpoints on loopback, private and link-local addresses, by address or by name, and changes nothing", async () => {
    const port = new URL(hook.url).port;
    const refused: Array<[string, string]> = [
      [hook.url, "127.0.0.1"],
      [`http://localhost:${port}/hooks/parley`, "127.0.0.1"],
      ["http://169.254.169.254/latest/meta-data/", "169.254.169.254"],
      ["http://10.1.2.3/hook", "10.1.2.3"],
      ["http://192.168.0.10:8080/hook", "192.168.0.10"],
      [`http://[::1]:${port}/hook`, "::1"],
      ["http://[::ffff:127.0.0.1]/hook", "::ffff:7f00:1"],
      ["http://[fd12:3456::1]/hook", "fd12:3456::1"],
      ["http://[fe80::1]/hook", "fe80::1"],
    ];
    for (const [url, address] of refused) {
      const answer = await call("POST", "/v1/webhooks", { url, secret: SECRET });
      expect(answer.status, url).toBe(400);
      const body = (await answer.json()) as { error: { code: string; details?: { address?: string } } };
      expect(body.error.code, url).toBe("WEBHOOK_URL_PRIVATE");
      // localhost may resolve to ::1 first: any loopback address is the reason.
      if (!url.includes("localhost")) expect(body.error.details?.address, url).toBe(address);
    }
    // A public address is taken; it may not be moved to a private one.
    const created = await call("POST", "/v1/webhooks", { url: "https://93.184.215.14/hook", secret: SECRET });
    expect(created.status).toBe(201);
    const { webhook } = (await created.json()) as { webhook: { id: string } };
    const moved = await call("PATCH", `/v1/webhooks/${webhook.id}`, { url: "http://169.254.169.254/" });
    expect(((await moved.json()) as { error: { code: string } }).error.code).toBe("WEBHOOK_URL_PRIVATE");
    const listed = (await (await call("GET", "/v1/webhooks")).json()) as { webhooks: Array<{ id: string; url: string }> };
    expect(listed.webhooks.map((w) => w.url)).toEqual(["https://93.184.215.14/hook"]);
    expect((await call("DELETE", `/v1/webhooks/${webhook.id}`)).status).toBe(200);
  });

  it("checks the address again at every delivery: an endpoint resolving to loopback fails with the reason recorded, and nothing is sent", async () => {
    // The command line runs with the default (allow), as a name that resolved elsewhere at registration would have got in.
    const url = `http://localhost:${new URL(hook.url).port}/hooks/parley`;
    const { stdout } = await run(process.execPath, [CLI, "webhook", "add", url, "--secret", SECRET, "--events", "chat.started", "--data-dir", dataDir.dir]);
    const id = /WHK_[0-9a-f-]{36}/.exec(stdout)?.[0] ?? "";
    expect(id).not.toBe("");
    // The running server reads the tenant's endpoints again within 10 s (no Redis here): chats are started until one is announced.
    let lastStart = 0;
    const refusals = async () => {
      const log = (await (await call("GET", `/v1/webhooks/${id}/deliveries`)).json()) as { deliveries: Array<{ attempts: number; lastError: string | null; status: string }> };
      return log.deliveries.filter((d) => d.attempts >= 1 && d.lastError !== null);
    };
    await waitFor(
      async () => {
        if ((await refusals()).length > 0) return true;
        if (Date.now() - lastStart >= 1_000) {
          lastStart = Date.now();
          await fetch(`${server.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Carla"}' });
        }
        return false;
      },
      () => "a refused delivery in the log",
      40_000,
    );
    const [refused] = await refusals();
    expect(refused).toMatchObject({ status: "pending" });
    expect(refused!.lastError).toMatch(/^refused: localhost resolves to the private address (127\.0\.0\.1|::1) \(PARLEY_WEBHOOK_PRIVATE=deny\)$/);
    const ping = (await (await call("POST", `/v1/webhooks/${id}/ping`)).json()) as { ok: boolean; error: string };
    expect(ping.ok).toBe(false);
    expect(ping.error).toContain("private address");
    expect(hook.requests).toEqual([]);
  });
});
