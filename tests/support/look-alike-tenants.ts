/**
 * Two tenants on one install, for the cross-tenant attack suite: `acme` and
 * its look-alike `acne`, each with agents of the same usernames and
 * nicknames, customers of the same nicknames and e-mails, and chats holding
 * texts, links, receipts, an image and a PDF. Every id and text of a tenant
 * is kept as a marker, so a response can be searched for the other tenant's
 * data. The install is one SQLite node, or two PostgreSQL nodes sharing a
 * Redis (both `parley serve` processes started with the real CLI).
 * @module
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { execFile } from "node:child_process";
import http, { type IncomingHttpHeaders } from "node:http";
import { promisify } from "node:util";
import { freshDatabase, type TestDatabase } from "../../packages/server/test/pg-support.js";
import { randomPrefix, removePrefix, TEST_REDIS_URL } from "../../packages/server/test/redis-support.js";
import { makeNoisyPng, makePdf } from "./media-files.js";
import WebSocket from "ws";
import { RawSocket, socketUrl, type Frame } from "./raw-socket.js";
import { CLI, freePort, ServerProcess, tempDataDir } from "./server.js";
import { waitFor } from "./wait.js";

const run = promisify(execFile);

/** The victim and the attacker: one letter apart, as look-alike tenants are. */
export const VICTIM = "acme";
export const ATTACKER = "acne";
/** Host names mapped to each tenant (`PARLEY_TENANT_HOSTS`). */
export const TENANT_HOSTS: Record<string, string> = { [VICTIM]: "acme.test", [ATTACKER]: "acne.test" };

/** How people see each tenant: a look-alike too, and a marker of its tenant's data. */
export const DISPLAY_NAMES: Record<string, string> = { [VICTIM]: "Acme Support", [ATTACKER]: "Acne Support" };

/**
 * Agents of each tenant: the same usernames and nicknames in both, different
 * passwords. Bob is an admin of the victim but a plain agent of the attacker,
 * so a role remembered by username alone would make the attacker's Bob an admin.
 */
export const AGENTS = [
  { username: "alice", nickname: "Alice", roles: { [VICTIM]: "admin", [ATTACKER]: "admin" } },
  { username: "bob", nickname: "Bob", roles: { [VICTIM]: "admin", [ATTACKER]: "agent" } },
] as const;
export type AgentName = (typeof AGENTS)[number]["username"];

/** An agent of the victim only: a customer of the attacker may take this nickname (agents' names are reserved per tenant). */
export const VICTIM_ONLY_AGENT = { username: "zoe", nickname: "Zoe" };

export function passwordOf(tenant: string, username: string): string {
  return `${tenant}-${username}-password`;
}

