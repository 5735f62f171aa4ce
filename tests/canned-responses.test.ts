/**
 * Canned responses over REST on a real server: every agent lists the shared
 * ones and their own, manages their own; shared ones are managed by
 * supervisors and admins only; another agent's personal one is unknown;
 * shortcuts unique per scope, the per-agent count limit, bad input refused
 * with its code and nothing changed; shared changes in the audit log.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_CANNED_TEXT_LENGTH, MAX_PERSONAL_CANNED_RESPONSES, type CannedResponse } from "@parley/protocol";
import { CLI, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 90_000 });

const run = promisify(execFile);
let server: InProcessServer;
const tokens: Record<string, string> = {};

interface Answer {
  status: number;
  body: { cannedResponse?: CannedResponse; cannedResponses?: CannedResponse[]; error?: { code: string; details?: Record<string, unknown> } };
}

async function call(who: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who] ?? who}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

const list = async (who: string) => (await call(who, "GET", "/v1/canned-responses")).body.cannedResponses ?? [];
const create = (who: string, body: Record<string, unknown>) => call(who, "POST", "/v1/canned-responses", body);

beforeAll(async () => {
  const data = await tempDataDir();
  for (const [name, role] of [["ada", "admin"], ["sam", "supervisor"], ["alice", "agent"], ["bob", "agent"]]) {
    await run(process.execPath, [CLI, "agent", "add", name!, "--password", `${name}-password`, "--role", role!, "--data-dir", data.dir]);
  }
  server = await startServer({ dataDir: data.dir });
  const close = server.close;
  server.close = async () => {
    await close();
    await data.remove();
  };
  for (const name of ["ada", "sam", "alice", "bob"]) tokens[name] = await loginAgent(server.url, name, `${name}-password`);
});

afterAll(async () => {
  await server?.close();
});

describe("canned responses", () => {
  it("lists the shared ones and the caller's own; supervisors and admins manage shared ones, agents only their own", async () => {
    const shared = await create("sam", { scope: "shared", title: "Welcome", shortcut: "welcome", text: "Hello {{customer.name}}, I am {{agent.name}}." });
    expect(shared.status).toBe(201);
    expect(shared.body.cannedResponse).toMatchObject({ scope: "shared", ownerId: null, shortcut: "welcome" });
    const refused = await create("alice", { scope: "shared", title: "Mine", shortcut: "mine", text: "x" });
    expect([refused.status, refused.body.error?.code]).toEqual([403, "ROLE_FORBIDDEN"]);
    const own = await create("alice", { scope: "personal", title: "Bye", shortcut: "bye", text: "Goodbye!" });
    expect(own.status).toBe(201);
    await create("bob", { scope: "personal", title: "Bob's", shortcut: "bob-only", text: "Bob's text" });

    expect((await list("alice")).map((r) => `${r.scope}:${r.shortcut}`)).toEqual(["shared:welcome", "personal:bye"]);
    expect((await list("bob")).map((r) => `${r.scope}:${r.shortcut}`)).toEqual(["shared:welcome", "personal:bob-only"]);

    const sharedId = shared.body.cannedResponse!.id;
    const ownId = own.body.cannedResponse!.id;
    // An agent cannot change or remove a shared one; nothing changed.
    expect((await call("alice", "PATCH", `/v1/canned-responses/${sharedId}`, { text: "changed" })).body.error?.code).toBe("ROLE_FORBIDDEN");
    expect((await call("alice", "DELETE", `/v1/canned-responses/${sharedId}`)).body.error?.code).toBe("ROLE_FORBIDDEN");
    // Another agent's personal one does not exist for them, nor for an admin.
    for (const who of ["bob", "ada"]) {
      expect((await call(who, "PATCH", `/v1/canned-responses/${ownId}`, { text: "changed" })).body.error?.code).toBe("CANNED_RESPONSE_NOT_FOUND");
      expect((await call(who, "DELETE", `/v1/canned-responses/${ownId}`)).body.error?.code).toBe("CANNED_RESPONSE_NOT_FOUND");
    }
    expect((await list("alice")).find((r) => r.id === sharedId)?.text).toBe("Hello {{customer.name}}, I am {{agent.name}}.");
    expect((await list("alice")).find((r) => r.id === ownId)?.text).toBe("Goodbye!");

    const changed = await call("ada", "PATCH", `/v1/canned-responses/${sharedId}`, { title: "Greeting" });
    expect(changed.body.cannedResponse).toMatchObject({ id: sharedId, title: "Greeting", shortcut: "welcome" });
    expect((await call("alice", "PATCH", `/v1/canned-responses/${ownId}`, { shortcut: "later" })).body.cannedResponse?.shortcut).toBe("later");
    expect((await call("alice", "DELETE", `/v1/canned-responses/${ownId}`)).status).toBe(200);
    expect((await call("ada", "DELETE", `/v1/canned-responses/${sharedId}`)).body.cannedResponse?.id).toBe(sharedId);
    expect(await list("alice")).toEqual([]);

    // Shared changes are the tenant's business: in its audit log, with who did them.
    const audit = (await (await fetch(`${server.url}/v1/audit`, { headers: { authorization: `Bearer ${tokens.ada}` } })).json()) as { entries: { action: string; actor: { name: string } }[] };
    const actions = audit.entries.map((entry) => `${entry.action} ${entry.actor.name}`);
    expect(actions).toEqual(expect.arrayContaining(["canned_response.created sam", "canned_response.updated ada", "canned_response.deleted ada"]));
    expect(actions.filter((action) => action.includes("alice"))).toEqual([]);
  });

  it("refuses a taken shortcut in the same scope, bad input and API keys with their codes, changing nothing", async () => {
    await create("ada", { scope: "shared", title: "Hours", shortcut: "hours", text: "We are open 9 to 5." });
    const taken = await create("sam", { scope: "shared", title: "Hours again", shortcut: "hours", text: "Other" });
    expect([taken.status, taken.body.error?.code, taken.body.error?.details?.shortcut]).toEqual([409, "CANNED_SHORTCUT_TAKEN", "hours"]);
    // The same shortcut is free as a personal one.
    expect((await create("bob", { scope: "personal", title: "My hours", shortcut: "hours", text: "Mine" })).status).toBe(201);
    const before = await list("bob");
    for (const body of [
      { scope: "personal", title: "Caps", shortcut: "Caps", text: "x" },
      { scope: "personal", title: "Slash", shortcut: "/slash", text: "x" },
      { scope: "personal", title: "Blank", shortcut: "blank", text: "   " },
      { scope: "personal", title: "", shortcut: "untitled", text: "x" },
      { scope: "personal", title: "Long", shortcut: "long", text: "x".repeat(MAX_CANNED_TEXT_LENGTH + 1) },
      { scope: "team", title: "Scope", shortcut: "scope", text: "x" },
      { scope: "personal", title: "Extra", shortcut: "extra", text: "x", ownerId: "USER_00000000-0000-4000-8000-000000000000" },
    ]) {
      const answer = await create("bob", body);
      expect([answer.status, answer.body.error?.code], JSON.stringify(body).slice(0, 80)).toEqual([400, "VALIDATION_FAILED"]);
    }
    const mine = before.find((r) => r.scope === "personal")!;
    expect((await call("bob", "PATCH", `/v1/canned-responses/${mine.id}`, {})).body.error?.code).toBe("VALIDATION_FAILED");
    expect((await call("bob", "PATCH", `/v1/canned-responses/not-an-id`, { text: "x" })).body.error?.code).toBe("VALIDATION_FAILED");
    expect(await list("bob")).toEqual(before);

    const key = (await (
      await fetch(`${server.url}/v1/api-keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.ada}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "everything", scopes: ["config:manage", "transcripts:read"] }),
      })
    ).json()) as { key: string };
    expect((await call(key.key, "GET", "/v1/canned-responses")).body.error?.code).toBe("API_KEY_SCOPE");
  });

  it("holds at most the limit of personal responses per agent, then refuses with its code", async () => {
    for (let i = 0; i < MAX_PERSONAL_CANNED_RESPONSES; i++) {
      const answer = await create("sam", { scope: "personal", title: `Reply ${i}`, shortcut: `reply-${i}`, text: `Text ${i}` });
      expect(answer.status).toBe(201);
    }
    const over = await create("sam", { scope: "personal", title: "One more", shortcut: "one-more", text: "x" });
    expect([over.status, over.body.error?.code, over.body.error?.details]).toEqual([409, "CANNED_RESPONSE_LIMIT", { limit: MAX_PERSONAL_CANNED_RESPONSES, scope: "personal" }]);
    expect((await list("sam")).filter((r) => r.scope === "personal")).toHaveLength(MAX_PERSONAL_CANNED_RESPONSES);
    // Another agent's own count is their own.
    expect((await create("alice", { scope: "personal", title: "One more", shortcut: "one-more", text: "x" })).status).toBe(201);
  });
});
