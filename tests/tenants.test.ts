/**
 * Tenants on one real server: two companies with look-alike agents and
 * chats, over real sockets and REST. Each tenant sees only its own; a
 * request naming two tenants is refused; a disabled tenant is shut out, its
 * open sockets closed; each limit answers its code. The CLI's tenant
 * commands run as an operator runs them.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgent } from "../packages/server/src/auth/agents.js";
import { RawClient, SECRET, startServer, type Frame, type Running } from "../packages/server/test/helpers.js";
import { makePdf } from "./support/media-files.js";
import { CLI, tempDataDir } from "./support/server.js";
import { execFile } from "node:child_process";

/** An answer's JSON: many shapes, each checked by the assertions that read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const errorCode = (f: Frame) => (f.error as { code: string } | undefined)?.code;
const now = () => new Date().toISOString();

function tenant(name: string, limits: Partial<{ maxAgents: number; maxActiveChats: number; maxStorageBytes: number }> = {}) {
  return {
    name,
    displayName: name.toUpperCase(),
    status: "active" as const,
    limits: { maxAgents: null, maxActiveChats: null, maxStorageBytes: null, ...limits },
    retentionDays: null,
    createdAt: now(),
  };
}

/** A JSON request with any headers, Host included (fetch may not set it). */
function call(base: string, method: string, path: string, options: { body?: unknown; token?: string; host?: string } = {}): Promise<{ status: number; body: Json }> {
  const url = new URL(path, base);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) headers["content-type"] = "application/json";
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.host !== undefined) headers.host = options.host;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method, headers }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text === "" ? undefined : JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const codeOf = (answer: { body: Json }) => answer.body?.error?.code ?? answer.body?.code;

