/**
 * The visitor context and the customer panel's REST call, on a real server:
 * the context a chat starts with is stored with it and read back by the
 * chat's agents, supervisors, admins and `transcripts:read` keys (another
 * agent is refused); previous chats are found by visitor id and by e-mail;
 * a context beyond its budgets is a coded error that starts no chat.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatCustomerResponse } from "@parley/protocol";
import { CLI, addAgent, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { joinAsAgent } from "./support/widget.js";

const run = promisify(execFile);
const VISITOR = "v_abcdefghijklmnop0123";

let server: InProcessServer;
let data: Awaited<ReturnType<typeof tempDataDir>>;
const tokens: Record<string, string> = {};
let readKey: string;

beforeAll(async () => {
  data = await tempDataDir();
  await addAgent(data.dir, "alice", "alice-password");
  await addAgent(data.dir, "bob", "bob-password");
  await run(process.execPath, [CLI, "agent", "add", "sue", "--password", "sue-password", "--role", "supervisor", "--data-dir", data.dir]);
  await run(process.execPath, [CLI, "agent", "add", "boss", "--password", "boss-password", "--role", "admin", "--data-dir", data.dir]);
  server = await startServer({ dataDir: data.dir });
  for (const name of ["alice", "bob", "sue", "boss"]) tokens[name] = await loginAgent(server.url, name, `${name}-password`);
  const key = await call("POST", "/v1/api-keys", tokens.boss, { name: "reader", scopes: ["transcripts:read"] });
  readKey = (key.body as { key: string }).key;
  // CLI runs and a server start: slow when the machine is busy.
}, 120_000);

afterAll(async () => {
  await server?.close();
  await data?.remove();
});

async function call(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: unknown; code: string | undefined }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const answer = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, body: answer, code: answer.error?.code };
}

async function start(body: Record<string, unknown>): Promise<string> {
  const answer = await call("POST", "/v1/contacts", undefined, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return (answer.body as { contact: { id: string } }).contact.id;
}

describe("the customer of a chat", () => {
  it("is read with its visitor context, call data and previous chats by visitor id and by e-mail", async () => {
    const first = await start({ nickname: "Nina", context: { visitorId: VISITOR, language: "de-CH", timeZone: "Europe/Zurich" } });
    const byEmail = await start({ nickname: "Nina B", email: "Nina@example.com" });
    const stranger = await start({ nickname: "Otto", email: "otto@example.com", context: { visitorId: "v_someone_else_0000000" } });
    const current = await start({
      nickname: "Nina",
      email: "nina@example.com",
      uri: "https://shop.example.com/cart",
      title: "Your cart",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36",
      callData: { plan: "Gold" },
      context: { visitorId: VISITOR, language: "de-CH", timeZone: "Europe/Zurich" },
    });
    const alice = await joinAsAgent(server.url, tokens.alice!, current, "Alice");

    const answer = await call("GET", `/v1/chats/${current}/customer`, tokens.alice);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const body = answer.body as ChatCustomerResponse;
    expect(body.customer).toMatchObject({
      nickname: "Nina",
      email: "nina@example.com",
      pageUri: "https://shop.example.com/cart",
      pageTitle: "Your cart",
      language: "de-CH",
      timeZone: "Europe/Zurich",
      hasVisitorId: true,
    });
    expect(body.customer).not.toHaveProperty("visitorId");
    expect(body.callData).toEqual({ plan: "Gold" });
    expect(body.previousChats.map((c) => [c.id, c.matchedBy])).toEqual([
      [byEmail, ["email"]],
      [first, ["visitor"]],
    ]);
    expect(body.previousChats.map((c) => c.id)).not.toContain(stranger);

    // Supervisors, admins and transcripts:read keys read it too; an agent who is not in the chat does not.
    for (const token of [tokens.sue, tokens.boss, readKey]) expect((await call("GET", `/v1/chats/${current}/customer`, token)).status).toBe(200);
    const bob = await call("GET", `/v1/chats/${current}/customer`, tokens.bob);
    expect([bob.status, bob.code]).toEqual([403, "NOT_A_PARTICIPANT"]);
    expect((await call("GET", `/v1/chats/CHAT_00000000-0000-4000-8000-000000000000/customer`, tokens.boss)).code).toBe("CONTACT_NOT_FOUND");
    await alice.sdk.LIVECHAT.logout();
  });

  it("refuses a visitor context beyond its budgets with VISITOR_CONTEXT_INVALID, and starts no chat", async () => {
    const before = ((await call("GET", "/v1/chats?limit=200", tokens.boss)).body as { chats: unknown[] }).chats.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ visitorId: "short" }, "/context/visitorId"],
      [{ visitorId: "v".repeat(65) }, "/context/visitorId"],
      [{ visitorId: "v_has spaces and more!!" }, "/context/visitorId"],
      [{ language: "x".repeat(36) }, "/context/language"],
      [{ language: "<script>" }, "/context/language"],
      [{ timeZone: "Mars/Olympus_Mons" }, "/context/timeZone"],
      [{ timeZone: `Europe/${"x".repeat(60)}` }, "/context/timeZone"],
    ];
    for (const [context, path] of cases) {
      const answer = await call("POST", "/v1/contacts", undefined, { nickname: "Eve", context });
      expect([answer.status, answer.code, (answer.body as { error: { details?: { path?: string } } }).error.details?.path], JSON.stringify(context)).toEqual([400, "VISITOR_CONTEXT_INVALID", path]);
    }
    // Fields the context does not know, and wrong types, are refused by the schema.
    expect((await call("POST", "/v1/contacts", undefined, { nickname: "Eve", context: { screen: "1920x1080" } })).code).toBe("VALIDATION_FAILED");
    expect((await call("POST", "/v1/contacts", undefined, { nickname: "Eve", context: { language: 42 } })).code).toBe("VALIDATION_FAILED");
    const after = ((await call("GET", "/v1/chats?limit=200", tokens.boss)).body as { chats: unknown[] }).chats.length;
    expect(after).toBe(before);
  });
});
