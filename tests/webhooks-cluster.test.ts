/**
 * Webhooks on two nodes sharing PostgreSQL and Redis: every node runs a
 * delivery worker, and each delivery reaches the receiver once, a chat's in
 * order, whichever node committed the event. An endpoint registered on one
 * node is used by the other's appends (the change travels over Redis). An
 * API key is refused outside its scopes on both nodes, and once revoked on
 * one node, on both.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describePostgres } from "../packages/server/test/pg-support.js";
import { startCluster, type Cluster } from "./support/cluster.js";
import { CLI } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { WebhookReceiver } from "./support/webhook-receiver.js";

const run = promisify(execFile);

describePostgres("webhooks on two nodes", { timeout: 180_000 }, () => {
  let cluster: Cluster;
  let key: string;
  const hook = new WebhookReceiver();

  beforeAll(async () => {
    cluster = await startCluster(["bob"], undefined, { PARLEY_WEBHOOK_POLL_MS: "50", PARLEY_WEBHOOK_RETRY_BASE_MS: "200" });
    const { stdout } = await run(process.execPath, [CLI, "key", "add", "hooks", "--scopes", "config:manage,chats:write", "--database-url", cluster.database.url, "--data-dir", cluster.a.dataDir]);
    key = stdout.trim().split("\n").pop()!;
    await hook.start();
  }, 240_000);

  afterAll(async () => {
    await hook.stop();
    await cluster?.close();
  });

  async function startChat(url: string): Promise<string> {
    const response = await fetch(`${url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Carla"}' });
    return ((await response.json()) as { contact: { id: string } }).contact.id;
  }

  async function say(url: string, chatId: string, text: string): Promise<void> {
    const response = await fetch(`${url}/livechat/default/sendTextMessageToActiveChat/${chatId}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    expect(response.status).toBe(200);
  }

  it("sends each delivery once, a chat's in order, whichever node committed it", async () => {
    // Node b reads the tenant's endpoints before there are any...
    await startChat(cluster.b.url);
    const registered = await fetch(`${cluster.a.url}/v1/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ url: hook.url, secret: "cluster-secret-0123456789" }),
    });
    expect(registered.status).toBe(201);
    // ...and hears of the new one over Redis: a chat it starts is announced.
    // A probe's delivery arrives after its start answers, so every probe
    // started so far counts, and probes are spaced rather than flooded.
    const probes = new Set<string>();
    let lastProbeAt = 0;
    await waitFor(
      async () => {
        if (hook.accepted.some((body) => probes.has(body.data.chatId as string))) return true;
        if (Date.now() - lastProbeAt >= 250) {
          lastProbeAt = Date.now();
          probes.add(await startChat(cluster.b.url));
        }
        return false;
      },
      () => `node b announcing one of ${probes.size} chats`,
      40_000,
    );
    const chats: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const [starts, answers] = i % 2 === 0 ? [cluster.a, cluster.b] : [cluster.b, cluster.a];
      const chatId = await startChat(starts.url);
      chats.push(chatId);
      for (const n of [1, 2, 3]) await say(answers.url, chatId, `reply ${n}`);
    }
    const ofCounted = () => hook.accepted.filter((body) => chats.includes(body.data.chatId as string));
    // Per chat: chat.started, chat.queued, chat.assigned, three messages.
    await waitFor(() => ofCounted().length >= chats.length * 6, () => `${chats.length * 6} deliveries, got ${ofCounted().length}`, 60_000);
    const ids = hook.requests.map((r) => JSON.parse(r.body).id as string);
    expect(ids.length).toBe(new Set(ids).size);
    for (const chatId of chats) {
      const bodies = ofCounted().filter((body) => body.data.chatId === chatId);
      expect(bodies.map((b) => b.type)).toEqual(["chat.started", "chat.queued", "chat.assigned", "message.created", "message.created", "message.created"]);
      expect(bodies.slice(3).map((b) => (b.data.content as { text: string }).text)).toEqual(["reply 1", "reply 2", "reply 3"]);
    }
  });
  it("refuses an API key outside its scope with API_KEY_SCOPE on both nodes, and a key revoked on one node on both", async () => {
    const made = await fetch(`${cluster.a.url}/v1/api-keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Reader", scopes: ["transcripts:read"] }),
    });
    expect(made.status).toBe(201);
    const { apiKey, key: reader } = (await made.json()) as { apiKey: { id: string }; key: string };
    const read = (url: string) => fetch(`${url}/v1/chats?limit=1`, { headers: { authorization: `Bearer ${reader}` } });
    // Both nodes know the key (and keep its lookup for a few seconds).
    for (const node of [cluster.a, cluster.b]) expect((await read(node.url)).status).toBe(200);
    const chatId = await startChat(cluster.a.url);
    for (const node of [cluster.a, cluster.b]) {
      const refused = await fetch(`${node.url}/livechat/default/sendTextMessageToActiveChat/${chatId}`, {
        method: "POST",
        headers: { authorization: `Bearer ${reader}`, "content-type": "application/json" },
        body: JSON.stringify({ text: "not allowed" }),
      });
      expect(((await refused.json()) as { code?: string }).code).toBe("API_KEY_SCOPE");
    }
    const revoked = await fetch(`${cluster.a.url}/v1/api-keys/${apiKey.id}`, { method: "DELETE", headers: { authorization: `Bearer ${key}` } });
    expect(revoked.status).toBe(200);
    // The revoking node refuses it at once; the other as soon as the revocation reaches it over Redis.
    expect((await read(cluster.a.url)).status).toBe(401);
    await waitFor(async () => (await read(cluster.b.url)).status === 401, () => "node b refusing the revoked key");
    expect((await read(cluster.a.url)).status).toBe(401);
  });
});
