/**
 * A customer's data end to end, on a real server with real sockets and the
 * real SDK: the export holds every message and file of that customer and
 * nothing of anyone else (a look-alike customer in the same tenant, the same
 * e-mail at another tenant); the erasure leaves nothing readable through REST
 * history, transcripts, socket history, downloads, a new export or the blob
 * store; and each export and erasure is recorded once in the tenant's audit
 * log, which only the tenant's admins read.
 */
import { randomUUID } from "node:crypto";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk, type Contact } from "@parley/sdk";
import type { StartContactResponse } from "@parley/protocol";
import { createParleyServer, type ParleyServer } from "@parley/server";
import { hashPassword } from "../packages/server/src/auth/passwords.js";
import { FsBlobStore } from "../packages/server/src/blobs/fs.js";
import { makePdf } from "./support/media-files.js";
import { TEST_SECRET, tempDataDir } from "./support/server.js";

let server: ParleyServer;
let url: string;
let data: { dir: string; remove: () => Promise<void> };
const tokens: Record<string, string> = {};
const password = "a-long-password-1";

async function addAgent(tenant: string, username: string, role: "agent" | "supervisor" | "admin"): Promise<void> {
  await server.store.tenant(tenant).createAgent({
    id: `USER_${randomUUID()}`,
    username,
    nickname: username,
    passwordHash: await hashPassword(password),
    createdAt: new Date().toISOString(),
    role,
  });
  const response = await fetch(`${url}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password, tenant }),
  });
  expect(response.status).toBe(200);
  tokens[`${tenant}/${username}`] = ((await response.json()) as { token: string }).token;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

interface SeededCustomer {
  chatId: string;
  userId: string;
  token: string;
  contact: Contact;
  texts: string[];
  fileMessageId: string;
  pdf: Buffer;
  /** The chat's history as the customer's SDK asks it over the socket. */
  history(): Promise<unknown>;
  logout(): Promise<void>;
}

/** What the customer's browser sends when the chat starts (the widget's visitor context). */
const visitorContextOf = (tenant: string, nickname: string) => ({ visitorId: `v_${tenant}_${nickname}_0000000000`, language: "de-DE", timeZone: "Europe/Berlin" });

/** A customer of `tenant` who writes two messages and sends a PDF; an agent answers. */
async function customerWithHistory(tenant: string, nickname: string, email: string, agentToken: string): Promise<SeededCustomer> {
  const started = await fetch(`${url}/v1/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname, email, uri: "https://shop.example/help", userAgent: "Mozilla/5.0 (Dana's phone)", tenant, context: visitorContextOf(tenant, nickname) }),
  });
  expect(started.status).toBe(201);
  const body = (await started.json()) as StartContactResponse;
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: url });
  await sdk.LIVECHAT.login(body.token, false, false, () => {});
  const contact = await sdk.LIVECHAT.joinContact(body.contact.id, nickname);
  const texts = [`${nickname}: my IBAN is DE89 3704 0044 0532 0130 00`, `${nickname}: call me at +49 30 1234567`];
  for (const text of texts) await contact.sendMessage(text);
  // A PDF of the customer's own (the same bytes twice would be one blob, shared).
  const pdf = Buffer.from(makePdf().toString("latin1").replace("Hello from Parley", `${tenant}:${nickname}`.padEnd(17, "_").slice(0, 17)), "latin1");
  const file = await contact.SendMultimediaMessage("DOCUMENT", { document: base64(pdf), caption: `${nickname}'s payslip`, fileName: `${nickname}-payslip`, documentType: "PDF" });

  const agentSdk = createLiveChatSdk();
  agentSdk.init({ serverUrl: url });
  await agentSdk.LIVECHAT.login(agentToken, false, false, () => {});
  const agent = await agentSdk.LIVECHAT.joinContact(body.contact.id, "Agent");
  await agent.sendMessage(`Thanks ${nickname}, I see account DE89`);
  await agentSdk.LIVECHAT.logout();
  return {
    chatId: body.contact.id,
    userId: body.user.id,
    token: body.token,
    contact,
    texts,
    fileMessageId: file.id,
    pdf,
    history: () => sdk.LIVECHAT.getChatHistory(contact),
    logout: () => sdk.LIVECHAT.logout(),
  };
}