// ---------------------------------------------------------------------------
// HTTP with any Host header (fetch does not let a caller set it)

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface Call {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One HTTP request to `baseUrl`, answered whole. */
export function call(baseUrl: string, request: Call): Promise<Answer> {
  const url = new URL(request.path, baseUrl);
  const headers: Record<string, string | number> = { ...(request.headers ?? {}) };
  if (request.body !== undefined) headers["content-length"] = Buffer.byteLength(request.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: request.method, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

export function json(body: unknown, headers: Record<string, string> = {}): Pick<Call, "headers" | "body"> {
  return { headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

export function bearer(token: string, headers: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, ...headers };
}

/** The error code of an answer: `{ error: { code } }`, or the back-office calls' `{ code }`. */
export function codeOf(answer: Answer): string | undefined {
  try {
    const body = JSON.parse(answer.text) as { error?: { code?: unknown }; code?: unknown } | null;
    const code = body?.error?.code ?? body?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

export function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Ids that name nothing in any tenant, shaped as real ones: the control of every attack. */
export const ghost = {
  chatId: `CHAT_${randomUUID()}`,
  messageId: `MSG_${randomUUID()}`,
  uploadId: `UPLOAD_${randomUUID()}`,
  userId: `USER_${randomUUID()}`,
  keyId: `KEY_${randomUUID()}`,
  webhookId: `WHK_${randomUUID()}`,
  deliveryId: `DLV_${randomUUID()}`,
  cannedId: `CANNED_${randomUUID()}`,
};

// ---------------------------------------------------------------------------
// The install

/** An API key of a tenant with every scope, made with `parley key add`. */
export interface InstallKey {
  id: string;
  key: string;
}

export interface TenantInstall {
  label: string;
  /** Each tenant's API key, by tenant name. */
  apiKeys: Record<string, InstallKey>;
  /** Node 1 serves the victim's chats; node 2 the attacker's agent. The same URL twice on SQLite. */
  node1: string;
  node2: string;
  /** Runs the CLI against this install's store. */
  cli(args: string[]): Promise<string>;
  close(): Promise<void>;
}

/** The host mapping, and logins unthrottled: the suite logs in and fails logins on purpose, all from one address. */
const INSTALL_ENV = {
  PARLEY_TENANT_HOSTS: Object.entries(TENANT_HOSTS)
    .map(([tenant, host]) => `${host}=${tenant}`)
    .join(","),
  PARLEY_LOGINS_PER_MINUTE: "10000",
};

/** Creates both tenants, their agents and an API key each with the real CLI, as an operator would. */
async function addTenants(cli: (args: string[]) => Promise<string>): Promise<Record<string, InstallKey>> {
  const apiKeys: Record<string, InstallKey> = {};
  for (const tenant of [VICTIM, ATTACKER]) {
    await cli(["tenant", "add", tenant, "--display-name", DISPLAY_NAMES[tenant] ?? tenant]);
    for (const agent of AGENTS) {
      await cli(["agent", "add", agent.username, "--password", passwordOf(tenant, agent.username), "--nickname", agent.nickname, "--tenant", tenant, "--role", agent.roles[tenant as typeof VICTIM]]);
    }
    if (tenant === VICTIM) {
      const { username, nickname } = VICTIM_ONLY_AGENT;
      await cli(["agent", "add", username, "--password", passwordOf(tenant, username), "--nickname", nickname, "--tenant", tenant, "--role", "agent"]);
    }
    // The key is alone on the last line; its id is in the line announcing it.
    const printed = (await cli(["key", "add", "integration", "--scopes", "transcripts:read,chats:write,config:manage", "--tenant", tenant])).trim().split("\n");
    const id = /\b(KEY_[0-9a-f-]{36})\b/.exec(printed.join("\n"))?.[1];
    const key = printed[printed.length - 1]?.trim();
    if (id === undefined || key === undefined) throw new Error(`parley key add printed no key: ${printed.join("\n")}`);
    apiKeys[tenant] = { id, key };
  }
  return apiKeys;
}

/** One `parley serve` on SQLite. */
export async function startSqliteInstall(): Promise<TenantInstall> {
  const data = await tempDataDir();
  const cli = async (args: string[]) => (await run(process.execPath, [CLI, ...args, "--data-dir", data.dir])).stdout;
  const node = new ServerProcess(await freePort(), data.dir, INSTALL_ENV);
  let apiKeys: Record<string, InstallKey>;
  try {
    apiKeys = await addTenants(cli);
    await node.start();
  } catch (error) {
    await node.stop();
    await data.remove();
    throw error;
  }
  return {
    label: "SQLite, one node",
    apiKeys,
    node1: node.url,
    node2: node.url,
    cli,
    close: async () => {
      await node.stop();
      await data.remove();
    },
  };
}

/** Two `parley serve` on one fresh PostgreSQL database and one Redis key prefix. */
export async function startPostgresInstall(): Promise<TenantInstall> {
  const database: TestDatabase = await freshDatabase();
  const prefix = randomPrefix();
  const dirs = [await tempDataDir(), await tempDataDir()] as const;
  const env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, PARLEY_REDIS_PREFIX: prefix, ...INSTALL_ENV };
  const one = new ServerProcess(await freePort(), dirs[0].dir, env);
  const two = new ServerProcess(await freePort(), dirs[1].dir, env);
  const cli = async (args: string[]) =>
    (await run(process.execPath, [CLI, ...args, "--data-dir", dirs[0].dir, "--database-url", database.url])).stdout;
  const close = async (): Promise<void> => {
    await one.stop();
    await two.stop();
    for (const dir of dirs) await dir.remove();
    await database.drop();
    await removePrefix(TEST_REDIS_URL, prefix);
  };
  try {
    await one.start();
    await two.start();
    const apiKeys = await addTenants(cli);
    return { label: "PostgreSQL, two nodes and Redis", apiKeys, node1: one.url, node2: two.url, cli, close };
  } catch (error) {
    await close();
    throw error;
  }
}

// ---------------------------------------------------------------------------
// A tenant's world

export interface SeededChat {
  chatId: string;
  customerToken: string;
  customerUserId: string;
  /** The customer's socket, joined to the chat. */
  customer: RawSocket;
  messages: { text: string; link: string; image: string; pdf: string };
  /** An upload of the customer never sent in a message. */
  unsentUploadId: string;
}

export interface TenantWorld {
  tenant: string;
  tokens: Record<AgentName, string>;
  agentIds: Record<AgentName, string>;
  /** Alice's socket on node 1, joined to `chat`. */
  agent: RawSocket;
  /** The chat with an agent in it, and everything in it. */
  chat: SeededChat;
  /** A second chat, waiting for an agent, with one message. */
  waitingChatId: string;
  /** The tenant's own queue (`<tenant>-sales`, auto, Alice a member). */
  queue: string;
  /**
   * A third chat, waiting, with one message: the target of attempts to end a
   * chat or erase a customer (so that one that succeeds harms no chat another
   * attack needs). Its customer's socket stays joined, to read it afterwards.
   */
  endable: { chatId: string; customer: RawSocket; text: string };
  /** The tenant's API key (every scope). */
  apiKey: InstallKey;
  /** The tenant's webhook endpoint (nobody listens at its URL) and one of its deliveries. */
  webhook: { id: string; deliveryId: string };
  /** An offline message left with the tenant. */
  offlineMessageId: string;
  /** A shared canned response (made by Alice, an admin) and Bob's personal one. */
  canned: { sharedId: string; personalId: string };
  /** Every id and text of this tenant's data: none may appear in an answer to the other tenant. */
  markers: Set<string>;
  /** SHA-256 of every file this tenant holds, as downloaded by its own participants. */
  fileDigests: Set<string>;
}

/** Logs an agent of `tenant` in; throws with the answer when refused. */
export async function login(url: string, tenant: string, username: string): Promise<{ token: string; id: string }> {
  const answer = await call(url, { method: "POST", path: "/v1/auth/login", ...json({ username, password: passwordOf(tenant, username), tenant }) });
  if (answer.status !== 200) throw new Error(`login of ${username}@${tenant} failed: ${answer.status} ${answer.text}`);
  const body = JSON.parse(answer.text) as { token: string; agent: { id: string } };
  return { token: body.token, id: body.agent.id };
}

/** Starts a chat in `tenant` as a customer (look-alike nickname and e-mail in both tenants). */
export async function startChat(url: string, tenant: string, nickname: string): Promise<{ chatId: string; token: string; userId: string }> {
  const email = `${nickname.toLowerCase()}@example.com`;
  const answer = await call(url, { method: "POST", path: "/v1/contacts", ...json({ nickname, email, tenant }) });
  if (answer.status !== 201) throw new Error(`starting a chat in ${tenant} failed: ${answer.status} ${answer.text}`);
  const body = JSON.parse(answer.text) as { contact: { id: string }; token: string; user: { id: string } };
  return { chatId: body.contact.id, token: body.token, userId: body.user.id };
}

/** A request over a raw socket that must succeed; returns its result. */
export async function expectOk<T = Record<string, unknown>>(socket: RawSocket, frame: Record<string, unknown>): Promise<T> {
  const reply = await socket.request(frame);
  if (reply.ok !== true) throw new Error(`${String(frame.t)} was refused: ${JSON.stringify(reply.error)}`);
  return reply.result as T;
}

/** Opens a socket and says hello; throws unless welcomed. */
export async function connect(url: string, token: string, headers: Record<string, string> = {}): Promise<RawSocket> {
  const socket = await RawSocket.connect(url, token, headers);
  if (!socket.isWelcomed) throw new Error(`hello refused: ${JSON.stringify(socket.frames)} ${JSON.stringify(socket.closed)}`);
  return socket;
}

/**
 * How a hello with `token` is answered: welcomed, or refused with a code — from
 * the error frame, the close reason, or the body of a refused upgrade.
 */
export async function helloAnswer(url: string, token: string, headers: Record<string, string> = {}): Promise<{ welcomed: boolean; code?: string }> {
  const ws = new WebSocket(socketUrl(url), { headers });
  return new Promise((resolve, reject) => {
    const done = (answer: { welcomed: boolean; code?: string }) => {
      ws.terminate();
      resolve(answer);
    };
    ws.on("unexpected-response", (_request, response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        let code: string | undefined;
        try {
          code = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        done({ welcomed: false, code: code ?? `upgrade refused with ${response.statusCode ?? 0}` });
      });
    });
    ws.on("open", () => ws.send(JSON.stringify({ t: "hello", token, v: 1 })));
    ws.on("message", (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.t === "welcome") done({ welcomed: true });
      else if (frame.t === "error") done({ welcomed: false, code: (frame.error as { code?: string } | undefined)?.code });
    });
    ws.on("close", (_code, reason) => done({ welcomed: false, code: reason.toString() }));
    ws.on("error", (error) => {
      if (!error.message.startsWith("Unexpected server response")) reject(error);
    });
  });
}

let clientIds = 0;
function clientId(): string {
  clientIds += 1;
  return `c${clientIds}`;
}

async function upload(url: string, chat: { chatId: string; token: string }, bytes: Buffer, messageType: "IMAGE" | "DOCUMENT", fileName: string): Promise<string> {
  const query = new URLSearchParams({ messageType, fileName });
  const answer = await call(url, {
    method: "POST",
    path: `/v1/contacts/${chat.chatId}/uploads?${query.toString()}`,
    headers: bearer(chat.token, { "content-type": "application/octet-stream" }),
    body: bytes,
  });
  if (answer.status !== 201) throw new Error(`upload failed: ${answer.status} ${answer.text}`);
  return (JSON.parse(answer.text) as { uploadId: string }).uploadId;
}

/** Downloads every format of a media message through its own participant's signed links; returns the digests. */
async function digestsOf(url: string, socket: RawSocket, chatId: string, messageId: string, formats: string[]): Promise<string[]> {
  const digests: string[] = [];
  for (const format of formats) {
    const result = await expectOk<{ url: string }>(socket, { t: "media", chatId, messageId, format });
    const answer = await call(url, { method: "GET", path: result.url });
    if (answer.status !== 200) throw new Error(`the ${format} of ${messageId} did not download: ${answer.status} ${answer.text}`);
    digests.push(sha256(answer.body));
  }
  return digests;
}

/**
 * Fills `tenant` with look-alike data through node `url`: both agents log in;
 * a customer "Carol" starts a chat which Alice joins; they exchange a text, a
 * link, receipts, an image and a PDF (uploaded, then sent); Carol leaves one
 * upload unsent; a customer "Dave" starts a second chat and waits in the queue,
 * and "Frank" a third, with a message.
 */
export async function seedTenant(url: string, tenant: string, apiKey: InstallKey): Promise<TenantWorld> {
  const secret = `${tenant}-secret-${randomBytes(6).toString("hex")}`;
  const markers = new Set<string>([DISPLAY_NAMES[tenant] ?? tenant]);
  const tokens = {} as Record<AgentName, string>;
  const agentIds = {} as Record<AgentName, string>;
  for (const { username } of AGENTS) {
    const { token, id } = await login(url, tenant, username);
    tokens[username] = token;
    agentIds[username] = id;
    markers.add(id);
  }
  // A webhook endpoint that takes every event, at an address where nobody listens: its deliveries stay in its log.
  const hookUrl = `http://127.0.0.1:9/${secret}/hook`;
  const hookSecret = `${secret}-webhook-secret`;
  const registered = await call(url, { method: "POST", path: "/v1/webhooks", ...json({ url: hookUrl, secret: hookSecret }, bearer(tokens.alice)) });
  if (registered.status !== 201) throw new Error(`registering ${tenant}'s webhook failed: ${registered.status} ${registered.text}`);
  const webhookId = (JSON.parse(registered.text) as { webhook: { id: string } }).webhook.id;
  markers.add(webhookId).add(hookUrl).add(hookSecret);
  const started = await startChat(url, tenant, "Carol");
  markers.add(started.chatId).add(started.userId);
  const customer = await connect(url, started.token);
  await expectOk(customer, { t: "join", chatId: started.chatId });
  const agent = await connect(url, tokens.alice);
  await expectOk(agent, { t: "join", chatId: started.chatId, nickname: "Alice" });

  const text = `${secret} my order number is 1234`;
  const sentText = await expectOk<{ id: string }>(customer, { t: "send", chatId: started.chatId, clientId: clientId(), kind: "text", text });
  const link = `https://example.com/${secret}/invoice`;
  const sentLink = await expectOk<{ id: string }>(agent, { t: "send", chatId: started.chatId, clientId: clientId(), kind: "link", url: link });
  await expectOk(agent, { t: "receipt", chatId: started.chatId, messageId: sentText.id, kind: "received" });
  await expectOk(agent, { t: "receipt", chatId: started.chatId, messageId: sentText.id, kind: "seen" });
  await expectOk(customer, { t: "receipt", chatId: started.chatId, messageId: sentLink.id, kind: "seen" });

  const chatCredential = { chatId: started.chatId, token: started.token };
  // Random pixels and the tenant's secret in the PDF: no file of one tenant has the bytes of the other's.
  const imageUpload = await upload(url, chatCredential, await makeNoisyPng(160, 100), "IMAGE", `${secret}-photo.png`);
  const pdfUpload = await upload(url, chatCredential, makePdf(`Invoice ${secret.replaceAll("-", " ")}`), "DOCUMENT", `${secret}-invoice.pdf`);
  const unsentUploadId = await upload(url, chatCredential, makePdf(`Draft ${secret.replaceAll("-", " ")}`), "DOCUMENT", `${secret}-draft.pdf`);
  const image = await expectOk<{ id: string }>(customer, {
    t: "send", chatId: started.chatId, clientId: clientId(), kind: "media", messageType: "IMAGE", uploadId: imageUpload, caption: `${secret} photo`,
  });
  const pdf = await expectOk<{ id: string }>(customer, {
    t: "send", chatId: started.chatId, clientId: clientId(), kind: "media", messageType: "DOCUMENT", uploadId: pdfUpload, caption: `${secret} invoice`,
  });
  // An uploaded image was processed before it was sent: its thumbnail exists already.
  for (const id of [sentText.id, sentLink.id, image.id, pdf.id, imageUpload, pdfUpload, unsentUploadId]) markers.add(id);
  for (const value of [text, link, secret]) markers.add(value);
  const fileDigests = new Set([
    ...(await digestsOf(url, agent, started.chatId, image.id, ["fullsize", "thumbnail"])),
    ...(await digestsOf(url, agent, started.chatId, pdf.id, ["fullsize"])),
  ]);

  const waiting = await startChat(url, tenant, "Dave");
  markers.add(waiting.chatId).add(waiting.userId);
  const dave = await connect(url, waiting.token);
  await expectOk(dave, { t: "join", chatId: waiting.chatId });
  await expectOk(dave, { t: "send", chatId: waiting.chatId, clientId: clientId(), kind: "text", text: `${secret} is anyone there?` });
  dave.close();
  const endable = await startChat(url, tenant, "Frank");
  markers.add(endable.chatId).add(endable.userId);
  const frank = await connect(url, endable.token);
  await expectOk(frank, { t: "join", chatId: endable.chatId });
  const frankText = `${secret} please delete nothing`;
  await expectOk(frank, { t: "send", chatId: endable.chatId, clientId: clientId(), kind: "text", text: frankText });
  markers.add(apiKey.id).add(apiKey.key);
  const log = await call(url, { method: "GET", path: `/v1/webhooks/${webhookId}/deliveries`, headers: bearer(tokens.alice) });
  const deliveryId = (JSON.parse(log.text) as { deliveries: Array<{ id: string }> }).deliveries[0]?.id;
  if (deliveryId === undefined) throw new Error(`${tenant}'s webhook has no delivery: ${log.status} ${log.text}`);
  markers.add(deliveryId);
  const offlineText = `${secret} call me back`;
  const offline = await call(url, { method: "POST", path: "/v1/offline-messages", ...json({ tenant, name: "Gina", email: `gina-${secret}@example.com`, message: offlineText }) });
  if (offline.status !== 201) throw new Error(`an offline message in ${tenant} failed: ${offline.status} ${offline.text}`);
  const offlineMessageId = (JSON.parse(offline.text) as { offlineMessage: { id: string } }).offlineMessage.id;
  markers.add(offlineMessageId).add(offlineText);
  // A queue of the tenant's own, with Alice as its member.
  const queue = `${tenant}-sales`;
  const createdQueue = await call(url, { method: "POST", path: "/v1/queues", ...json({ name: queue, mode: "auto", members: [agentIds.alice] }, bearer(apiKey.key)) });
  if (createdQueue.status !== 201) throw new Error(`queue of ${tenant} not created: ${createdQueue.status} ${createdQueue.text}`);
  markers.add(queue);
  const canned = { sharedId: "", personalId: "" };
  for (const [who, scope] of [["alice", "shared"], ["bob", "personal"]] as const) {
    const text = `${secret} canned ${scope} {{customer.name}}`;
    const made = await call(url, { method: "POST", path: "/v1/canned-responses", ...json({ scope, title: `${tenant} ${scope}`, shortcut: `${tenant}-${scope}`, text }, bearer(tokens[who])) });
    if (made.status !== 201) throw new Error(`canned response of ${tenant} not created: ${made.status} ${made.text}`);
    const id = (JSON.parse(made.text) as { cannedResponse: { id: string } }).cannedResponse.id;
    canned[scope === "shared" ? "sharedId" : "personalId"] = id;
    markers.add(id).add(text);
  }

  return {
    tenant,
    tokens,
    agentIds,
    agent,
    chat: {
      chatId: started.chatId,
      customerToken: started.token,
      customerUserId: started.userId,
      customer,
      messages: { text: sentText.id, link: sentLink.id, image: image.id, pdf: pdf.id },
      unsentUploadId,
    },
    waitingChatId: waiting.chatId,
    queue,
    endable: { chatId: endable.chatId, customer: frank, text: frankText },
    apiKey,
    webhook: { id: webhookId, deliveryId },
    offlineMessageId,
    canned,
    markers,
    fileDigests,
  };
}

/** The markers of `world` found in `text`. */
export function leakedMarkers(world: TenantWorld, text: string): string[] {
  return [...world.markers].filter((marker) => text.includes(marker));
}

/** The whole stored history of a chat, read by one of its participants. */
export async function fullHistory(socket: RawSocket, chatId: string): Promise<unknown[]> {
  const result = await expectOk<{ messages: unknown[] }>(socket, { t: "history", chatId, limit: 10_000 });
  return result.messages;
}

/**
 * A fence in the victim's chat: its agent sends a text and waits until the
 * customer's socket has it. Whatever an attack made the server broadcast to
 * the chat before the fence was handled has arrived by then. Returns the text.
 */
export async function fence(world: TenantWorld): Promise<string> {
  const text = `fence-${randomBytes(4).toString("hex")}`;
  await expectOk(world.agent, { t: "send", chatId: world.chat.chatId, clientId: clientId(), kind: "text", text });
  await waitFor(
    () => world.chat.customer.frames.some((f) => f.t === "event" && JSON.stringify(f.data).includes(text)),
    () => `the fence ${text} to reach the ${world.tenant} customer`,
  );
  return text;
}

/** Frames of `socket` from index `from` that are not about the fence `text`. */
export function framesBesidesFence(socket: RawSocket, from: number, text: string): Frame[] {
  return socket.frames.slice(from).filter((f) => !JSON.stringify(f).includes(text) && !(f.t === "reply" && f.ok === true));
}
