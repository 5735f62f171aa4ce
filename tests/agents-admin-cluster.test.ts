/**
 * A disabled agent on two nodes (two server processes on PostgreSQL and
 * Redis): the admin disables them on node A while their socket is open on
 * node B. B closes the socket at once (the change travels over the bus),
 * refuses their token on REST and at hello, and their chat is waiting again.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describePostgres } from "../packages/server/test/pg-support.js";
import { startCluster, type Cluster } from "./support/cluster.js";
import { RawSocket } from "./support/raw-socket.js";
import { CLI, loginAgent } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const run = promisify(execFile);

describePostgres("a disabled agent on two nodes", () => {
  let cluster: Cluster;
  let adminToken: string;

  beforeAll(async () => {
    cluster = await startCluster(["bob"]);
    await run(process.execPath, [CLI, "agent", "add", "ada", "--password", "ada-password", "--role", "admin", "--database-url", cluster.database.url]);
    adminToken = await loginAgent(cluster.a.url, "ada", "ada-password");
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it("is closed on the other node at once, refused there, and their chat is waiting again", { timeout: 120_000 }, async () => {
    const on = (url: string, path: string, init: RequestInit = {}, token = adminToken) =>
      fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers ?? {}) } });
    const started = (await (await fetch(`${cluster.a.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Carla"}' })).json()) as {
      contact: { id: string };
    };
    const chatId = started.contact.id;
    const bob = await RawSocket.connect(cluster.b.url, cluster.tokens.bob!);
    expect(bob.isWelcomed).toBe(true);
    expect((await bob.request({ t: "join", chatId })).error).toBeUndefined();
    // Bob's role is read (and kept a few seconds) on node B before the change: the bus must make B forget it.
    expect((await on(cluster.b.url, "/v1/chats", {}, cluster.tokens.bob)).status).toBe(200);

    const agents = (await (await on(cluster.a.url, "/v1/agents")).json()) as { agents: Array<{ id: string; username: string }> };
    const bobId = agents.agents.find((agent) => agent.username === "bob")!.id;
    const disabled = await on(cluster.a.url, `/v1/agents/${bobId}`, { method: "PATCH", body: JSON.stringify({ disabled: true }) });
    expect(disabled.status).toBe(200);

    await waitFor(() => bob.closed !== undefined, () => "bob's socket on node B closed");
    expect(bob.closed).toEqual({ code: 4401, reason: "AGENT_DISABLED" });
    const refused = await on(cluster.b.url, "/v1/chats", {}, cluster.tokens.bob);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("AGENT_DISABLED");
    const again = await RawSocket.connect(cluster.b.url, cluster.tokens.bob!);
    expect(again.errorsWithCode("AGENT_DISABLED")).toHaveLength(1);
    const waiting = (await (await on(cluster.b.url, "/v1/chats?status=waiting")).json()) as { chats: Array<{ id: string }> };
    expect(waiting.chats.map((chat) => chat.id)).toContain(chatId);
  });
});
