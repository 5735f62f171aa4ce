/**
 * API keys end to end: a server process, the real CLI, REST over real sockets.
 * Keys are made with the CLI and over REST, used with each of the three forms
 * a token takes (Bearer, `ctlivetoken` header, `ctlivetoken` query) on the
 * chat list and the back-office calls, refused outside their scopes, after
 * revocation and in another tenant; the database holds no key and the log
 * (at debug) shows none.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ServerProcess, freePort, loginAgent, tempDataDir } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const run = promisify(execFile);

let dataDir: { dir: string; remove: () => Promise<void> };
let server: ServerProcess;
let adminToken: string;
let agentToken: string;
let chatId: string;
let customerToken: string;
/** Every key this suite saw, to look for in the database and the log. */
const seen: string[] = [];

/** Runs the CLI on the suite's data directory; returns its output lines. */
async function cli(...args: string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, [CLI, ...args, "--data-dir", dataDir.dir]);
  return stdout.trim().split("\n");
}

/** `parley key add`; the key is the last line of the output. */
async function addKey(name: string, scopes: string, tenant?: string): Promise<string> {
  const lines = await cli("key", "add", name, "--scopes", scopes, ...(tenant === undefined ? [] : ["--tenant", tenant]));
  const key = lines[lines.length - 1]!;
  seen.push(key);
  return key;
}

type Form = "bearer" | "header" | "query";
const FORMS: Form[] = ["bearer", "header", "query"];

/** A request with the credential in one of its three forms. */
function call(route: string, credential: string, form: Form = "bearer", init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  let url = `${server.url}${route}`;
  if (form === "bearer") headers.set("authorization", `Bearer ${credential}`);
  else if (form === "header") headers.set("ctlivetoken", credential);
  else url += `${route.includes("?") ? "&" : "?"}ctlivetoken=${encodeURIComponent(credential)}`;
  return fetch(url, { ...init, headers });
}

