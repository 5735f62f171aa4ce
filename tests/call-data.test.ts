/**
 * Call data end to end, on real sockets: set when a chat starts (SDK and
 * REST), changed by agents (SDK) and API keys (REST), seen live by agents
 * and never by customers, searchable in the chat list, part of history and
 * transcripts, bounded by its limits with coded errors that change nothing.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk } from "@parley/sdk";
import type { CallDataChangedEvent } from "@parley/protocol";
import { RawSocket } from "./support/raw-socket.js";
import { CLI, addAgent, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const run = promisify(execFile);

let server: InProcessServer;
let data: Awaited<ReturnType<typeof tempDataDir>>;
let alice: string;
let bob: string;
let writeKey: string;
let readKey: string;

beforeAll(async () => {
  data = await tempDataDir();
  await addAgent(data.dir, "alice", "alice-password");
  await addAgent(data.dir, "bob", "bob-password");
  await run(process.execPath, [CLI, "agent", "add", "boss", "--password", "boss-password", "--role", "admin", "--data-dir", data.dir]);
  server = await startServer({ dataDir: data.dir });
  alice = await loginAgent(server.url, "alice", "alice-password");
  bob = await loginAgent(server.url, "bob", "bob-password");
  const boss = await loginAgent(server.url, "boss", "boss-password");
  writeKey = await newKey(boss, ["chats:write", "transcripts:read"]);
  readKey = await newKey(boss, ["transcripts:read"]);
  // Three CLI runs and a server start: slow when the machine is busy.
}, 120_000);

afterAll(async () => {
  await server?.close();
  await data?.remove();
});

async function newKey(admin: string, scopes: string[]): Promise<string> {
  const answer = await rest("POST", "/v1/api-keys", admin, { name: `key-${scopes.join("-")}`, scopes });
  expect(answer.status).toBe(201);
  return (answer.body as { key: string }).key;
}

async function rest(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** The error code of a REST answer: `{ error: { code } }`, or the back office's `{ result: false, code }`. */
const codeOf = (answer: { body: Record<string, unknown> }) => (answer.body.error as { code?: string } | undefined)?.code ?? answer.body.code;

async function agentSdk(token: string) {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  await sdk.LIVECHAT.login(token, false, false, () => {});
  return sdk;
}

async function customer(nickname: string, callData?: Record<string, string>) {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  const contact = await sdk.LIVECHAT.startContact(callData === undefined ? { nickname } : { nickname, callData });
  return { sdk, contact, chatId: contact.contact.id };
}

/** A customer started over REST whose SDK session then joins with the token (tests need the token too). */
async function customerWithToken(nickname: string, callData?: Record<string, string>) {
  const { chatId, token } = await restCustomer(nickname, callData);
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  await sdk.LIVECHAT.login(token, false, false, () => {});
  const contact = await sdk.LIVECHAT.joinContact(chatId, nickname);
  return { sdk, contact, chatId, token };
}

/** A customer started over REST, with their token. */
async function restCustomer(nickname: string, callData?: Record<string, string>): Promise<{ chatId: string; token: string }> {
  const answer = await rest("POST", "/v1/contacts", undefined, callData === undefined ? { nickname } : { nickname, callData });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const body = answer.body as { contact: { id: string }; token: string };
  return { chatId: body.contact.id, token: body.token };
}