function get(path: string, token: string | undefined): Promise<Response> {
  return fetch(`${url}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

function erase(body: object, token: string): Promise<Response> {
  return fetch(`${url}/v1/customers/erase`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function exportZip(query: string, token: string): Promise<Record<string, Uint8Array>> {
  const response = await get(`/v1/customers/export?${query}`, token);
  expect(response.status, await response.clone().text().catch(() => "")).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/zip");
  return unzipSync(new Uint8Array(await response.arrayBuffer()));
}

let dana: SeededCustomer;
let lookalike: SeededCustomer;
let other: SeededCustomer;

beforeAll(async () => {
  data = await tempDataDir();
  server = createParleyServer({ dataDir: data.dir, secret: TEST_SECRET, port: 0, host: "127.0.0.1", logLevel: "silent", contactsPerMinute: 10_000, loginsPerMinute: 10_000 });
  ({ url } = await server.listen());
  await server.store.createTenant({
    name: "acme",
    displayName: "Acme",
    status: "active",
    limits: { maxAgents: null, maxActiveChats: null, maxStorageBytes: null },
    retentionDays: null,
    createdAt: new Date().toISOString(),
  });
  await addAgent("default", "root", "admin");
  await addAgent("default", "sam", "agent");
  await addAgent("default", "sue", "supervisor");
  await addAgent("acme", "acme-admin", "admin");
  await addAgent("acme", "acme-agent", "agent");
  dana = await customerWithHistory("default", "Dana", "dana@example.com", tokens["default/sam"]!);
  lookalike = await customerWithHistory("default", "Dana2", "dana2@example.com", tokens["default/sam"]!);
  other = await customerWithHistory("acme", "Dana", "dana@example.com", tokens["acme/acme-agent"]!);
});

afterAll(async () => {
  await Promise.all([dana, lookalike, other].filter(Boolean).map((c) => c.logout().catch(() => undefined)));
  await server.close();
  await data.remove();
});

describe("a customer's export", () => {
  it("holds every message and file of that customer and nothing of anyone else", async () => {
    const zip = await exportZip("email=DANA@example.com", tokens["default/root"]!);
    expect(Object.keys(zip).sort()).toEqual(
      ["customer.json", `chats/${dana.chatId}.json`, `files/${dana.chatId}/${Object.keys(zip).find((k) => k.startsWith(`files/${dana.chatId}/`))?.split("/")[2]}`].sort(),
    );
    const customer = JSON.parse(strFromU8(zip["customer.json"]!));
    expect(customer).toMatchObject({ tenant: "default", customers: [{ userId: dana.userId, nicknames: ["Dana"], emails: ["dana@example.com"] }], chats: [{ chatId: dana.chatId }] });
    const chat = JSON.parse(strFromU8(zip[`chats/${dana.chatId}.json`]!));
    const texts = chat.events.filter((e: { name: string }) => e.name === "message").map((e: { data: { content: { text: string } } }) => e.data.content.text);
    expect(texts).toEqual([...dana.texts, "Thanks Dana, I see account DE89"]);
    expect(chat.chat).toMatchObject({ id: dana.chatId, email: "dana@example.com", nickname: "Dana" });
    expect(chat.visitorContext).toEqual(visitorContextOf("default", "Dana"));
    const fileEntry = Object.keys(zip).find((k) => k.startsWith(`files/${dana.chatId}/`))!;
    expect(fileEntry).toMatch(/^files\/CHAT_[^/]+\/UPLOAD_[^/]+-Dana-payslip\.pdf$/);
    expect(Buffer.from(zip[fileEntry]!).equals(dana.pdf)).toBe(true);
    // Nothing of the look-alike or of the other tenant's Dana.
    const all = Object.values(zip).map((bytes) => Buffer.from(bytes).toString("latin1")).join("\n");
    for (const foreign of [lookalike.chatId, other.chatId, lookalike.userId, other.userId, "Dana2", "dana2@example.com"]) expect(all).not.toContain(foreign);
  });

  it("by customer id and by chat id finds the same chat; only the tenant's admins may export", async () => {
    const byCustomer = await exportZip(`customerId=${dana.userId}`, tokens["default/root"]!);
    const byChat = await exportZip(`chatId=${dana.chatId}`, tokens["default/root"]!);
    expect(Object.keys(byCustomer).sort()).toEqual(Object.keys(byChat).sort());
    for (const who of ["default/sam", "default/sue"]) {
      const refused = await get(`/v1/customers/export?chatId=${dana.chatId}`, tokens[who]);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: "ROLE_FORBIDDEN" } });
    }
    expect((await get(`/v1/customers/export?chatId=${dana.chatId}`, dana.token)).status).toBe(403);
    // The other tenant's admin finds nothing of this tenant's chats.
    const foreign = await get(`/v1/customers/export?chatId=${dana.chatId}`, tokens["acme/acme-admin"]);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: { code: "CONTACT_NOT_FOUND" } });
    const bad = await get(`/v1/customers/export?email=dana@example.com&chatId=${dana.chatId}`, tokens["default/root"]);
    expect(await bad.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });
});

describe("a customer's erasure", () => {
  it("leaves nothing readable through any route or in the blob store, keeps the tombstone, and is idempotent", async () => {
    const before = await server.store.tenant("default").getContact(dana.chatId);
    const danaFile = await server.store.tenant("default").mediaOfMessage(dana.chatId, dana.fileMessageId);
    const lookalikeFile = await server.store.tenant("default").mediaOfMessage(lookalike.chatId, lookalike.fileMessageId);
    expect(before?.email).toBe("dana@example.com");

    const answer = await erase({ email: "dana@example.com" }, tokens["default/root"]!);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ chats: 1, chatIds: [dana.chatId], files: 1 });

    const secrets = ["Dana", "DE89", "+49 30", "payslip", "dana@example.com", "shop.example", "Dana's phone", "Europe/Berlin", visitorContextOf("default", "Dana").visitorId];
    const readable = (text: string) => secrets.filter((secret) => text.includes(secret));

    // REST: the transcript (back office) and the chat list.
    const transcript = await get(`/livechat/default/getContactTranscriptByChatID/${dana.chatId}`, tokens["default/root"]);
    expect(transcript.status).toBe(200);
    const transcriptText = await transcript.text();
    expect(readable(transcriptText)).toEqual([]);
    expect(transcriptText).toContain("[erased]");
    const list = await (await get(`/v1/chats?q=${dana.chatId}`, tokens["default/root"])).text();
    expect(readable(list)).toEqual([]);

    // Socket: the customer's own SDK, still joined, reads the history redacted; the file's link is refused.
    const history = await dana.history();
    expect(readable(JSON.stringify(history))).toEqual([]);
    expect(JSON.stringify(history)).toContain("[erased]");
    await expect(dana.contact.GetMultimediaMessageInActiveChat(dana.chatId, dana.fileMessageId)).rejects.toMatchObject({ code: "MEDIA_ERASED" });

    // Downloads: by token, and by the back-office call.
    const download = await get(`/v1/contacts/${dana.chatId}/messages/${dana.fileMessageId}/media`, tokens["default/root"]);
    expect(download.status).toBe(410);
    expect(await download.json()).toMatchObject({ error: { code: "MEDIA_ERASED" } });
    const document = await get(`/livechat/default/downloadDocument/${dana.chatId}/${dana.fileMessageId}`, tokens["default/root"]);
    expect(await document.json()).toMatchObject({ result: false, code: "MEDIA_ERASED" });

    // A new export holds the tombstone only.
    const zip = await exportZip(`chatId=${dana.chatId}`, tokens["default/root"]!);
    expect(Object.keys(zip).filter((k) => k.startsWith("files/"))).toEqual([]);
    expect(readable(Object.values(zip).map((b) => strFromU8(b)).join("\n"))).toEqual([]);
    expect(JSON.parse(strFromU8(zip[`chats/${dana.chatId}.json`]!)).visitorContext).toBeNull();

    // The blob store: the PDF's bytes are gone, the look-alike's (another chat) stay.
    const blobs = new FsBlobStore({ dir: `${data.dir}/media` });
    try {
      expect(await blobs.stat(danaFile!.fullsize.blobKey)).toBeUndefined();
      expect(await blobs.stat(lookalikeFile!.fullsize.blobKey)).toBeDefined();
    } finally {
      await blobs.close();
    }

    // The tombstone: the chat is still there (reports count it), ended and erased.
    const after = await server.store.tenant("default").getContact(dana.chatId);
    expect(after).toMatchObject({ id: dana.chatId, status: "ended", email: null, userAgent: null, pageUri: null, clientIp: null, nickname: "[erased]" });
    expect(after?.erasedAt).toEqual(expect.any(String));

    // Untouched: the look-alike, and the other tenant's Dana.
    const lookalikeZip = await exportZip(`chatId=${lookalike.chatId}`, tokens["default/root"]!);
    expect(Object.values(lookalikeZip).map((b) => Buffer.from(b).toString("latin1")).join("\n")).toContain(lookalike.texts[0]);
    const otherZip = await exportZip("email=dana@example.com", tokens["acme/acme-admin"]!);
    expect(strFromU8(otherZip[`chats/${other.chatId}.json`]!)).toContain(other.texts[0]);
    expect(Object.keys(otherZip).filter((k) => k.startsWith("files/"))).toHaveLength(1);

    // Idempotent.
    expect(await (await erase({ email: "dana@example.com" }, tokens["default/root"]!)).json()).toMatchObject({ chats: 0 });
    expect(await (await erase({ chatId: dana.chatId }, tokens["default/root"]!)).json()).toMatchObject({ chats: 1, events: 0, files: 0, blobs: 0 });
  });

  it("is refused to anyone but the tenant's admins, changing nothing", async () => {
    for (const who of ["default/sam", "default/sue"]) {
      const refused = await erase({ chatId: lookalike.chatId }, tokens[who]!);
      expect(refused.status, who).toBe(403);
      expect(await refused.json()).toMatchObject({ error: { code: "ROLE_FORBIDDEN" } });
    }
    expect((await erase({ chatId: lookalike.chatId }, lookalike.token)).status).toBe(403);
    // Another tenant's admin, naming this tenant's chat, erases nothing.
    expect(await (await erase({ chatId: lookalike.chatId }, tokens["acme/acme-admin"]!)).json()).toMatchObject({ chats: 0 });
    const zip = await exportZip(`chatId=${lookalike.chatId}`, tokens["default/root"]!);
    expect(strFromU8(zip[`chats/${lookalike.chatId}.json`]!)).toContain(lookalike.texts[0]);
  });
});

describe("the audit log", () => {
  it("records each export and erasure once, by whom and from where, for the tenant's admins only", async () => {
    const page = await get("/v1/audit?limit=100", tokens["default/root"]);
    expect(page.status).toBe(200);
    const { entries } = (await page.json()) as { entries: Array<{ action: string; actor: { type: string; name: string }; address: string; detail: Record<string, unknown> }> };
    const exports = entries.filter((e) => e.action === "customer.exported");
    const erasures = entries.filter((e) => e.action === "customer.erased");
    // Exports above: by e-mail, by customer id, by chat id, after the erasure, the look-alike (twice).
    expect(exports).toHaveLength(6);
    // Erasures: by e-mail, then by chat id again (the repeat by e-mail matched nothing and recorded nothing).
    expect(erasures).toHaveLength(2);
    for (const entry of [...exports, ...erasures]) {
      expect(entry.actor).toMatchObject({ type: "agent", name: "root" });
      expect(entry.address).toBe("127.0.0.1");
      expect(JSON.stringify(entry)).not.toContain("dana@example.com");
    }
    const onlyErasures = (await (await get("/v1/audit?action=customer.erased", tokens["default/root"])).json()) as { entries: unknown[] };
    expect(onlyErasures.entries).toHaveLength(2);
    // The other tenant's log holds its own export only.
    const acme = (await (await get("/v1/audit", tokens["acme/acme-admin"])).json()) as { entries: Array<{ action: string }> };
    expect(acme.entries.map((e) => e.action)).toEqual(["customer.exported"]);
    for (const who of ["default/sam", "default/sue"]) expect((await get("/v1/audit", tokens[who])).status).toBe(403);
    // Pages follow one another without overlap.
    const first = (await (await get("/v1/audit?limit=3", tokens["default/root"])).json()) as { entries: Array<{ id: string }>; nextCursor: string };
    const second = (await (await get(`/v1/audit?limit=100&before=${first.nextCursor}`, tokens["default/root"])).json()) as { entries: Array<{ id: string }> };
    expect([...first.entries, ...second.entries].map((e) => e.id)).toEqual(entries.map((e) => (e as unknown as { id: string }).id));
  });

  it("records a tenant created and changed over REST once, in the super-admin's log and in the tenant's own", async () => {
    const admin = tokens["default/root"]!;
    const send = (method: string, path: string, body: unknown) =>
      fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await send("POST", "/v1/tenants", { name: "globex", retentionDays: 30 })).status).toBe(201);
    expect((await send("PATCH", "/v1/tenants/globex", { displayName: "Globex", retentionDays: 60 })).status).toBe(200);
    const log = (await (await get("/v1/audit?limit=100", admin)).json()) as {
      entries: Array<{ action: string; actor: { name: string }; target: { type: string; id: string } | null; detail: Record<string, unknown> }>;
    };
    const aboutGlobex = log.entries.filter((entry) => entry.target?.type === "tenant" && entry.target.id === "globex");
    expect(aboutGlobex.map((entry) => [entry.action, entry.actor.name])).toEqual([
      ["tenant.updated", "root"],
      ["tenant.created", "root"],
    ]);
    expect(aboutGlobex[0]!.detail).toEqual({ fields: ["displayName", "retentionDays"] });
    // Globex's own log says the same, for its future admins.
    const own = await server.store.tenant("globex").listAudit({ limit: 10 });
    expect(own.map((entry) => entry.action)).toEqual(["tenant.updated", "tenant.created"]);
  });
});