function post(route: string, credential: string, body: unknown, form: Form = "bearer"): Promise<Response> {
  return call(route, credential, form, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

async function codeOf(response: Response): Promise<unknown> {
  const body = await json(response);
  return (body.error as { code?: string } | null)?.code ?? body.code;
}

beforeAll(async () => {
  dataDir = await tempDataDir();
  await cli("agent", "add", "ada", "--password", "ada-password-1", "--nickname", "Ada", "--role", "admin");
  await cli("agent", "add", "bob", "--password", "bob-password-1", "--nickname", "Bob");
  await cli("tenant", "add", "acme");
  server = new ServerProcess(await freePort(), dataDir.dir, { LOG_LEVEL: "debug" });
  await server.start();
  adminToken = await loginAgent(server.url, "ada", "ada-password-1");
  agentToken = await loginAgent(server.url, "bob", "bob-password-1");
  const started = await json(
    await fetch(`${server.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"nickname":"Carla"}' }),
  );
  chatId = (started.contact as { id: string }).id;
  customerToken = started.token as string;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await dataDir?.remove();
});

describe("an API key", { timeout: 180_000 }, () => {
  it("made with the CLI is printed alone on the last line, and reads chats with each form of the credential", async () => {
    const key = await addKey("CRM reader", "transcripts:read");
    expect(key).toMatch(/^pk_default_[A-Za-z0-9_-]{43}$/);
    for (const form of FORMS) {
      const list = await call("/v1/chats", key, form);
      expect(list.status, form).toBe(200);
      expect(((await json(list)).chats as Array<{ id: string }>).map((chat) => chat.id)).toContain(chatId);
      const transcript = await call(`/livechat/default/getContactTranscriptByChatID/${chatId}`, key, form);
      expect(transcript.status, form).toBe(200);
      expect(await json(transcript)).toMatchObject({ result: true, error: null, isChatActive: true });
    }
  });

  it("is refused outside its scopes with API_KEY_SCOPE, and nothing is done", async () => {
    const key = await addKey("CRM reader 2", "transcripts:read");
    const send = await post(`/livechat/default/sendTextMessageToActiveChat/${chatId}`, key, { text: "not allowed" });
    expect(send.status).toBe(403);
    expect(await json(send)).toMatchObject({ result: false, code: "API_KEY_SCOPE" });
    const end = await post("/livechat/default/endContactByChatID", key, { chatID: chatId }, "query");
    expect(await codeOf(end)).toBe("API_KEY_SCOPE");
    const manage = await post("/v1/api-keys", key, { name: "escalate", scopes: ["config:manage"] });
    expect(manage.status).toBe(403);
    expect(await codeOf(manage)).toBe("API_KEY_SCOPE");
    // A route that takes no key at all (uploads are a participant's) refuses it too.
    const upload = await call(`/v1/contacts/${chatId}/uploads?messageType=IMAGE&fileName=a.png`, key, "header", { method: "POST", body: "x" });
    expect(await codeOf(upload)).toBe("API_KEY_SCOPE");
    const transcript = await json(await call(`/livechat/default/getContactTranscriptByChatID/${chatId}`, key));
    expect(JSON.stringify(transcript.chatTranscript)).not.toContain("not allowed");
    expect(await codeOf(await call("/v1/api-keys", key))).toBe("API_KEY_SCOPE");
  });

  it("is created over REST by the tenant's admins only, shown once, and sends and ends chats with chats:write", async () => {
    const created = await post("/v1/api-keys", adminToken, { name: "Router", scopes: ["chats:write", "transcripts:read"] });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const body = (await json(created)) as { key: string; apiKey: { id: string; prefix: string; scopes: string[]; createdBy: string } };
    seen.push(body.key);
    expect(body.key).toMatch(/^pk_default_/);
    expect(body.apiKey).toMatchObject({ prefix: body.key.slice(0, "pk_default_".length + 8), scopes: ["chats:write", "transcripts:read"] });
    expect(body.apiKey.createdBy).toMatch(/^USER_/);

    for (const [token, code] of [[agentToken, "ROLE_FORBIDDEN"], [customerToken, "FORBIDDEN"]] as const) {
      const refused = await post("/v1/api-keys", token, { name: "mine", scopes: ["chats:write"] });
      expect(refused.status).toBe(403);
      expect(await codeOf(refused)).toBe(code);
    }
    expect(await codeOf(await post("/v1/api-keys", adminToken, { name: "bad", scopes: ["everything"] }))).toBe("VALIDATION_FAILED");

    const { chatId: other } = await startChat("Dora");
    for (const [i, form] of FORMS.entries()) {
      const sent = await post(`/livechat/default/sendTextMessageToActiveChat/${other}`, body.key, { text: `from the router ${i}` }, form);
      expect(sent.status, form).toBe(200);
      expect(await json(sent)).toMatchObject({ result: true, messageID: expect.stringMatching(/^MSG_/) as unknown });
    }
    const transcript = (await json(await call(`/livechat/default/getContactTranscriptByChatID/${other}`, body.key))) as {
      chatTranscript: Array<{ content: { text: string; user: { nickname: string; isAgent: boolean } } }>;
    };
    expect(transcript.chatTranscript.map((message) => message.content.text)).toEqual(["from the router 0", "from the router 1", "from the router 2"]);
    expect(transcript.chatTranscript[0]!.content.user).toMatchObject({ nickname: "Router", isAgent: true });
    const ended = await post("/livechat/default/endContactByChatID", body.key, { chatID: other }, "header");
    expect(await json(ended)).toMatchObject({ result: true });
    expect(await json(await call(`/livechat/default/getContactTranscriptByChatID/${other}`, body.key))).toMatchObject({ isChatActive: false });

    // Listed without its text or hash; an admin key (`admin` is config:manage) lists and creates too.
    const adminKey = await addKey("Provisioning", "admin");
    const listed = (await json(await call("/v1/api-keys", adminKey, "query"))) as { apiKeys: Array<Record<string, unknown>> };
    const router = listed.apiKeys.find((key) => key.id === body.apiKey.id);
    expect(router).toMatchObject({ name: "Router", revokedAt: null, lastUsedAt: expect.any(String) as unknown });
    expect(Object.keys(router!).sort()).toEqual(["createdAt", "createdBy", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scopes"]);
    expect(JSON.stringify(listed)).not.toContain(body.key.slice("pk_default_".length + 8));
    const byKey = await post("/v1/api-keys", adminKey, { name: "Made by a key", scopes: ["transcripts:read"] });
    expect(byKey.status).toBe(201);
    const made = (await json(byKey)) as { key: string; apiKey: { createdBy: string } };
    seen.push(made.key);
    expect(made.apiKey.createdBy).toMatch(/^KEY_/);
  });

  it("revoked over REST is refused at once; revoked with the CLI, within the cache time", async () => {
    const created = (await json(await post("/v1/api-keys", adminToken, { name: "Short-lived", scopes: ["transcripts:read"] }))) as {
      key: string;
      apiKey: { id: string };
    };
    seen.push(created.key);
    expect((await call("/v1/chats", created.key)).status).toBe(200);
    const revoked = await call(`/v1/api-keys/${created.apiKey.id}`, adminToken, "bearer", { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect(((await json(revoked)).apiKey as { revokedAt: string | null }).revokedAt).not.toBeNull();
    for (const form of FORMS) {
      const refused = await call("/v1/chats", created.key, form);
      expect(refused.status, form).toBe(401);
      expect(await codeOf(refused)).toBe("AUTH_INVALID_TOKEN");
    }
    const backOffice = await call(`/livechat/default/getContactTranscriptByChatID/${chatId}`, created.key, "query");
    expect(await json(backOffice)).toMatchObject({ result: false, code: "AUTH_INVALID_TOKEN" });
    expect((await call("/v1/api-keys/KEY_00000000-0000-4000-8000-000000000000", adminToken, "bearer", { method: "DELETE" })).status).toBe(404);

    const key = await addKey("Nightly export", "transcripts:read");
    expect((await call("/v1/chats", key)).status).toBe(200);
    const id = (await cli("key", "list")).find((line) => line.includes('"Nightly export"'))!.split("  ")[0]!;
    expect((await cli("key", "revoke", id)).join("\n")).toContain("revoked");
    await waitFor(async () => (await call("/v1/chats", key)).status === 401, () => "the running server refuses the key revoked by the CLI");
    const listed = (await cli("key", "list")).find((line) => line.startsWith(id))!;
    expect(listed).toContain("revoked");
    expect(listed).not.toContain("last used never");
  });

  it("of another tenant opens nothing of this one", async () => {
    const key = await addKey("Acme CRM", "transcripts:read,chats:write,config:manage", "acme");
    expect(key).toMatch(/^pk_acme_/);
    const mismatch = await call(`/livechat/default/getContactTranscriptByChatID/${chatId}`, key);
    expect(mismatch.status).toBe(403);
    expect(await json(mismatch)).toMatchObject({ result: false, code: "TENANT_MISMATCH" });
    const send = await post(`/livechat/default/sendTextMessageToActiveChat/${chatId}`, key, { text: "cross-tenant" });
    expect(await codeOf(send)).toBe("TENANT_MISMATCH");
    // On its own domain, the default tenant's chat does not exist.
    const own = await call(`/livechat/acme/getContactTranscriptByChatID/${chatId}`, key);
    expect(await json(own)).toMatchObject({ result: false, code: "CONTACT_NOT_FOUND" });
    const sendOwn = await post(`/livechat/acme/sendTextMessageToActiveChat/${chatId}`, key, { text: "cross-tenant" });
    expect(await codeOf(sendOwn)).toBe("CONTACT_NOT_FOUND");
    // The chat list serves the key's own tenant, which has no chat.
    const list = await call("/v1/chats", key);
    expect(list.status).toBe(200);
    expect((await json(list)).chats).toEqual([]);
    const keys = (await json(await call("/v1/api-keys", key))) as { apiKeys: Array<{ name: string; id: string }> };
    expect(keys.apiKeys.map((k) => k.name)).toEqual(["Acme CRM"]);
    await addKey("Default reader", "transcripts:read");
    const defaultKeyId = (await cli("key", "list")).find((line) => line.includes('"Default reader"'))!.split("  ")[0]!;
    expect((await call(`/v1/api-keys/${defaultKeyId}`, key, "bearer", { method: "DELETE" })).status).toBe(404);
    // The default tenant's key list is unchanged by acme's, and its chat got nothing.
    expect((await cli("key", "list")).join("\n")).not.toContain("Acme CRM");
    const transcript = await json(await call(`/livechat/default/getContactTranscriptByChatID/${chatId}`, adminToken));
    expect(transcript.result).toBe(true);
    expect(JSON.stringify(transcript)).not.toContain("cross-tenant");
    // A disabled tenant's keys are refused like its agents.
    await cli("tenant", "disable", "acme");
    await waitFor(async () => (await call("/v1/chats", key)).status === 403, () => "the disabled tenant's key is refused");
    expect(await codeOf(await call("/v1/chats", key))).toBe("TENANT_DISABLED");
  });

  it("with config:manage reads the audit log, where each key's creation and revocation is recorded once, and exports a customer", async () => {
    const key = await addKey("Compliance", "config:manage");
    const made = (await json(await post("/v1/api-keys", key, { name: "Made then revoked", scopes: ["chats:write"] }))) as {
      key: string;
      apiKey: { id: string };
    };
    seen.push(made.key);
    for (let i = 0; i < 2; i++) await call(`/v1/api-keys/${made.apiKey.id}`, adminToken, "bearer", { method: "DELETE" });
    const audit = (await json(await call("/v1/audit?limit=100", key))) as {
      entries: Array<{ action: string; actor: { type: string; id: string | null; name: string | null }; target: { id: string } | null }>;
    };
    const about = (id: string) => audit.entries.filter((entry) => entry.target?.id === id).map((entry) => [entry.action, entry.actor.type]);
    expect(about(made.apiKey.id)).toEqual([
      ["api_key.revoked", "agent"],
      ["api_key.created", "api_key"],
    ]);
    const compliance = audit.entries.find((entry) => entry.action === "api_key.created" && entry.actor.type === "cli");
    expect(compliance?.actor.name).toBe("cli");
    expect(JSON.stringify(audit)).not.toContain(secretOf(made.key));
    // The customer-data routes take an admin key as they take an admin's token.
    const exported = await call(`/v1/customers/export?chatId=${chatId}`, key);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toContain("zip");
    await exported.arrayBuffer();
    // Not with a key that lacks the scope.
    expect(await codeOf(await call(`/v1/customers/export?chatId=${chatId}`, seen[0]!))).toBe("API_KEY_SCOPE");
  });

  it("is never stored in clear, and never written to the log", async () => {
    expect(seen.length).toBeGreaterThan(5);
    // Every form, with good, revoked and made-up keys, at debug level.
    await call("/v1/chats", seen[0]!, "query");
    await call("/v1/chats", `${seen[0]!.slice(0, -2)}zz`, "query");
    await call(`/v1/contacts/${chatId}/uploads`, seen[0]!, "query", { method: "POST" });
    const db = new Database(path.join(dataDir.dir, "parley.db"), { readonly: true });
    try {
      const rows = db.prepare("select * from api_keys").all() as Array<Record<string, unknown>>;
      expect(rows.length).toBeGreaterThan(5);
      const stored = JSON.stringify(rows);
      for (const key of seen) expect(stored).not.toContain(secretOf(key));
    } finally {
      db.close();
    }
    const files = readdirSync(dataDir.dir).filter((name) => name.startsWith("parley.db"));
    const bytes = files.map((name) => readFileSync(path.join(dataDir.dir, name)).toString("latin1")).join("");
    for (const key of seen) {
      const secret = secretOf(key);
      expect(bytes).not.toContain(secret);
      expect(server.output).not.toContain(secret);
    }
    // The log did record those requests, with the key replaced.
    expect(server.output).toContain("ctlivetoken=[redacted]");
  });
});

/** The random part of a key (what must never be kept). */
function secretOf(key: string): string {
  return key.slice(key.indexOf("_", 3) + 1);
}

async function startChat(nickname: string): Promise<{ chatId: string }> {
  const started = await json(
    await fetch(`${server.url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ nickname }) }),
  );
  return { chatId: (started.contact as { id: string }).id };
}