describe("call data set at the start", () => {
  it("is stored with the chat (SDK), given to agents on join and in the chat list, and found by value", async () => {
    const carol = await customer("Carol", { account: "A-100", queue: "billing" });
    const restStarted = await restCustomer("Dave", { account: "A-200" });
    const sdk = await agentSdk(alice);
    const joined = await sdk.LIVECHAT.joinContact(carol.chatId, "Alice");
    expect(joined.callData).toEqual({ account: "A-100", queue: "billing" });
    // The customer's own session does not get it back.
    expect(carol.contact.callData).toEqual({});

    const list = await rest("GET", "/v1/chats?callData.account=A-100", alice);
    expect(list.status).toBe(200);
    const chats = (list.body as { chats: Array<{ id: string; callData: Record<string, string> }> }).chats;
    expect(chats.map((c) => c.id)).toEqual([carol.chatId]);
    expect(chats[0]?.callData).toEqual({ account: "A-100", queue: "billing" });
    const both = await rest("GET", "/v1/chats?callData.account=A-200&callData.queue=billing", alice);
    expect((both.body as { chats: unknown[] }).chats).toEqual([]);
    const dave = await rest("GET", "/v1/chats?callData.account=A-200", readKey);
    expect((dave.body as { chats: Array<{ id: string }> }).chats.map((c) => c.id)).toEqual([restStarted.chatId]);
    // More filters than allowed are refused, not ignored.
    const many = Array.from({ length: 6 }, (_, i) => `callData.k${i}=v`).join("&");
    expect(codeOf(await rest("GET", `/v1/chats?${many}`, alice))).toBe("VALIDATION_FAILED");
    await Promise.all([carol.sdk, sdk].map((s) => s.LIVECHAT.logout()));
  });

  it("refuses call data beyond its limits with coded errors, and starts no chat", async () => {
    const before = ((await rest("GET", "/v1/chats?limit=200", alice)).body as { chats: unknown[] }).chats.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ "bad key": "x" }, "CALL_DATA_INVALID"],
      [{ ["k".repeat(65)]: "x" }, "CALL_DATA_INVALID"],
      [{ note: "x".repeat(1025) }, "CALL_DATA_INVALID"],
      [Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, "v"])), "CALL_DATA_TOO_LARGE"],
      [Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, "v".repeat(1000)])), "CALL_DATA_TOO_LARGE"],
    ];
    for (const [callData, code] of cases) {
      const answer = await rest("POST", "/v1/contacts", undefined, { nickname: "Eve", callData });
      expect(codeOf(answer), JSON.stringify(callData).slice(0, 60)).toBe(code);
    }
    // A value that is not a string fails the schema.
    expect((await rest("POST", "/v1/contacts", undefined, { nickname: "Eve", callData: { n: 1 } })).status).toBe(400);
    const after = ((await rest("GET", "/v1/chats?limit=200", alice)).body as { chats: unknown[] }).chats.length;
    expect(after).toBe(before);

    // The SDK refuses the same before sending anything.
    const sdk = createLiveChatSdk();
    sdk.init({ serverUrl: server.url });
    await expect(sdk.LIVECHAT.startContact({ nickname: "Eve", callData: { "no/slash": "x" } })).rejects.toMatchObject({ code: "CALL_DATA_INVALID" });
    await expect(
      sdk.LIVECHAT.startContact({ nickname: "Eve", callData: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, "v"])) }),
    ).rejects.toMatchObject({ code: "CALL_DATA_TOO_LARGE" });
  });
});

describe("call data changed during the chat", () => {
  it("by an agent (SDK): every agent in the chat sees the change live; the customer sees no values", async () => {
    const carol = await customerWithToken("Carol", { queue: "billing" });
    const aliceSdk = await agentSdk(alice);
    const bobSdk = await agentSdk(bob);
    const atAlice = await aliceSdk.LIVECHAT.joinContact(carol.chatId, "Alice");
    const atBob = await bobSdk.LIVECHAT.joinContact(carol.chatId, "Bob");
    const seenByBob: CallDataChangedEvent[] = [];
    atBob.on("callDataChanged", (event) => seenByBob.push(event));
    const seenByCarol: CallDataChangedEvent[] = [];
    carol.contact.on("callDataChanged", (event) => seenByCarol.push(event));
    const raw = await RawSocket.connect(server.url, carol.token);
    await raw.request({ t: "join", chatId: carol.chatId, afterSeq: 0 });

    const result = await atAlice.setCallData({ ecid: "E-77", queue: null });
    expect(result.callData).toEqual({ ecid: "E-77" });
    expect(typeof result.seq).toBe("number");
    expect(atAlice.callData).toEqual({ ecid: "E-77" });
    await waitFor(() => seenByBob.length === 1 && seenByCarol.length === 1, () => "the change at Bob's and Carol's");
    expect(seenByBob[0]).toMatchObject({ chatId: carol.chatId, changes: { ecid: "E-77", queue: null }, user: { nickname: "Alice", isAgent: true } });
    expect(atBob.callData).toEqual({ ecid: "E-77" });
    expect(seenByCarol[0]?.changes).toEqual({});
    expect(carol.contact.callData).toEqual({});
    await waitFor(() => raw.frames.some((f) => f.t === "event" && f.name === "callDataChanged"), () => "the raw customer's copy");
    expect(JSON.stringify(raw.frames)).not.toContain("E-77");
    expect(JSON.stringify(raw.frames)).not.toContain("billing");

    // Nothing changes: nothing is stored.
    expect((await atAlice.setCallData({ ecid: "E-77", gone: null })).seq).toBeNull();
    // A customer cannot change it, over the SDK's frame or REST.
    const refused = await raw.request({ t: "setCallData", chatId: carol.chatId, changes: { ecid: "mine" } });
    expect((refused.error as { code: string }).code).toBe("FORBIDDEN");
    expect((await rest("PATCH", `/v1/chats/${carol.chatId}/call-data`, carol.token, { ecid: "mine" })).status).toBe(403);
    expect((await rest("GET", `/v1/chats/${carol.chatId}/call-data`, alice)).body).toEqual({ callData: { ecid: "E-77" } });
    // Limits hold against what the chat already holds.
    const full = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, "v"]));
    await expect(atAlice.setCallData(full)).rejects.toMatchObject({ code: "CALL_DATA_TOO_LARGE" });
    expect((await rest("GET", `/v1/chats/${carol.chatId}/call-data`, alice)).body).toEqual({ callData: { ecid: "E-77" } });
    raw.close();
    await Promise.all([carol.sdk, aliceSdk, bobSdk].map((s) => s.LIVECHAT.logout()));
  });

  it("by an API key with chats:write (REST); refused to keys without it and to customers", async () => {
    const started = await restCustomer("Frank", { queue: "sales" });
    const aliceSdk = await agentSdk(alice);
    const atAlice = await aliceSdk.LIVECHAT.joinContact(started.chatId, "Alice");
    const seen: CallDataChangedEvent[] = [];
    atAlice.on("callDataChanged", (event) => seen.push(event));

    const patched = await rest("PATCH", `/v1/chats/${started.chatId}/call-data`, writeKey, { disposition: "sold", queue: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ callData: { disposition: "sold" } });
    await waitFor(() => seen.length === 1, () => "the change at Alice's");
    expect(seen[0]?.changes).toEqual({ disposition: "sold", queue: null });
    expect(atAlice.callData).toEqual({ disposition: "sold" });

    expect(codeOf(await rest("PATCH", `/v1/chats/${started.chatId}/call-data`, readKey, { x: "y" }))).toBe("API_KEY_SCOPE");
    expect(codeOf(await rest("PATCH", `/v1/chats/${started.chatId}/call-data`, writeKey, { "bad key": "y" }))).toBe("CALL_DATA_INVALID");
    expect(codeOf(await rest("PATCH", `/v1/chats/${started.chatId}/call-data`, writeKey, { v: "x".repeat(1025) }))).toBe("CALL_DATA_INVALID");
    const other = await restCustomer("Gina", { secret: "gina-only" });
    // A customer reads neither its own chat's call data nor another's.
    expect((await rest("GET", `/v1/chats/${other.chatId}/call-data`, started.token)).status).toBe(403);
    expect((await rest("GET", `/v1/chats/${other.chatId}/call-data`, other.token)).status).toBe(403);
    expect((await rest("GET", `/v1/chats?callData.secret=gina-only`, started.token)).status).toBe(403);
    expect(codeOf(await rest("PATCH", `/v1/chats/CHAT_00000000-0000-4000-8000-000000000000/call-data`, writeKey, { a: "b" }))).toBe("CONTACT_NOT_FOUND");

    // An ended chat's call data no longer changes.
    await aliceSdk.LIVECHAT.endContact(atAlice);
    expect(codeOf(await rest("PATCH", `/v1/chats/${started.chatId}/call-data`, writeKey, { late: "yes" }))).toBe("CONTACT_ENDED");
    await aliceSdk.LIVECHAT.logout();
  });
});

