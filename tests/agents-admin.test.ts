/**
 * Agent administration over REST, end to end on one node (SQLite, a real
 * server, real sockets): who may call `/v1/agents` (admins only,
 * `ROLE_FORBIDDEN` for the others), adding, changing and listing agents, the
 * audit log, the last enabled admin kept, a new password set by an admin, and
 * a disabled agent refused at login, on REST and at hello, their socket
 * closed and their chat waiting again.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { RawSocket } from "./support/raw-socket.js";
import { waitFor } from "./support/wait.js";

const run = promisify(execFile);

let server: InProcessServer;
let data: { dir: string; remove: () => Promise<void> };
const tokens: Record<string, string> = {};

async function cli(...args: string[]): Promise<void> {
  await run(process.execPath, [CLI, ...args, "--data-dir", data.dir]);
}

async function send(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>), text };
}

function codeOf(answer: { body: Record<string, unknown> }): string | undefined {
  return (answer.body.error as { code?: string } | undefined)?.code;
}

async function login(username: string, password: string): Promise<{ status: number; code: string | undefined; token?: string }> {
  const answer = await send("POST", "/v1/auth/login", undefined, { username, password });
  return { status: answer.status, code: codeOf(answer), ...(answer.status === 200 ? { token: answer.body.token as string } : {}) };
}

interface Listed {
  id: string;
  username: string;
  nickname: string;
  role: string;
  capacity: number | null;
  disabledAt: string | null;
  status: string;
}

async function agents(token = tokens.ada!): Promise<Listed[]> {
  const answer = await send("GET", "/v1/agents", token);
  expect(answer.status).toBe(200);
  return answer.body.agents as Listed[];
}

async function idOf(username: string): Promise<string> {
  return (await agents()).find((agent) => agent.username === username)!.id;
}

beforeAll(async () => {
  data = await tempDataDir();
  await cli("agent", "add", "ada", "--password", "ada-password", "--role", "admin");
  await cli("agent", "add", "bob", "--password", "bob-password");
  await cli("agent", "add", "sue", "--password", "sue-password", "--role", "supervisor");
  await cli("tenant", "add", "acme");
  await cli("agent", "add", "zed", "--password", "zed-password", "--role", "admin", "--tenant", "acme");
  // A short heartbeat: a socket of an agent disabled from the command line (no bus message) is closed at the next one.
  server = await startServer({ dataDir: data.dir, limits: { heartbeatMs: 500 } });
  for (const name of ["ada", "bob", "sue"]) tokens[name] = await loginAgent(server.url, name, `${name}-password`);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await data?.remove();
});

describe("/v1/agents", { timeout: 120_000 }, () => {
  it("is refused to agents and supervisors with ROLE_FORBIDDEN, and nothing changes", async () => {
    const bobId = await idOf("bob");
    for (const who of ["bob", "sue"]) {
      const token = tokens[who]!;
      expect(codeOf(await send("GET", "/v1/agents", token)), who).toBe("ROLE_FORBIDDEN");
      expect(codeOf(await send("POST", "/v1/agents", token, { username: "eve", password: "eve-password" })), who).toBe("ROLE_FORBIDDEN");
      expect(codeOf(await send("PATCH", `/v1/agents/${bobId}`, token, { role: "admin" })), who).toBe("ROLE_FORBIDDEN");
      expect(codeOf(await send("PUT", `/v1/agents/${bobId}/password`, token, { password: "taken-over-1" })), who).toBe("ROLE_FORBIDDEN");
    }
    expect(codeOf(await send("GET", "/v1/agents", undefined))).toBe("AUTH_REQUIRED");
    const listed = await agents();
    expect(listed.map((agent) => agent.username)).toEqual(["ada", "bob", "sue"]);
    expect(listed.find((agent) => agent.username === "bob")!.role).toBe("agent");
    expect((await login("bob", "bob-password")).status).toBe(200);
  });

  it("adds an agent who can log in, lists no password, and refuses a taken username or a bad body", async () => {
    const made = await send("POST", "/v1/agents", tokens.ada, { username: "dave", password: "dave-password", nickname: "Dave D", capacity: 4 });
    expect(made.status).toBe(201);
    expect(made.body.agent).toMatchObject({ username: "dave", nickname: "Dave D", role: "agent", capacity: 4, disabledAt: null, status: "offline" });
    expect((await login("dave", "dave-password")).status).toBe(200);
    const listing = await send("GET", "/v1/agents", tokens.ada);
    expect(listing.text).not.toMatch(/password|scrypt/i);
    expect(codeOf(await send("POST", "/v1/agents", tokens.ada, { username: "dave", password: "other-password" }))).toBe("AGENT_USERNAME_TAKEN");
    expect(codeOf(await send("POST", "/v1/agents", tokens.ada, { username: "shorty", password: "short" }))).toBe("VALIDATION_FAILED");
    expect(codeOf(await send("POST", "/v1/agents", tokens.ada, { username: "x y", password: "long-enough" }))).toBe("VALIDATION_FAILED");
    expect(codeOf(await send("POST", "/v1/agents", tokens.ada, { username: "ok", password: "long-enough", role: "owner" }))).toBe("VALIDATION_FAILED");
    expect((await agents()).map((agent) => agent.username)).toEqual(["ada", "bob", "dave", "sue"]);
  });

  it("changes role, nickname and capacity, each recorded in the audit log without secrets", async () => {
    const daveId = await idOf("dave");
    const changed = await send("PATCH", `/v1/agents/${daveId}`, tokens.ada, { role: "supervisor", nickname: "David", capacity: 6 });
    expect(changed.status).toBe(200);
    expect(changed.body.agent).toMatchObject({ role: "supervisor", nickname: "David", capacity: 6 });
    const back = await send("PATCH", `/v1/agents/${daveId}`, tokens.ada, { capacity: null });
    expect((back.body.agent as Listed).capacity).toBeNull();
    expect(codeOf(await send("PATCH", `/v1/agents/${daveId}`, tokens.ada, {}))).toBe("VALIDATION_FAILED");
    expect(codeOf(await send("PATCH", `/v1/agents/${daveId}`, tokens.ada, { capacity: 0 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(await send("PATCH", "/v1/agents/USER_00000000-0000-4000-8000-000000000000", tokens.ada, { role: "agent" }))).toBe("AGENT_NOT_FOUND");
    const audit = await send("GET", "/v1/audit?limit=50", tokens.ada);
    const actions = (audit.body.entries as Array<{ action: string; target: { id: string } | null; actor: { name: string } }>).filter((entry) => entry.target?.id === daveId);
    expect(actions.map((entry) => entry.action).sort()).toEqual(["agent.created", "agent.role_changed", "agent.updated", "agent.updated"]);
    expect(actions.every((entry) => entry.actor.name === "ada")).toBe(true);
    expect(audit.text).not.toContain("dave-password");
  });

  it("keeps the tenant's last enabled admin: not demoted, not disabled (LAST_ADMIN)", async () => {
    const adaId = await idOf("ada");
    expect(codeOf(await send("PATCH", `/v1/agents/${adaId}`, tokens.ada, { role: "agent" }))).toBe("LAST_ADMIN");
    expect(codeOf(await send("PATCH", `/v1/agents/${adaId}`, tokens.ada, { disabled: true }))).toBe("LAST_ADMIN");
    expect((await agents()).find((agent) => agent.username === "ada")).toMatchObject({ role: "admin", disabledAt: null });
    // With a second admin, the first may step down; the second is then the last.
    const bobId = await idOf("bob");
    expect((await send("PATCH", `/v1/agents/${bobId}`, tokens.ada, { role: "admin" })).status).toBe(200);
    expect((await send("PATCH", `/v1/agents/${adaId}`, tokens.ada, { role: "supervisor" })).status).toBe(200);
    expect(codeOf(await send("PATCH", `/v1/agents/${bobId}`, tokens.bob, { disabled: true }))).toBe("LAST_ADMIN");
    expect((await send("PATCH", `/v1/agents/${adaId}`, tokens.bob, { role: "admin" })).status).toBe(200);
    expect((await send("PATCH", `/v1/agents/${bobId}`, tokens.ada, { role: "agent" })).status).toBe(200);
  });

  it("sets a new password: answered 204 with nothing, the old one refused, the new one accepted", async () => {
    const bobId = await idOf("bob");
    const set = await send("PUT", `/v1/agents/${bobId}/password`, tokens.ada, { password: "bob-new-password" });
    expect(set.status).toBe(204);
    expect(set.text).toBe("");
    expect((await login("bob", "bob-password")).code).toBe("INVALID_CREDENTIALS");
    const fresh = await login("bob", "bob-new-password");
    expect(fresh.status).toBe(200);
    tokens.bob = fresh.token!;
    expect(codeOf(await send("PUT", `/v1/agents/${bobId}/password`, tokens.ada, { password: "short" }))).toBe("VALIDATION_FAILED");
  });

  it("disables an agent: socket closed, chat waiting again, refused at login, on REST and at hello; enabled again, they log in", async () => {
    const bobId = await idOf("bob");
    const started = await send("POST", "/v1/contacts", undefined, { nickname: "Carla" });
    const chatId = (started.body.contact as { id: string }).id;
    const socket = await RawSocket.connect(server.url, tokens.bob!);
    expect(socket.isWelcomed).toBe(true);
    const joined = await socket.request({ t: "join", chatId });
    expect(joined.error).toBeUndefined();
    const waitingIds = async (): Promise<string[]> => ((await send("GET", "/v1/chats?status=waiting", tokens.ada)).body.chats as Array<{ id: string }>).map((chat) => chat.id);
    expect(await waitingIds()).not.toContain(chatId);

    const disabled = await send("PATCH", `/v1/agents/${bobId}`, tokens.ada, { disabled: true });
    expect(disabled.status).toBe(200);
    expect((disabled.body.agent as Listed).disabledAt).not.toBeNull();
    await waitFor(() => socket.closed !== undefined, () => "bob's socket closed");
    expect(socket.closed).toEqual({ code: 4401, reason: "AGENT_DISABLED" });
    expect(await waitingIds()).toContain(chatId);

    expect((await login("bob", "bob-new-password")).code).toBe("AGENT_DISABLED");
    expect((await login("bob", "wrong-password")).code).toBe("INVALID_CREDENTIALS");
    expect(codeOf(await send("GET", "/v1/chats", tokens.bob))).toBe("AGENT_DISABLED");
    const again = await RawSocket.connect(server.url, tokens.bob!);
    expect(again.isWelcomed).toBe(false);
    expect(again.errorsWithCode("AGENT_DISABLED")).toHaveLength(1);
    await waitFor(() => again.closed !== undefined, () => "the refused socket closed");

    expect((await send("PATCH", `/v1/agents/${bobId}`, tokens.ada, { disabled: false })).status).toBe(200);
    expect((await login("bob", "bob-new-password")).status).toBe(200);
    const audit = await send("GET", "/v1/audit?limit=50", tokens.ada);
    const actions = (audit.body.entries as Array<{ action: string; target: { id: string } | null }>).filter((entry) => entry.target?.id === bobId).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(["agent.disabled", "agent.enabled", "agent.password_set"]));
  });

  it("closes the socket of an agent disabled from the command line at the next heartbeat", async () => {
    const socket = await RawSocket.connect(server.url, tokens.sue!);
    expect(socket.isWelcomed).toBe(true);
    await cli("agent", "disable", "sue");
    await waitFor(() => socket.closed !== undefined, () => "sue's socket closed");
    expect(socket.closed).toEqual({ code: 4401, reason: "AGENT_DISABLED" });
    await cli("agent", "enable", "sue");
    expect((await login("sue", "sue-password")).status).toBe(200);
  });

  it("lets an admin of default manage another tenant's agents with ?tenant=, and no other admin", async () => {
    const acme = await send("GET", "/v1/agents?tenant=acme", tokens.ada);
    expect(acme.status).toBe(200);
    expect((acme.body.agents as Listed[]).map((agent) => agent.username)).toEqual(["zed"]);
    expect((await send("POST", "/v1/agents?tenant=acme", tokens.ada, { username: "yan", password: "yan-password" })).status).toBe(201);
    expect(codeOf(await send("GET", "/v1/agents?tenant=nowhere", tokens.ada))).toBe("TENANT_NOT_FOUND");
    const zed = await send("POST", "/v1/auth/login", undefined, { username: "zed", password: "zed-password", tenant: "acme" });
    const zedToken = zed.body.token as string;
    expect(codeOf(await send("GET", "/v1/agents?tenant=default", zedToken))).toBe("ROLE_FORBIDDEN");
    expect(((await send("GET", "/v1/agents", zedToken)).body.agents as Listed[]).map((agent) => agent.username)).toEqual(["yan", "zed"]);
  });
});