describe("tenants on one server", () => {
  let run: Running;
  const tokens: Record<string, string> = {};
  const chats: Record<string, { chatId: string; token: string }> = {};

  const login = (tenantName: string | undefined, username: string, password: string, host?: string) =>
    call(run.url, "POST", "/v1/auth/login", { body: tenantName === undefined ? { username, password } : { tenant: tenantName, username, password }, ...(host === undefined ? {} : { host }) });
  const startChat = (tenantName: string | undefined, nickname: string, host?: string) =>
    call(run.url, "POST", "/v1/contacts", { body: tenantName === undefined ? { nickname } : { tenant: tenantName, nickname }, ...(host === undefined ? {} : { host }) });

  beforeAll(async () => {
    run = await startServer({ tenantHosts: "chat.acme.example=acme", contactsPerMinute: 10_000, loginsPerMinute: 10_000 });
    const { store } = run.server;
    await store.createTenant(tenant("acme"));
    await store.createTenant(tenant("globex"));
    await createAgent(store.tenant("default"), { username: "root", password: "root-password", role: "admin" });
    await createAgent(store.tenant("acme"), { username: "alice", password: "alice-in-acme", nickname: "Alice", role: "admin" });
    await createAgent(store.tenant("globex"), { username: "alice", password: "alice-in-globex", nickname: "Alice" });
    for (const [name, tenantName, password] of [["root", undefined, "root-password"], ["acme", "acme", "alice-in-acme"], ["globex", "globex", "alice-in-globex"]] as const) {
      const answer = await login(tenantName, name === "root" ? "root" : "alice", password);
      expect(answer.status).toBe(200);
      tokens[name] = answer.body.token as string;
    }
    for (const name of ["acme", "globex"]) {
      const answer = await startChat(name, "Carla");
      expect(answer.status).toBe(201);
      chats[name] = { chatId: answer.body.contact.id as string, token: answer.body.token as string };
    }
  });
  afterAll(async () => {
    await run.stop();
  });

  it("logs alice into each tenant as a different agent, with her tenant and role", async () => {
    const acme = await login("acme", "alice", "alice-in-acme");
    const globex = await login("globex", "alice", "alice-in-globex");
    expect(acme.body.agent).toMatchObject({ username: "alice", tenant: "acme", role: "admin" });
    expect(globex.body.agent).toMatchObject({ username: "alice", tenant: "globex", role: "agent" });
    expect(acme.body.agent.id).not.toBe(globex.body.agent.id);
    // Acme's password does not open globex's alice, nor default's (she has no account there).
    expect(codeOf(await login("globex", "alice", "alice-in-acme"))).toBe("INVALID_CREDENTIALS");
    expect(codeOf(await login(undefined, "alice", "alice-in-acme"))).toBe("INVALID_CREDENTIALS");
    expect(codeOf(await login("initech", "alice", "alice-in-acme"))).toBe("TENANT_NOT_FOUND");
  });

  it("takes the tenant from the host name, and refuses a body naming another", async () => {
    const atAcme = await login(undefined, "alice", "alice-in-acme", "chat.acme.example:8080");
    expect(atAcme.body.agent).toMatchObject({ tenant: "acme" });
    const mismatch = await login("globex", "alice", "alice-in-globex", "chat.acme.example");
    expect([mismatch.status, codeOf(mismatch)]).toEqual([403, "TENANT_MISMATCH"]);
    const started = await startChat(undefined, "Hank", "CHAT.ACME.EXAMPLE");
    expect(started.status).toBe(201);
    const acmeList = await call(run.url, "GET", `/v1/chats?q=${started.body.contact.id}`, { token: tokens.acme });
    expect(acmeList.body.chats.map((c: { id: string }) => c.id)).toEqual([started.body.contact.id]);
    // An agent of globex calling through acme's host names two tenants.
    expect(codeOf(await call(run.url, "GET", "/v1/chats", { token: tokens.globex, host: "chat.acme.example" }))).toBe("TENANT_MISMATCH");
  });

  it("refuses a socket hello whose token is of another tenant than the host name", async () => {
    const atAcme = { headers: { host: "chat.acme.example" } };
    for (const token of [tokens.globex!, chats.globex!.token]) {
      const refused = await RawClient.open(run.wsUrl, atAcme);
      refused.send({ t: "hello", token, v: 1 });
      expect(errorCode(await refused.next((f) => f.t === "error"))).toBe("TENANT_MISMATCH");
      expect(await refused.whenClosed()).toEqual({ code: 4401, reason: "TENANT_MISMATCH" });
    }
    // Acme's tokens are welcomed at acme's host name, and globex's at a host name mapped to no tenant.
    for (const [token, options] of [[tokens.acme!, atAcme], [chats.acme!.token, atAcme], [tokens.globex!, undefined]] as const) {
      const { client, welcome } = await RawClient.connect(run.wsUrl, token, options);
      expect(welcome.t).toBe("welcome");
      client.close();
    }
  });

  it("keeps each tenant's agents out of the other's chats on the socket", async () => {
    const { client: agent } = await RawClient.connect(run.wsUrl, tokens.acme!);
    const foreign = chats.globex!.chatId;
    expect(errorCode(await agent.request({ t: "join", chatId: foreign }))).toBe("CONTACT_NOT_FOUND");
    expect(errorCode(await agent.request({ t: "history", chatId: foreign }))).toMatch(/^(NOT_A_PARTICIPANT|CONTACT_NOT_FOUND)$/);
    expect(errorCode(await agent.request({ t: "send", chatId: foreign, clientId: "x1", message: { kind: "text", text: "hi" } }))).toMatch(
      /^(NOT_A_PARTICIPANT|CONTACT_NOT_FOUND|INVALID_FRAME)$/,
    );
    expect(errorCode(await agent.request({ t: "receipt", chatId: foreign, messageId: "MSG_00000000-0000-4000-8000-000000000000", kind: "seen" }))).toMatch(
      /^(NOT_A_PARTICIPANT|CONTACT_NOT_FOUND|INVALID_FRAME)$/,
    );
    // Its own tenant's chat opens.
    const joined = await agent.request({ t: "join", chatId: chats.acme!.chatId });
    expect(joined.ok).toBe(true);
    agent.close();
  });

  it("feeds each tenant's agents their own chats only", async () => {
    const { client: watcher } = await RawClient.connect(run.wsUrl, tokens.globex!);
    const snapshot = await watcher.request({ t: "watchChats" });
    const ids = ((snapshot.result as { chats: Array<{ id: string }> }).chats ?? []).map((c) => c.id);
    expect(ids).toContain(chats.globex!.chatId);
    expect(ids).not.toContain(chats.acme!.chatId);
    const acmeChat = await startChat("acme", "Otto");
    const globexChat = await startChat("globex", "Olga");
    const started = await watcher.next((f) => f.t === "chatFeed" && (f.chat as { id?: string } | undefined)?.id === globexChat.body.contact.id);
    expect(started).toMatchObject({ change: "started" });
    const seen = watcher.unconsumed.filter((f) => f.t === "chatFeed").map((f) => JSON.stringify(f));
    expect(seen.some((text) => text.includes(acmeChat.body.contact.id as string))).toBe(false);
    watcher.close();
  });

  it("lists, transcribes and downloads only the tenant's own chats over REST", async () => {
    const list = await call(run.url, "GET", "/v1/chats?limit=100", { token: tokens.acme });
    const listed = list.body.chats.map((c: { id: string }) => c.id);
    expect(listed).toContain(chats.acme!.chatId);
    expect(listed).not.toContain(chats.globex!.chatId);
    const foreign = chats.globex!.chatId;
    const transcript = await call(run.url, "GET", `/livechat/acme/getContactTranscriptByChatID/${foreign}`, { token: tokens.acme });
    expect([transcript.status, transcript.body.code]).toEqual([404, "CONTACT_NOT_FOUND"]);
    const otherDomain = await call(run.url, "GET", `/livechat/globex/getContactTranscriptByChatID/${foreign}`, { token: tokens.acme });
    expect([otherDomain.status, otherDomain.body.code]).toEqual([403, "TENANT_MISMATCH"]);
    const unknownDomain = await call(run.url, "GET", `/livechat/initech/getContactTranscriptByChatID/${foreign}`, { token: tokens.acme });
    expect(unknownDomain.body.code).toBe("TENANT_NOT_FOUND");
    const own = await call(run.url, "GET", `/livechat/acme/getContactTranscriptByChatID/${chats.acme!.chatId}`, { token: tokens.acme });
    expect(own.body.result).toBe(true);
    const download = await call(run.url, "GET", `/v1/contacts/${foreign}/messages/MSG_00000000-0000-4000-8000-000000000000/media`, { token: tokens.acme });
    expect(codeOf(download)).toBe("CONTACT_NOT_FOUND");
    const ended = await call(run.url, "POST", "/livechat/acme/endContactByChatID", { token: tokens.acme, body: { chatID: foreign } });
    expect(ended.body.code).toBe("CONTACT_NOT_FOUND");
    expect((await run.server.store.tenant("globex").getContact(foreign))?.status).toBe("active");
  });

  it("administers tenants: the admin of default all of them, a tenant's admin its own", async () => {
    const all = await call(run.url, "GET", "/v1/tenants", { token: tokens.root });
    expect(all.body.tenants.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(["acme", "default", "globex"]));
    const own = await call(run.url, "GET", "/v1/tenants", { token: tokens.acme });
    expect(own.body.tenants.map((t: { name: string }) => t.name)).toEqual(["acme"]);
    expect(codeOf(await call(run.url, "GET", "/v1/tenants/globex", { token: tokens.acme }))).toBe("ROLE_FORBIDDEN");
    expect(codeOf(await call(run.url, "GET", "/v1/tenants", { token: tokens.globex }))).toBe("ROLE_FORBIDDEN");
    expect(codeOf(await call(run.url, "POST", "/v1/tenants", { token: tokens.acme, body: { name: "evil" } }))).toBe("ROLE_FORBIDDEN");
    expect(codeOf(await call(run.url, "PATCH", "/v1/tenants/acme", { token: tokens.acme, body: { limits: { maxAgents: 1000 } } }))).toBe("ROLE_FORBIDDEN");
    const renamed = await call(run.url, "PATCH", "/v1/tenants/acme", { token: tokens.acme, body: { displayName: "Acme Corp" } });
    expect(renamed.body).toMatchObject({ name: "acme", displayName: "Acme Corp" });
    const created = await call(run.url, "POST", "/v1/tenants", { token: tokens.root, body: { name: "initech", limits: { maxActiveChats: 5 } } });
    expect([created.status, created.body.limits.maxActiveChats]).toEqual([201, 5]);
    expect(codeOf(await call(run.url, "POST", "/v1/tenants", { token: tokens.root, body: { name: "initech" } }))).toBe("VALIDATION_FAILED");
    expect(codeOf(await call(run.url, "POST", "/v1/tenants", { token: tokens.root, body: { name: "Bad Name" } }))).toBe("VALIDATION_FAILED");
    expect(codeOf(await call(run.url, "PATCH", "/v1/tenants/default", { token: tokens.root, body: { status: "disabled" } }))).toBe("VALIDATION_FAILED");
  });

  it("shuts a disabled tenant out and closes its open sockets, then lets it back", async () => {
    await run.server.store.createTenant(tenant("hooli"));
    await createAgent(run.server.store.tenant("hooli"), { username: "gavin", password: "gavin-password" });
    const token = (await login("hooli", "gavin", "gavin-password")).body.token as string;
    const chat = await startChat("hooli", "Richard");
    const { client: agent } = await RawClient.connect(run.wsUrl, token);
    const { client: customer } = await RawClient.connect(run.wsUrl, chat.body.token as string);
    const { client: bystander } = await RawClient.connect(run.wsUrl, tokens.acme!);

    const disabled = await call(run.url, "PATCH", "/v1/tenants/hooli", { token: tokens.root, body: { status: "disabled" } });
    expect(disabled.body.status).toBe("disabled");
    expect(await agent.whenClosed()).toEqual({ code: 4401, reason: "TENANT_DISABLED" });
    expect(await customer.whenClosed()).toEqual({ code: 4401, reason: "TENANT_DISABLED" });
    expect(codeOf(await login("hooli", "gavin", "gavin-password"))).toBe("TENANT_DISABLED");
    expect(codeOf(await startChat("hooli", "Jared"))).toBe("TENANT_DISABLED");
    expect(codeOf(await call(run.url, "GET", "/v1/chats", { token }))).toBe("TENANT_DISABLED");
    const again = await RawClient.open(run.wsUrl);
    again.send({ t: "hello", token, v: 1 });
    expect(errorCode(await again.next((f) => f.t === "error"))).toBe("TENANT_DISABLED");
    // Another tenant's socket stays open.
    bystander.send({ t: "ping", rid: 99 });
    expect(await bystander.next((f) => f.t === "pong")).toMatchObject({ rid: 99 });
    bystander.close();

    await call(run.url, "PATCH", "/v1/tenants/hooli", { token: tokens.root, body: { status: "active" } });
    expect((await login("hooli", "gavin", "gavin-password")).status).toBe(200);
  });

  it("answers each tenant limit with its code", async () => {
    const { store } = run.server;
    await store.createTenant(tenant("tiny", { maxActiveChats: 1, maxAgents: 1, maxStorageBytes: 100 }));
    const first = await startChat("tiny", "Una");
    expect(first.status).toBe(201);
    const second = await startChat("tiny", "Dos");
    expect([second.status, codeOf(second)]).toEqual([403, "TENANT_CHAT_LIMIT"]);
    const pdf = makePdf();
    const upload = await fetch(`${run.url}/v1/contacts/${first.body.contact.id}/uploads?messageType=DOCUMENT&fileName=a.pdf`, {
      method: "POST",
      headers: { authorization: `Bearer ${first.body.token}`, "content-type": "application/octet-stream" },
      body: new Uint8Array(pdf),
    });
    expect([upload.status, ((await upload.json()) as { error: { code: string } }).error.code]).toEqual([403, "TENANT_STORAGE_LIMIT"]);
    await createAgent(store.tenant("tiny"), { username: "one", password: "one-password" }, 1);
    await expect(createAgent(store.tenant("tiny"), { username: "two", password: "two-password" }, 1)).rejects.toMatchObject({ code: "TENANT_AGENT_LIMIT" });
  });

  it("signs media links for one tenant", async () => {
    const path = `/v1/contacts/${chats.acme!.chatId}/messages/MSG_00000000-0000-4000-8000-000000000000/media`;
    const forged = await call(run.url, "GET", `${path}?tenant=globex&format=fullsize&expires=${Date.now() + 60_000}&signature=${"A".repeat(43)}`);
    expect(codeOf(forged)).toBe("MEDIA_LINK_INVALID");
  });

  it("opens a signed link with no token or one of its tenant, and refuses one sent with another tenant's", async () => {
    const { chatId, token: customerToken } = chats.acme!;
    const upload = await fetch(`${run.url}/v1/contacts/${chatId}/uploads?messageType=DOCUMENT&fileName=invoice.pdf`, {
      method: "POST",
      headers: { authorization: `Bearer ${customerToken}`, "content-type": "application/octet-stream" },
      body: new Uint8Array(makePdf()),
    });
    expect(upload.status).toBe(201);
    const { uploadId } = (await upload.json()) as { uploadId: string };
    const { client: customer } = await RawClient.connect(run.wsUrl, customerToken);
    expect((await customer.request({ t: "join", chatId })).ok).toBe(true);
    const sent = await customer.request({ t: "send", chatId, clientId: "invoice-1", kind: "media", messageType: "DOCUMENT", uploadId });
    expect(sent.ok).toBe(true);
    const messageId = (sent.result as { id: string }).id;
    const media = await customer.request({ t: "media", chatId, messageId, format: "fullsize" });
    customer.close();
    const link = (media.result as { url: string }).url;
    for (const token of [undefined, tokens.acme!, customerToken]) {
      expect((await fetch(`${run.url}${link}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
    for (const token of [tokens.globex!, chats.globex!.token]) {
      const refused = await fetch(`${run.url}${link}`, { headers: { authorization: `Bearer ${token}` } });
      expect([refused.status, refused.headers.get("content-type")]).toEqual([403, expect.stringContaining("application/json")]);
      expect(codeOf({ body: await refused.json() })).toBe("TENANT_MISMATCH");
    }
  });
});

function cli(dataDir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args, "--data-dir", dataDir], { env: { ...process.env, PARLEY_SECRET: SECRET } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number((error as { code?: number }).code ?? 1), out: stdout + stderr });
    });
  });
}

describe("parley tenant (the CLI)", () => {
  it("adds, lists, disables and enables tenants, and adds agents and tokens in them", async () => {
    const data = await tempDataDir();
    try {
      expect(await cli(data.dir, "tenant", "add", "acme", "--display-name", "Acme Corp", "--max-agents", "1", "--max-storage", "10G", "--retention-days", "30")).toMatchObject({
        code: 0,
        out: expect.stringContaining('Tenant "acme" created.'),
      });
      expect((await cli(data.dir, "tenant", "add", "acme")).out).toContain("already exists");
      expect((await cli(data.dir, "tenant", "add", "Not-Valid")).code).toBe(1);
      const list = await cli(data.dir, "tenant", "list");
      expect(list.out).toContain(`acme\tactive\tagents 1\tactive chats -\tstorage ${10 * 1024 ** 3}\tretention 30d\t"Acme Corp"`);
      expect(list.out).toContain("default\tactive");

      expect((await cli(data.dir, "agent", "add", "alice", "--password", "alice-password", "--tenant", "acme", "--role", "supervisor")).out).toContain(
        'Agent "alice" created in tenant acme as supervisor',
      );
      expect((await cli(data.dir, "agent", "add", "alice", "--password", "alice-password")).out).toContain("created in tenant default as agent");
      expect((await cli(data.dir, "agent", "add", "bob", "--password", "bob-password", "--tenant", "acme")).out).toContain("TENANT_AGENT_LIMIT");
      expect((await cli(data.dir, "agent", "add", "bob", "--password", "bob-password", "--tenant", "nowhere")).out).toContain('no tenant named "nowhere"');
      expect((await cli(data.dir, "agent", "add", "carl", "--password", "carl-password", "--role", "boss")).code).toBe(1);

      const token = await cli(data.dir, "token", "agent", "alice", "--tenant", "acme");
      const claims = JSON.parse(Buffer.from(token.out.trim().split(".")[1]!, "base64url").toString()) as { tnt: string };
      expect(claims.tnt).toBe("acme");

      expect((await cli(data.dir, "tenant", "disable", "acme")).out).toContain('Tenant "acme" disabled.');
      expect((await cli(data.dir, "tenant", "list")).out).toContain("acme\tdisabled");
      expect((await cli(data.dir, "tenant", "enable", "acme")).out).toContain('Tenant "acme" enabled.');
      expect((await cli(data.dir, "tenant", "disable", "default")).code).toBe(1);
      expect((await cli(data.dir, "tenant", "disable", "nowhere")).out).toContain('no tenant named "nowhere"');
    } finally {
      await data.remove();
    }
  }, 120_000);
});