describe("call data in history and transcripts", () => {
  it("is in an agent's history and the back office's transcripts, never in the customer's history", async () => {
    const carol = await customerWithToken("Carol", { account: "A-300" });
    await carol.contact.sendMessage("hello");
    const aliceSdk = await agentSdk(alice);
    await aliceSdk.LIVECHAT.joinContact(carol.chatId, "Alice");
    const raw = await RawSocket.connect(server.url, alice);
    await raw.request({ t: "join", chatId: carol.chatId });
    const history = await raw.request({ t: "history", chatId: carol.chatId });
    expect((history.result as { callData: unknown }).callData).toEqual({ account: "A-300" });
    const customerRaw = await RawSocket.connect(server.url, carol.token);
    const joinReply = await customerRaw.request({ t: "join", chatId: carol.chatId });
    expect(joinReply.result).not.toHaveProperty("callData");
    const customerHistory = await customerRaw.request({ t: "history", chatId: carol.chatId });
    expect(customerHistory.result).not.toHaveProperty("callData");

    const seed = await rest("GET", `/livechat/default/getContactTranscriptByChatID/${carol.chatId}`, alice);
    expect(seed.body).toMatchObject({ result: true, callData: { account: "A-300" } });
    const vendor = await rest("GET", `/livechat/default/getChatTranscriptByChatID/${carol.chatId}`, readKey);
    expect(vendor.body).toMatchObject({ result: true, chatTranscripts: { transcript: { _id: carol.chatId, callData: { account: "A-300" } } } });
    const byCallData = await rest("POST", "/livechat/default/getChatTranscriptByCalldata", alice, { callData: { account: "A-300" } });
    expect((byCallData.body as { chatTranscripts: { transcripts: Array<{ _id: string }> } }).chatTranscripts.transcripts.map((t) => t._id)).toEqual([carol.chatId]);
    raw.close();
    customerRaw.close();
    await Promise.all([carol.sdk, aliceSdk].map((s) => s.LIVECHAT.logout()));
  });
});

