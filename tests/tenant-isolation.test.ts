/**
 * The cross-tenant attack suite. Two tenants, `acme` (the victim) and its
 * look-alike `acne` (the attacker), hold look-alike data: the same agent
 * usernames and nicknames, customers of the same nicknames and e-mails,
 * chats with texts, links, receipts, an image and a PDF. With the attacker's
 * credentials, every REST route, every socket frame type, the media links and
 * the agents' feed are tried on the victim's ids, and the victim's `:domain`
 * and host name with the attacker's token.
 *
 * What counts as refused: the answer to the victim's id is the answer to an
 * id that names nothing at all (same status, same code), so not even the
 * existence of the victim's chat leaks; when two sources name different
 * tenants, `TENANT_MISMATCH`. No answer, frame or feed update the attacker
 * gets holds any of the victim's ids, texts or file bytes; nothing reaches the
 * victim's sockets; the victim's stored history is the same afterwards.
 *
 * The route and frame tables fail the suite when the app registers a route,
 * or the protocol gains a frame type, that they do not try. Every failing
 * attack is reported (soft assertions), not only the first.
 *
 * Runs once on SQLite (one node) and once on PostgreSQL with two nodes
 * sharing a Redis: the victim's chats live on node 1, the attacker's agent
 * sockets are on node 2 (and on node 1 as well).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unzipSync } from "fflate";
import { CLIENT_FRAME_SCHEMAS } from "@parley/protocol";
import { describePostgres } from "../packages/server/test/pg-support.js";
import type { Frame, RawSocket } from "./support/raw-socket.js";
import { registeredRoutes } from "./support/routes.js";
import {
  ATTACKER,
  TENANT_HOSTS,
  VICTIM,
  VICTIM_ONLY_AGENT,
  bearer,
  call,
  codeOf,
  connect,
  expectOk,
  fence,
  framesBesidesFence,
  fullHistory,
  ghost,
  helloAnswer,
  json,
  leakedMarkers,
  passwordOf,
  seedTenant,
  sha256,
  startChat,
  startPostgresInstall,
  startSqliteInstall,
  type Answer,
  type Call,
  type TenantInstall,
  type TenantWorld,
} from "./support/look-alike-tenants.js";
import { waitFor } from "./support/wait.js";

/** What an attack's answer must be. */
type Expectation =
  /**
   * Answered exactly as the same call on ids that name nothing (`control`) is:
   * the same refusal, or (a call that is not refused for an unknown id, such as
   * an erasure that finds nothing) the same answer.
   */
  | { refused: Call }
  /** Refused with this code (two sources naming different tenants). */
  | { code: string }
  /** Refused with any coded 4xx. */
  | "refused"
  /** Answered (e.g. a list of the attacker's own chats): only the absence of the victim's data is checked. */
  | "answered"
  /** Answered with this status (e.g. a chat started in the attacker's tenant). */
  | { status: number };

interface RestAttack {
  name: string;
  node: "node1" | "node2";
  call: Call;
  expect: Expectation;
}

interface Context {
  install: TenantInstall;
  victim: TenantWorld;
  attacker: TenantWorld;
}

/**
 * Every REST route of the app and how the attacker tries it. A route the app
 * registers and this table lacks fails the suite; `HEAD` is tried as its `GET`.
 * Routes marked public serve no tenant's data; they are still called with the
 * attacker's token and searched for the victim's.
 */
const ROUTES: Record<string, (c: Context) => RestAttack[]> = {
  "GET /": (c) => publicCall(c, "/"),
  "GET /healthz": (c) => publicCall(c, "/healthz"),
  "GET /readyz": (c) => publicCall(c, "/readyz"),
  "GET /metrics": (c) => publicCall(c, "/metrics"),
  "GET /openapi.json": (c) => publicCall(c, "/openapi.json"),
  "GET /sdk/livechatsdk.js": (c) => publicCall(c, "/sdk/livechatsdk.js"),
  "GET /widget.js": (c) => publicCall(c, "/widget.js"),
  "GET /widget/:name": (c) => publicCall(c, "/widget/main.js"),
  "GET /favicon.ico": (c) => publicCall(c, "/favicon.ico"),
  "GET /console": (c) => publicCall(c, "/console"),
  "GET /console/": (c) => publicCall(c, "/console/"),
  "GET /console/*": (c) => publicCall(c, `/console/chats/${c.victim.chat.chatId}`),
  "GET /console/assets/:name": (c) => publicCall(c, "/console/assets/index.js"),
  "OPTIONS /*": (c) => [
    {
      name: "a CORS preflight naming the victim's chat",
      node: "node2",
      call: { method: "OPTIONS", path: `/v1/contacts/${c.victim.chat.chatId}/uploads`, headers: { origin: "https://acne.example", "access-control-request-method": "POST" } },
      expect: "answered",
    },
  ],

  "POST /v1/contacts": () => [
    {
      name: "a chat for the victim started on the attacker's host name",
      node: "node2",
      call: { method: "POST", path: "/v1/contacts", ...json({ nickname: "Carol", email: "carol@example.com", tenant: VICTIM }, { host: TENANT_HOSTS[ATTACKER]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
    {
      // Agents' nicknames are reserved from customers in their own tenant only: refusing this would tell
      // the attacker the name of one of the victim's agents.
      name: "a chat of the attacker's tenant under a nickname only the victim's agent has",
      node: "node2",
      call: { method: "POST", path: "/v1/contacts", ...json({ nickname: VICTIM_ONLY_AGENT.nickname, tenant: ATTACKER }) },
      expect: { status: 201 },
    },
    {
      name: "a chat of the attacker's tenant under its own agent's nickname (the reservation works)",
      node: "node2",
      call: { method: "POST", path: "/v1/contacts", ...json({ nickname: "Alice", tenant: ATTACKER }) },
      expect: { code: "NICKNAME_RESERVED" },
    },
    {
      name: "a chat in a tenant that does not exist",
      node: "node2",
      call: { method: "POST", path: "/v1/contacts", ...json({ nickname: "Carol", tenant: "acme-ghost" }) },
      expect: { code: "TENANT_NOT_FOUND" },
    },
  ],

  "POST /v1/auth/login": () => [
    {
      name: "the attacker's alice with her own password, naming the victim",
      node: "node2",
      call: { method: "POST", path: "/v1/auth/login", ...json({ username: "alice", password: passwordOf(ATTACKER, "alice"), tenant: VICTIM }) },
      expect: { refused: { method: "POST", path: "/v1/auth/login", ...json({ username: "nobody-at-all", password: passwordOf(ATTACKER, "alice"), tenant: VICTIM }) } },
    },
    {
      name: "the attacker's alice naming the victim on the attacker's host name",
      node: "node2",
      call: { method: "POST", path: "/v1/auth/login", ...json({ username: "alice", password: passwordOf(ATTACKER, "alice"), tenant: VICTIM }, { host: TENANT_HOSTS[ATTACKER]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
    {
      name: "the attacker's alice on the victim's host name, naming no tenant",
      node: "node2",
      call: { method: "POST", path: "/v1/auth/login", ...json({ username: "alice", password: passwordOf(ATTACKER, "alice") }, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { refused: { method: "POST", path: "/v1/auth/login", ...json({ username: "nobody-at-all", password: "x" }, { host: TENANT_HOSTS[VICTIM]! }) } },
    },
  ],

  "GET /v1/chats": (c) => [
    ...["", `?q=${c.victim.chat.chatId}`, "?q=Carol", "?q=Dave", "?status=ended", "?status=waiting", "?status=active"].map(
      (query): RestAttack => ({ name: `the attacker's list ${query || "(all)"}`, node: "node2", call: { method: "GET", path: `/v1/chats${query}`, headers: bearer(c.attacker.tokens.bob) }, expect: "answered" }),
    ),
    {
      name: "a cursor naming the victim's chat",
      node: "node2",
      call: { method: "GET", path: `/v1/chats?cursor=${cursorOf(c.victim.chat.chatId)}`, headers: bearer(c.attacker.tokens.bob) },
      expect: "answered",
    },
    {
      name: "the attacker's token on the victim's host name",
      node: "node2",
      call: { method: "GET", path: "/v1/chats", headers: bearer(c.attacker.tokens.bob, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
    {
      name: "the attacker's customer",
      node: "node2",
      call: { method: "GET", path: "/v1/chats", headers: bearer(c.attacker.chat.customerToken) },
      expect: "refused",
    },
  ],

  "GET /v1/supervision/chats": (c) => [
    { name: "the attacker's supervision view", node: "node2", call: { method: "GET", path: "/v1/supervision/chats", headers: bearer(c.attacker.tokens.alice) }, expect: "answered" },
    {
      name: "the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "GET", path: "/v1/supervision/chats", headers: bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
    { name: "the attacker's customer", node: "node2", call: { method: "GET", path: "/v1/supervision/chats", headers: bearer(c.attacker.chat.customerToken) }, expect: "refused" },
  ],

  "GET /v1/reports": (c) => reportAttacks(c, "/v1/reports"),
  "GET /v1/reports.csv": (c) => reportAttacks(c, "/v1/reports.csv"),

  "POST /v1/contacts/:chatId/uploads": (c) =>
    (["agent", "customer"] as const).map((who) => {
      const upload = (chatId: string): Call => ({
        method: "POST",
        path: `/v1/contacts/${chatId}/uploads?messageType=DOCUMENT&fileName=x.pdf`,
        headers: bearer(who === "agent" ? c.attacker.tokens.alice : c.attacker.chat.customerToken, { "content-type": "application/octet-stream" }),
        body: pdfBytes,
      });
      return { name: `an upload to the victim's chat by the attacker's ${who}`, node: "node2", call: upload(c.victim.chat.chatId), expect: { refused: upload(ghost.chatId) } };
    }),

  "GET /v1/contacts/:chatId/messages/:messageId/media": (c) => {
    const download = (chatId: string, messageId: string, token: string, format = "fullsize"): Call => ({
      method: "GET",
      path: `/v1/contacts/${chatId}/messages/${messageId}/media?format=${format}`,
      headers: bearer(token),
    });
    const { chatId, messages } = c.victim.chat;
    const attacks: RestAttack[] = [];
    for (const [who, token] of [["agent", c.attacker.tokens.alice], ["customer", c.attacker.chat.customerToken]] as const) {
      for (const [what, messageId, format] of [["image", messages.image, "fullsize"], ["thumbnail", messages.image, "thumbnail"], ["PDF", messages.pdf, "fullsize"]] as const) {
        attacks.push({
          name: `the victim's ${what} by the attacker's ${who}`,
          node: "node2",
          call: download(chatId, messageId, token, format),
          expect: { refused: download(ghost.chatId, ghost.messageId, token, format) },
        });
        attacks.push({
          name: `the victim's ${what} named in the attacker's own chat by the attacker's ${who}`,
          node: "node2",
          call: download(c.attacker.chat.chatId, messageId, token, format),
          expect: { refused: download(c.attacker.chat.chatId, ghost.messageId, token, format) },
        });
      }
    }
    return attacks;
  },

  "GET /livechat/downloadDocument/:chatId/:messageId": (c) => [
    {
      name: "the victim's PDF by the attacker's agent",
      node: "node2",
      call: { method: "GET", path: `/livechat/downloadDocument/${c.victim.chat.chatId}/${c.victim.chat.messages.pdf}`, headers: bearer(c.attacker.tokens.alice) },
      expect: { refused: { method: "GET", path: `/livechat/downloadDocument/${ghost.chatId}/${ghost.messageId}`, headers: bearer(c.attacker.tokens.alice) } },
    },
  ],

  "GET /livechat/:domain/downloadDocument/:chatId/:messageId": (c) => {
    const path = (domain: string, chatId: string, messageId: string) => `/livechat/${domain}/downloadDocument/${chatId}/${messageId}`;
    const { chatId, messages } = c.victim.chat;
    return backOffice(c, "GET", (domain, ids) => path(domain, ids === "victim" ? chatId : ghost.chatId, ids === "victim" ? messages.pdf : ghost.messageId));
  },

  "GET /livechat/:domain/getContactTranscriptByChatID/:chatId": (c) =>
    backOffice(c, "GET", (domain, ids) => `/livechat/${domain}/getContactTranscriptByChatID/${ids === "victim" ? c.victim.chat.chatId : ghost.chatId}`),

  "POST /livechat/:domain/sendTextMessageToActiveChat/:chatId": (c) =>
    backOffice(
      c,
      "POST",
      (domain, ids) => `/livechat/${domain}/sendTextMessageToActiveChat/${ids === "victim" ? c.victim.chat.chatId : ghost.chatId}`,
      () => ({ text: "the attacker was here", nickname: "Alice" }),
    ),

  "POST /livechat/:domain/endContactByChatID": (c) =>
    backOffice(c, "POST", (domain) => `/livechat/${domain}/endContactByChatID`, (ids) => ({ chatID: ids === "victim" ? c.victim.endable.chatId : ghost.chatId })),

  // Call data (call-data): read and changed in the caller's tenant only.
  "GET /v1/chats/:chatId/call-data": (c) =>
    [["agent", c.attacker.tokens.bob], ["API key", c.attacker.apiKey.key], ["customer", c.attacker.chat.customerToken]].map(([who, credential]) => ({
      name: `the victim's call data read by the attacker's ${who}`,
      node: "node2" as const,
      call: { method: "GET", path: `/v1/chats/${c.victim.chat.chatId}/call-data`, headers: bearer(credential!) },
      expect: { refused: { method: "GET", path: `/v1/chats/${ghost.chatId}/call-data`, headers: bearer(credential!) } },
    })),
  "PATCH /v1/chats/:chatId/call-data": (c) =>
    [["agent", c.attacker.tokens.bob], ["API key", c.attacker.apiKey.key], ["customer", c.attacker.chat.customerToken]].map(([who, credential]) => ({
      name: `the victim's call data changed by the attacker's ${who}`,
      node: "node2" as const,
      call: { method: "PATCH", path: `/v1/chats/${c.victim.chat.chatId}/call-data`, ...json({ queue: "attacker" }, bearer(credential!)) },
      expect: { refused: { method: "PATCH", path: `/v1/chats/${ghost.chatId}/call-data`, ...json({ queue: "attacker" }, bearer(credential!)) } },
    })),
  // The customer panel (visitor context): the victim's customer, context and previous chats stay theirs.
  "GET /v1/chats/:chatId/customer": (c) =>
    [["agent", c.attacker.tokens.bob], ["API key", c.attacker.apiKey.key], ["customer", c.attacker.chat.customerToken]].map(([who, credential]) => ({
      name: `the victim's customer read by the attacker's ${who}`,
      node: "node2" as const,
      call: { method: "GET", path: `/v1/chats/${c.victim.chat.chatId}/customer`, headers: bearer(credential!) },
      expect: { refused: { method: "GET", path: `/v1/chats/${ghost.chatId}/customer`, headers: bearer(credential!) } },
    })),
  "GET /livechat/:domain/getChatTranscriptByChatID/:chatId": (c) =>
    backOffice(c, "GET", (domain, ids) => `/livechat/${domain}/getChatTranscriptByChatID/${ids === "victim" ? c.victim.chat.chatId : ghost.chatId}`),
  "GET /livechat/:domain/getChatTranscriptByUserID/:userId": (c) =>
    backOffice(c, "GET", (domain, ids) => `/livechat/${domain}/getChatTranscriptByUserID/${ids === "victim" ? c.victim.chat.customerUserId : ghost.userId}`),
  "POST /livechat/:domain/getChatTranscriptByCalldata": (c) =>
    backOffice(c, "POST", (domain) => `/livechat/${domain}/getChatTranscriptByCalldata`, (ids) => ({ callData: { customer: ids === "victim" ? c.victim.chat.customerUserId : ghost.userId } })),
  "GET /livechat/:domain/getMultimediaMessageByID/:chatId/:messageId": (c) =>
    backOffice(c, "GET", (domain, ids) =>
      `/livechat/${domain}/getMultimediaMessageByID/${ids === "victim" ? c.victim.chat.chatId : ghost.chatId}/${ids === "victim" ? c.victim.chat.messages.pdf : ghost.messageId}`,
    ),

  // API keys (api-keys): a tenant's admins manage its keys only.
  "GET /v1/api-keys": (c) => [
    { name: "the keys listed by the attacker's admin", node: "node2", call: { method: "GET", path: "/v1/api-keys", headers: bearer(c.attacker.tokens.alice) }, expect: "answered" },
    // The victim's Bob, an admin, listed his tenant's keys on node 2 just before (a role remembered by username would let this one in).
    { name: "the keys listed by the attacker's Bob, an agent", node: "node2", call: { method: "GET", path: "/v1/api-keys", headers: bearer(c.attacker.tokens.bob) }, expect: "refused" },
    { name: "the keys listed by the attacker's API key", node: "node2", call: { method: "GET", path: "/v1/api-keys", headers: bearer(c.attacker.apiKey.key) }, expect: "answered" },
    {
      name: "the keys listed by the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "GET", path: "/v1/api-keys", headers: bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  "POST /v1/api-keys": (c) => [
    {
      name: "a key created by the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "POST", path: "/v1/api-keys", ...json({ name: "backdoor", scopes: ["config:manage"] }, bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! })) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  "DELETE /v1/api-keys/:id": (c) =>
    [["admin", c.attacker.tokens.alice], ["API key", c.attacker.apiKey.key]].map(([who, credential]) => ({
      name: `the victim's key revoked by the attacker's ${who}`,
      node: "node2",
      call: { method: "DELETE", path: `/v1/api-keys/${c.victim.apiKey.id}`, headers: bearer(credential!) },
      expect: { refused: { method: "DELETE", path: `/v1/api-keys/${ghost.keyId}`, headers: bearer(credential!) } },
    })),

  // Queues (queues): a tenant's agents list its queues, its admins change them; another tenant's are unknown.
  "GET /v1/queues": (c) => [
    { name: "the queues listed by the attacker's Bob, an agent", node: "node2", call: { method: "GET", path: "/v1/queues", headers: bearer(c.attacker.tokens.bob) }, expect: "answered" },
    {
      name: "the queues listed by the attacker's agent on the victim's host name",
      node: "node2",
      call: { method: "GET", path: "/v1/queues", headers: bearer(c.attacker.tokens.bob, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  "POST /v1/queues": (c) => [
    {
      name: "a queue created by the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "POST", path: "/v1/queues", ...json({ name: "backdoor", members: [c.attacker.agentIds.alice] }, bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! })) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  "PATCH /v1/queues/:name": (c) =>
    [["admin", c.attacker.tokens.alice], ["API key", c.attacker.apiKey.key]].map(([who, credential]) => ({
      name: `the victim's queue changed by the attacker's ${who}`,
      node: "node2",
      call: { method: "PATCH", path: `/v1/queues/${c.victim.queue}`, ...json({ members: [c.attacker.agentIds.alice] }, bearer(credential!)) },
      expect: { refused: { method: "PATCH", path: "/v1/queues/ghost-sales", ...json({ members: [c.attacker.agentIds.alice] }, bearer(credential!)) } },
    })),
  "DELETE /v1/queues/:name": (c) =>
    [["admin", c.attacker.tokens.alice], ["API key", c.attacker.apiKey.key]].map(([who, credential]) => ({
      name: `the victim's queue removed by the attacker's ${who}`,
      node: "node2",
      call: { method: "DELETE", path: `/v1/queues/${c.victim.queue}`, headers: bearer(credential!) },
      expect: { refused: { method: "DELETE", path: "/v1/queues/ghost-sales", headers: bearer(credential!) } },
    })),
  // Canned responses: a tenant's agents list its shared ones and their own; another tenant's ids are unknown.
  "GET /v1/canned-responses": (c) => [
    { name: "the canned responses listed by the attacker's Bob", node: "node2", call: { method: "GET", path: "/v1/canned-responses", headers: bearer(c.attacker.tokens.bob) }, expect: "answered" },
    { name: "the canned responses listed by the attacker's API key", node: "node2", call: { method: "GET", path: "/v1/canned-responses", headers: bearer(c.attacker.apiKey.key) }, expect: { code: "API_KEY_SCOPE" } },
    {
      name: "the canned responses listed by the attacker's agent on the victim's host name",
      node: "node2",
      call: { method: "GET", path: "/v1/canned-responses", headers: bearer(c.attacker.tokens.bob, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  "POST /v1/canned-responses": (c) => [
    {
      name: "a shared canned response made by the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "POST", path: "/v1/canned-responses", ...json({ scope: "shared", title: "Pay here", shortcut: "pay", text: "https://attacker.example/pay" }, bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! })) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  ...cannedAttacks("PATCH", { text: "https://attacker.example/pay" }),
  ...cannedAttacks("DELETE"),
  // Webhooks: a tenant's admins manage its endpoints and read their delivery logs only.
  "GET /v1/webhooks": (c) => [
    { name: "the webhooks listed by the attacker's admin", node: "node2", call: { method: "GET", path: "/v1/webhooks", headers: bearer(c.attacker.tokens.alice) }, expect: "answered" },
    { name: "the webhooks listed by the attacker's Bob, an agent", node: "node2", call: { method: "GET", path: "/v1/webhooks", headers: bearer(c.attacker.tokens.bob) }, expect: "refused" },
    { name: "the webhooks listed by the attacker's API key", node: "node2", call: { method: "GET", path: "/v1/webhooks", headers: bearer(c.attacker.apiKey.key) }, expect: "answered" },
    {
      name: "the webhooks listed by the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "GET", path: "/v1/webhooks", headers: bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  "POST /v1/webhooks": (c) => [
    {
      name: "a webhook registered by the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "POST", path: "/v1/webhooks", ...json({ url: "https://attacker.example/steal", secret: "0123456789abcdef0123" }, bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! })) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  ...webhookAttacks("PATCH", (id) => `/v1/webhooks/${id}`, { url: "https://attacker.example/steal" }),
  ...webhookAttacks("DELETE", (id) => `/v1/webhooks/${id}`),
  ...webhookAttacks("GET", (id) => `/v1/webhooks/${id}/deliveries`),
  ...webhookAttacks("POST", (id) => `/v1/webhooks/${id}/ping`),
  ...webhookAttacks("POST", (id, deliveryId) => `/v1/webhooks/${id}/deliveries/${deliveryId}/redeliver`),
  // Agents (agent administration): a tenant's admins manage its agents only; another tenant's agent id names nothing.
  "GET /v1/agents": (c) => [
    { name: "the agents listed by the attacker's admin", node: "node2", call: { method: "GET", path: "/v1/agents", headers: bearer(c.attacker.tokens.alice) }, expect: "answered" },
    { name: "the agents listed by the attacker's Bob, an agent", node: "node2", call: { method: "GET", path: "/v1/agents", headers: bearer(c.attacker.tokens.bob) }, expect: "refused" },
    { name: "the victim's agents listed by the attacker's admin with ?tenant=", node: "node2", call: { method: "GET", path: `/v1/agents?tenant=${VICTIM}`, headers: bearer(c.attacker.tokens.alice) }, expect: "refused" },
    {
      name: "the agents listed by the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "GET", path: "/v1/agents", headers: bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  "POST /v1/agents": (c) => [
    {
      name: "an agent added by the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "POST", path: "/v1/agents", ...json({ username: "backdoor", password: "backdoor-password", role: "admin" }, bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! })) },
      expect: { code: "TENANT_MISMATCH" },
    },
    {
      name: "an agent added to the victim by the attacker's admin with ?tenant=",
      node: "node2",
      call: { method: "POST", path: `/v1/agents?tenant=${VICTIM}`, ...json({ username: "backdoor", password: "backdoor-password", role: "admin" }, bearer(c.attacker.tokens.alice)) },
      expect: "refused",
    },
  ],
  "PATCH /v1/agents/:id": (c) =>
    [["admin", c.attacker.tokens.alice], ["API key", c.attacker.apiKey.key]].map(([who, credential]) => ({
      name: `the victim's agent disabled by the attacker's ${who}`,
      node: "node2",
      call: { method: "PATCH", path: `/v1/agents/${c.victim.agentIds.alice}`, ...json({ disabled: true }, bearer(credential!)) },
      expect: { refused: { method: "PATCH", path: `/v1/agents/${ghost.userId}`, ...json({ disabled: true }, bearer(credential!)) } },
    })),
  "PUT /v1/agents/:id/password": (c) => [
    {
      name: "the victim's agent's password set by the attacker's admin",
      node: "node2",
      call: { method: "PUT", path: `/v1/agents/${c.victim.agentIds.alice}/password`, ...json({ password: "taken-over-1" }, bearer(c.attacker.tokens.alice)) },
      expect: { refused: { method: "PUT", path: `/v1/agents/${ghost.userId}/password`, ...json({ password: "taken-over-1" }, bearer(c.attacker.tokens.alice)) } },
    },
  ],

  // The audit log and a customer's data (lifecycle): only the caller's tenant is searched.
  "GET /v1/audit": (c) => [
    { name: "the log read by the attacker's admin", node: "node2", call: { method: "GET", path: "/v1/audit?limit=100", headers: bearer(c.attacker.tokens.alice) }, expect: "answered" },
    { name: "the log read by the attacker's Bob, an agent", node: "node2", call: { method: "GET", path: "/v1/audit", headers: bearer(c.attacker.tokens.bob) }, expect: "refused" },
    {
      name: "the log read by the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "GET", path: "/v1/audit", headers: bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  "GET /v1/customers/export": (c) => {
    const exportBy = (query: string, headers: Record<string, string> = {}): Call => ({ method: "GET", path: `/v1/customers/export?${query}`, headers: bearer(c.attacker.tokens.alice, headers) });
    return [
      { name: "the victim's chat exported by the attacker's admin", node: "node2", call: exportBy(`chatId=${c.victim.chat.chatId}`), expect: { refused: exportBy(`chatId=${ghost.chatId}`) } },
      { name: "the victim's customer exported by the attacker's admin", node: "node2", call: exportBy(`customerId=${c.victim.chat.customerUserId}`), expect: { refused: exportBy(`customerId=${ghost.userId}`) } },
      // Both tenants have a Carol of this e-mail: the attacker gets its own.
      { name: "the look-alike e-mail exported by the attacker's admin", node: "node2", call: exportBy("email=carol%40example.com"), expect: "answered" },
      { name: "an export on the victim's host name", node: "node2", call: exportBy("email=carol%40example.com", { host: TENANT_HOSTS[VICTIM]! }), expect: { code: "TENANT_MISMATCH" } },
    ];
  },
  "POST /v1/customers/erase": (c) => {
    const erase = (selector: Record<string, string>, headers: Record<string, string> = {}): Call => ({ method: "POST", path: "/v1/customers/erase", ...json(selector, bearer(c.attacker.tokens.alice, headers)) });
    return [
      { name: "the victim's chat erased by the attacker's admin", node: "node2", call: erase({ chatId: c.victim.endable.chatId }), expect: { refused: erase({ chatId: ghost.chatId }) } },
      { name: "the victim's customer erased by the attacker's admin", node: "node2", call: erase({ customerId: c.victim.chat.customerUserId }), expect: { refused: erase({ customerId: ghost.userId }) } },
      { name: "an erasure on the victim's host name", node: "node2", call: erase({ email: "frank@example.com" }, { host: TENANT_HOSTS[VICTIM]! }), expect: { code: "TENANT_MISMATCH" } },
      // Both tenants have a Frank of this e-mail: the attacker erases its own, and the victim's stays (checked after).
      { name: "the look-alike e-mail erased by the attacker's admin", node: "node2", call: erase({ email: "frank@example.com" }), expect: "answered" },
    ];
  },

  // Tenant administration (tenant-core): an admin of another tenant administers only their own.
  // The front door: a queue's survey and hours (admins), a chat's survey and transcript, availability and offline messages.
  "GET /v1/surveys/:queue": (c) => adminConfigCall(c, "GET", "/v1/surveys/default"),
  "PUT /v1/surveys/:queue": (c) =>
    adminConfigCall(c, "PUT", "/v1/surveys/default", { enabled: false, scale: { min: 1, max: 5 }, comment: false, questions: [], expiryMinutes: 5 }),
  "GET /v1/queues/:name/hours": (c) => adminConfigCall(c, "GET", "/v1/queues/default/hours"),
  "PUT /v1/queues/:name/hours": (c) => adminConfigCall(c, "PUT", "/v1/queues/default/hours", { hours: { timeZone: "UTC", weekly: [], holidays: [] } }),
  "GET /v1/queues/:name/form/definition": (c) => adminConfigCall(c, "GET", "/v1/queues/default/form/definition"),
  "PUT /v1/queues/:name/form": (c) => adminConfigCall(c, "PUT", "/v1/queues/vip/form", { form: null }),
  "GET /v1/queues/:name/form": () => [
    { name: "the victim's form asked on the attacker's host name", node: "node2", call: { method: "GET", path: `/v1/queues/default/form?tenant=${VICTIM}`, headers: { host: TENANT_HOSTS[ATTACKER]! } }, expect: { code: "TENANT_MISMATCH" } },
  ],
  "GET /v1/chats/:chatId/survey": (c) => chatCall(c, "GET", (chatId) => `/v1/chats/${chatId}/survey`),
  "POST /v1/chats/:chatId/survey": (c) => chatCall(c, "POST", (chatId) => `/v1/chats/${chatId}/survey`, { rating: 1 }),
  "GET /v1/chats/:chatId/transcript": (c) => chatCall(c, "GET", (chatId) => `/v1/chats/${chatId}/transcript`),
  "GET /v1/availability": () => [
    { name: "the victim's availability asked on the attacker's host name", node: "node2", call: { method: "GET", path: `/v1/availability?tenant=${VICTIM}`, headers: { host: TENANT_HOSTS[ATTACKER]! } }, expect: { code: "TENANT_MISMATCH" } },
  ],
  "PUT /v1/invitations": (c) => adminConfigCall(c, "PUT", "/v1/invitations", { rules: [] }),
  "GET /v1/invitations": () => [
    { name: "the victim's invitations asked on the attacker's host name", node: "node2", call: { method: "GET", path: `/v1/invitations?tenant=${VICTIM}`, headers: { host: TENANT_HOSTS[ATTACKER]! } }, expect: { code: "TENANT_MISMATCH" } },
  ],
  "POST /v1/offline-messages": () => [
    {
      name: "an offline message for the victim left on the attacker's host name",
      node: "node2",
      call: { method: "POST", path: "/v1/offline-messages", ...json({ tenant: VICTIM, name: "Eve", email: "eve@example.com", message: "hi" }, { host: TENANT_HOSTS[ATTACKER]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
  ],
  "GET /v1/offline-messages": (c) => [
    { name: "the attacker's agent lists offline messages", node: "node2", call: { method: "GET", path: "/v1/offline-messages", headers: bearer(c.attacker.tokens.bob) }, expect: "answered" },
    { name: "the attacker's API key lists offline messages", node: "node2", call: { method: "GET", path: "/v1/offline-messages", headers: bearer(c.attacker.apiKey.key) }, expect: "answered" },
    {
      name: "the attacker's agent on the victim's host name",
      node: "node2",
      call: { method: "GET", path: "/v1/offline-messages", headers: bearer(c.attacker.tokens.bob, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
    { name: "the attacker's customer", node: "node2", call: { method: "GET", path: "/v1/offline-messages", headers: bearer(c.attacker.chat.customerToken) }, expect: "refused" },
  ],
  "PATCH /v1/offline-messages/:id": (c) => {
    const mark = (id: string): Call => ({ method: "PATCH", path: `/v1/offline-messages/${id}`, ...json({ state: "answered" }, bearer(c.attacker.tokens.bob)) });
    return [{ name: "the victim's offline message marked answered by the attacker's agent", node: "node2", call: mark(c.victim.offlineMessageId), expect: { refused: mark(GHOST_OFFLINE_ID) } }];
  },

  "GET /v1/tenants": (c) => [
    { name: "the tenants listed by the attacker's admin", node: "node2", call: { method: "GET", path: "/v1/tenants", headers: bearer(c.attacker.tokens.alice) }, expect: "answered" },
    { name: "the tenants listed by the attacker's agent", node: "node2", call: { method: "GET", path: "/v1/tenants", headers: bearer(c.attacker.tokens.bob) }, expect: "refused" },
  ],
  "POST /v1/tenants": (c) => [
    {
      name: "a tenant created by the attacker's admin",
      node: "node2",
      call: { method: "POST", path: "/v1/tenants", ...json({ name: "acme-2", displayName: "Acme Support" }, bearer(c.attacker.tokens.alice)) },
      expect: "refused",
    },
  ],
  "GET /v1/tenants/:name": (c) => [
    { name: "the victim read by the attacker's admin", node: "node2", call: { method: "GET", path: `/v1/tenants/${VICTIM}`, headers: bearer(c.attacker.tokens.alice) }, expect: "refused" },
    { name: "the victim read by the attacker's API key", node: "node2", call: { method: "GET", path: `/v1/tenants/${VICTIM}`, headers: bearer(c.attacker.apiKey.key) }, expect: "refused" },
  ],
  "PATCH /v1/tenants/:name": (c) => [
    {
      name: "the victim disabled by the attacker's admin",
      node: "node2",
      call: { method: "PATCH", path: `/v1/tenants/${VICTIM}`, ...json({ status: "disabled" }, bearer(c.attacker.tokens.alice)) },
      expect: "refused",
    },
    {
      name: "the victim's limits cut by the attacker's admin",
      node: "node2",
      call: { method: "PATCH", path: `/v1/tenants/${VICTIM}`, ...json({ limits: { maxAgents: 0, maxActiveChats: 0, maxStorageBytes: 0 } }, bearer(c.attacker.tokens.alice)) },
      expect: "refused",
    },
  ],
};

const pdfBytes = Buffer.from("%PDF-1.4\n%%EOF\n");

/** A route serving no tenant's data, called with the attacker's agent token. */
/** An offline message id that names nothing. */
const GHOST_OFFLINE_ID = "OFF_00000000-0000-4000-8000-000000000000";

/** A queue setting read or written by the attacker's admin, agent and key, and by its admin on the victim's host name. */
function adminConfigCall(c: Context, method: string, path: string, body?: unknown): RestAttack[] {
  const make = (credential: string, headers: Record<string, string> = {}): Call =>
    body === undefined ? { method, path, headers: bearer(credential, headers) } : { method, path, ...json(body, bearer(credential, headers)) };
  return [
    { name: "by the attacker's admin", node: "node2", call: make(c.attacker.tokens.alice), expect: "answered" },
    { name: "by the attacker's Bob, an agent", node: "node2", call: make(c.attacker.tokens.bob), expect: "refused" },
    { name: "by the attacker's API key", node: "node2", call: make(c.attacker.apiKey.key), expect: "answered" },
    { name: "by the attacker's admin on the victim's host name", node: "node2", call: make(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! }), expect: { code: "TENANT_MISMATCH" } },
  ];
}

/** A chat's survey or transcript asked by the attacker's customer, agent and key on the victim's chat (refused as a chat naming nothing). */
function chatCall(c: Context, method: string, path: (chatId: string) => string, body?: unknown): RestAttack[] {
  const make = (chatId: string, credential: string): Call =>
    body === undefined ? { method, path: path(chatId), headers: bearer(credential) } : { method, path: path(chatId), ...json(body, bearer(credential)) };
  return (
    [
      ["customer", c.attacker.chat.customerToken],
      ["agent", c.attacker.tokens.alice],
      ["API key", c.attacker.apiKey.key],
    ] as const
  ).map(([who, credential]) => ({
    name: `the victim's chat by the attacker's ${who}`,
    node: "node2",
    call: make(c.victim.chat.chatId, credential),
    expect: { refused: make(ghost.chatId, credential) },
  }));
}

/** Reports of the days around now (the victim's chats are today's), by each grouping, asked by the attacker. */
function reportAttacks(c: Context, path: string): RestAttack[] {
  const day = (offset: number) => new Date(Date.now() + offset * 24 * 3600 * 1000).toISOString().slice(0, 10);
  const query = (groupBy: string) => `${path}?from=${day(-1)}&to=${day(1)}&groupBy=${groupBy}`;
  return [
    ...["day", "queue", "agent"].map((groupBy): RestAttack => ({
      name: `the attacker's report by ${groupBy}`,
      node: "node2",
      call: { method: "GET", path: query(groupBy), headers: bearer(c.attacker.tokens.alice) },
      expect: "answered",
    })),
    { name: "the attacker's API key's report", node: "node2", call: { method: "GET", path: query("agent"), headers: bearer(c.attacker.apiKey.key) }, expect: "answered" },
    {
      name: "the attacker's admin on the victim's host name",
      node: "node2",
      call: { method: "GET", path: query("queue"), headers: bearer(c.attacker.tokens.alice, { host: TENANT_HOSTS[VICTIM]! }) },
      expect: { code: "TENANT_MISMATCH" },
    },
    { name: "the attacker's customer", node: "node2", call: { method: "GET", path: query("agent"), headers: bearer(c.attacker.chat.customerToken) }, expect: "refused" },
  ];
}

function publicCall(c: Context, path: string): RestAttack[] {
  return [{ name: "with the attacker's token", node: "node2", call: { method: "GET", path, headers: bearer(c.attacker.tokens.alice) }, expect: "answered" }];
}

/** A `/v1/chats` cursor naming a chat (as `encodeCursor` writes one). */
function cursorOf(chatId: string): string {
  return Buffer.from(JSON.stringify([new Date().toISOString(), chatId])).toString("base64url");
}

/**
 * A webhook route on the victim's endpoint (and delivery), by the attacker's
 * admin and API key: answered as on ids that name nothing.
 */
/** The victim's shared and personal canned responses, changed or removed by the attacker's admin: as unknown as ids naming nothing. */
function cannedAttacks(method: string, body?: unknown): Record<string, (c: Context) => RestAttack[]> {
  const make = (id: string, token: string): Call => ({
    method,
    path: `/v1/canned-responses/${id}`,
    ...(body === undefined ? { headers: bearer(token) } : json(body, bearer(token))),
  });
  return {
    [`${method} /v1/canned-responses/:id`]: (c) =>
      (["sharedId", "personalId"] as const).map((which) => ({
        name: `the victim's ${which === "sharedId" ? "shared" : "personal"} canned response, ${method} by the attacker's admin`,
        node: "node2",
        call: make(c.victim.canned[which], c.attacker.tokens.alice),
        expect: { refused: make(ghost.cannedId, c.attacker.tokens.alice) },
      })),
  };
}

function webhookAttacks(method: string, path: (id: string, deliveryId: string) => string, body?: unknown): Record<string, (c: Context) => RestAttack[]> {
  const route = `${method} ${path(":id", ":deliveryId")}`;
  return {
    [route]: (c) =>
      [["admin", c.attacker.tokens.alice], ["API key", c.attacker.apiKey.key]].map(([who, credential]) => {
        const make = (id: string, deliveryId: string): Call => ({
          method,
          path: path(id, deliveryId),
          ...(body === undefined ? { headers: bearer(credential!) } : json(body, bearer(credential!))),
        });
        return {
          name: `the victim's webhook, ${method} by the attacker's ${who}`,
          node: "node2",
          call: make(c.victim.webhook.id, c.victim.webhook.deliveryId),
          expect: { refused: make(ghost.webhookId, ghost.deliveryId) },
        };
      }),
  };
}

/**
 * A back-office call with the attacker's agent token: under the attacker's own
 * `:domain` on the victim's ids (refused as on ids naming nothing), and under
 * the victim's `:domain` (a mismatch with the token), in the three ways the
 * token may travel.
 */
function backOffice(
  c: Context,
  method: string,
  path: (domain: string, ids: "victim" | "ghost") => string,
  body?: (ids: "victim" | "ghost") => unknown,
): RestAttack[] {
  const token = c.attacker.tokens.alice;
  const make = (domain: string, ids: "victim" | "ghost", headers: Record<string, string>, query = ""): Call => ({
    method,
    path: path(domain, ids) + query,
    ...(body === undefined ? { headers } : json(body(ids), headers)),
  });
  const key = c.attacker.apiKey.key;
  return [
    { name: "under the attacker's domain", node: "node2", call: make(ATTACKER, "victim", bearer(token)), expect: { refused: make(ATTACKER, "ghost", bearer(token)) } },
    { name: "under the attacker's domain, the attacker's API key", node: "node2", call: make(ATTACKER, "victim", bearer(key)), expect: { refused: make(ATTACKER, "ghost", bearer(key)) } },
    { name: "under the victim's domain, the attacker's API key", node: "node2", call: make(VICTIM, "victim", bearer(key)), expect: { code: "TENANT_MISMATCH" } },
    { name: "under the attacker's domain, ctlivetoken header", node: "node2", call: make(ATTACKER, "victim", { ctlivetoken: token }), expect: { refused: make(ATTACKER, "ghost", { ctlivetoken: token }) } },
    { name: "under the victim's domain", node: "node2", call: make(VICTIM, "victim", bearer(token)), expect: { code: "TENANT_MISMATCH" } },
    { name: "under the victim's domain, ctlivetoken query", node: "node2", call: make(VICTIM, "victim", {}, `?ctlivetoken=${token}`), expect: { code: "TENANT_MISMATCH" } },
    { name: "under the default domain", node: "node2", call: make("default", "victim", bearer(token)), expect: { code: "TENANT_MISMATCH" } },
  ];
}

/**
 * The victim's data in an answer: its ids and texts, or the bytes of one of
 * its files. An id the attacker sent itself and finds echoed in a refusal
 * tells it nothing, so markers in `sent` are not counted.
 */
function leaksIn(victim: TenantWorld, body: Buffer | string, sent = ""): string[] {
  const text = typeof body === "string" ? body : body.toString("latin1");
  const found = leakedMarkers(victim, text).filter((marker) => !sent.includes(marker));
  if (typeof body !== "string" && victim.fileDigests.has(sha256(body))) found.push("the bytes of one of the victim's files");
  return found;
}

/** The start of an answer's body for a failure message, or its type when it is not text. */
function excerpt(answer: Answer): string {
  const type = String(answer.headers["content-type"] ?? "");
  return type.startsWith("application/json") ? answer.text.slice(0, 160) : `(${type}, ${answer.body.length} bytes)`;
}

/** The body, and when it is a ZIP (a customer export), each file in it and its names, searched one by one. */
function unpacked(answer: Answer, label: string): Buffer[] {
  if (!String(answer.headers["content-type"] ?? "").includes("zip") || answer.status !== 200 || answer.body.length === 0) return [answer.body];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(answer.body));
  } catch (error) {
    // A ZIP that cannot be read cannot be searched: that fails the attack, and the others are still tried.
    expect.soft(String(error), `${label}: the ZIP answered (${answer.body.length} bytes) does not open`).toBe("a ZIP that opens");
    return [answer.body];
  }
  return [answer.body, Buffer.from(Object.keys(files).join("\n")), ...Object.values(files).map((bytes) => Buffer.from(bytes))];
}

function urlOf(c: Context, node: "node1" | "node2"): string {
  return c.install[node];
}

/** Checks one REST attack's answer against its expectation; soft, so every failing attack is reported. */
async function tryRest(c: Context, route: string, attack: RestAttack, method = attack.call.method): Promise<void> {
  const label = `${route}: ${attack.name}${method !== attack.call.method ? ` (${method})` : ""}`;
  const answer = await call(urlOf(c, attack.node), { ...attack.call, method });
  for (const part of unpacked(answer, label)) expect.soft(leaksIn(c.victim, part, JSON.stringify(attack.call)), `${label} leaked`).toEqual([]);
  expect.soft(answer.status, `${label}: no server error`).toBeLessThan(500);
  const expectation = attack.expect;
  if (expectation === "answered") return;
  if (typeof expectation === "object" && "status" in expectation) {
    expect.soft(answer.status, `${label}: ${excerpt(answer)}`).toBe(expectation.status);
    return;
  }
  // HEAD answers carry no body: only the status can be compared.
  const code = method === "HEAD" ? undefined : codeOf(answer);
  if (!(typeof expectation === "object" && "refused" in expectation)) expect.soft(answer.status, `${label} was not refused: ${answer.status} ${excerpt(answer)}`).toBeGreaterThanOrEqual(400);
  if (expectation === "refused") {
    if (method !== "HEAD") expect.soft(code, `${label}: a coded refusal`).toBeDefined();
  } else if ("code" in expectation) {
    if (method !== "HEAD") expect.soft(code, `${label}: ${answer.status} ${excerpt(answer)}`).toBe(expectation.code);
  } else {
    const control = await call(urlOf(c, attack.node), { ...expectation.refused, method });
    const want = { status: control.status, code: method === "HEAD" ? undefined : codeOf(control) };
    expect.soft(
      { status: answer.status, code },
      `${label} is answered ${answer.status} ${code ?? ""}, ids that name nothing ${want.status} ${want.code ?? ""}`,
    ).toEqual(want);
    if (control.status < 400 && method !== "HEAD") expect.soft(answer.text, `${label}: answered unlike ids that name nothing`).toBe(control.text);
  }
}

// ---------------------------------------------------------------------------
// Socket frames

/** The attacker's sockets: its admin agent and its customer, each joined to the attacker's own chat. */
interface Attackers {
  agent: RawSocket;
  customer: RawSocket;
  label: string;
  /** The node both sockets are on. */
  url: string;
}

interface FrameAttack {
  name: string;
  from: "agent" | "customer";
  frame: Record<string, unknown>;
  /** The same frame on ids naming nothing; the attack must be answered exactly as it is. */
  control: Record<string, unknown>;
}

/** Either attack frames compared with their controls, or checks of its own (frames without a chat or a reply). */
type FrameEntry = (c: Context, a: Attackers) => Promise<void> | FrameAttack[];

/** Each frame type, and each kind of `send`, with what the attacker tries. A frame type missing here fails the suite. */
const FRAMES: Record<string, FrameEntry> = {
  hello: async (c, a) => {
    // A token whose tenant claim was rewritten: the signature no longer matches.
    const forged = await helloAnswer(a.url, retenant(c.attacker.tokens.alice, VICTIM));
    expect.soft(forged, `${a.label}: hello with a token re-pointed at the victim`).toEqual({ welcomed: false, code: "AUTH_INVALID_TOKEN" });
    const byKey = await helloAnswer(a.url, c.attacker.apiKey.key);
    expect.soft(byKey.welcomed, `${a.label}: hello with the attacker's API key was welcomed`).toBe(false);
    for (const [who, token] of [["agent", c.attacker.tokens.alice], ["customer", c.attacker.chat.customerToken]] as const) {
      const onVictimHost = await helloAnswer(a.url, token, { host: TENANT_HOSTS[VICTIM]! });
      expect.soft(onVictimHost, `${a.label}: the attacker's ${who} on the victim's host name`).toEqual({ welcomed: false, code: "TENANT_MISMATCH" });
      // The same token on its own tenant's host name is welcomed: the refusal above is the mismatch.
      expect.soft((await helloAnswer(a.url, token, { host: TENANT_HOSTS[ATTACKER]! })).welcomed, `${a.label}: the attacker's ${who} on its own host name`).toBe(true);
    }
  },
  join: (c) =>
    (["agent", "customer"] as const).flatMap((from) => [
      { name: "join", from, frame: { t: "join", chatId: c.victim.chat.chatId, nickname: "Alice" }, control: { t: "join", chatId: ghost.chatId, nickname: "Alice" } },
      { name: "join to replay", from, frame: { t: "join", chatId: c.victim.chat.chatId, afterSeq: 0 }, control: { t: "join", chatId: ghost.chatId, afterSeq: 0 } },
      { name: "join the waiting chat", from, frame: { t: "join", chatId: c.victim.waitingChatId }, control: { t: "join", chatId: ghost.chatId } },
      // The attacker's Alice is an admin of her own tenant: a monitor passes the role check and must still find nothing.
      { name: "monitor", from, frame: { t: "join", chatId: c.victim.chat.chatId, monitor: true }, control: { t: "join", chatId: ghost.chatId, monitor: true } },
    ]),
  note: (c) => both((from) => ({ name: "note", from, frame: { t: "note", chatId: c.victim.chat.chatId, text: "x" }, control: { t: "note", chatId: ghost.chatId, text: "x" } })),
  transfer: (c) =>
    both((from) => [
      {
        name: "transfer the victim's chat to the attacker's Bob",
        from,
        frame: { t: "transfer", chatId: c.victim.chat.chatId, agentId: c.attacker.agentIds.bob, note: "x" },
        control: { t: "transfer", chatId: ghost.chatId, agentId: c.attacker.agentIds.bob, note: "x" },
      },
      {
        name: "transfer the attacker's chat to the victim's Bob",
        from,
        frame: { t: "transfer", chatId: c.attacker.chat.chatId, agentId: c.victim.agentIds.bob },
        control: { t: "transfer", chatId: c.attacker.chat.chatId, agentId: ghostAgentId },
      },
    ]).flat(),
  takeOver: (c) =>
    both((from) => ({ name: "take over", from, frame: { t: "takeOver", chatId: c.victim.chat.chatId }, control: { t: "takeOver", chatId: ghost.chatId } })),
  leave: (c) => both((from) => ({ name: "leave", from, frame: { t: "leave", chatId: c.victim.chat.chatId }, control: { t: "leave", chatId: ghost.chatId } })),
  end: (c) =>
    both((from) => ({ name: "end", from, frame: { t: "end", chatId: c.victim.endable.chatId }, control: { t: "end", chatId: ghost.chatId } })),
  "send:text": (c) =>
    both((from) => ({ name: "send text", from, frame: sendText(c.victim.chat.chatId), control: sendText(ghost.chatId) })),
  "send:link": (c) =>
    both((from) => ({
      name: "send link",
      from,
      frame: { t: "send", chatId: c.victim.chat.chatId, clientId: nextClientId(), kind: "link", url: "https://acne.example/" },
      control: { t: "send", chatId: ghost.chatId, clientId: nextClientId(), kind: "link", url: "https://acne.example/" },
    })),
  "send:menu": (c) =>
    both((from) => ({
      name: "send a quick reply",
      from,
      frame: { t: "send", chatId: c.victim.chat.chatId, clientId: nextClientId(), kind: "menu", messageType: "QUICK_REPLY", options: [{ id: "a", text: "A" }] },
      control: { t: "send", chatId: ghost.chatId, clientId: nextClientId(), kind: "menu", messageType: "QUICK_REPLY", options: [{ id: "a", text: "A" }] },
    })),
  "send:menuResponse": (c) =>
    both((from) => [
      {
        name: "answer in the victim's chat",
        from,
        frame: { t: "send", chatId: c.victim.chat.chatId, clientId: nextClientId(), kind: "menuResponse", messageType: "MENU_RESPONSE", menuId: c.victim.chat.messages.text, optionId: "a" },
        control: { t: "send", chatId: ghost.chatId, clientId: nextClientId(), kind: "menuResponse", messageType: "MENU_RESPONSE", menuId: ghost.messageId, optionId: "a" },
      },
      {
        name: "answer the victim's message in the attacker's chat",
        from,
        frame: { t: "send", chatId: c.attacker.chat.chatId, clientId: nextClientId(), kind: "menuResponse", messageType: "MENU_RESPONSE", menuId: c.victim.chat.messages.text, optionId: "a" },
        control: { t: "send", chatId: c.attacker.chat.chatId, clientId: nextClientId(), kind: "menuResponse", messageType: "MENU_RESPONSE", menuId: ghost.messageId, optionId: "a" },
      },
    ]).flat(),
  "send:media": (c) =>
    both((from) => [
      {
        name: "send inline media to the victim's chat",
        from,
        frame: sendMedia(c.victim.chat.chatId, { data: pdfBytes.toString("base64"), fileName: "x.pdf" }),
        control: sendMedia(ghost.chatId, { data: pdfBytes.toString("base64"), fileName: "x.pdf" }),
      },
      {
        name: "send the victim's unsent upload to the victim's chat",
        from,
        frame: sendMedia(c.victim.chat.chatId, { uploadId: c.victim.chat.unsentUploadId }),
        control: sendMedia(ghost.chatId, { uploadId: ghost.uploadId }),
      },
      {
        name: "send the victim's unsent upload to the attacker's own chat",
        from,
        frame: sendMedia(c.attacker.chat.chatId, { uploadId: c.victim.chat.unsentUploadId }),
        control: sendMedia(c.attacker.chat.chatId, { uploadId: ghost.uploadId }),
      },
    ]).flat(),
  receipt: (c) =>
    both((from) => [
      {
        name: "receipt in the victim's chat",
        from,
        frame: { t: "receipt", chatId: c.victim.chat.chatId, messageId: c.victim.chat.messages.text, kind: "seen" },
        control: { t: "receipt", chatId: ghost.chatId, messageId: ghost.messageId, kind: "seen" },
      },
      {
        name: "receipt in the attacker's chat for the victim's message",
        from,
        frame: { t: "receipt", chatId: c.attacker.chat.chatId, messageId: c.victim.chat.messages.text, kind: "received" },
        control: { t: "receipt", chatId: c.attacker.chat.chatId, messageId: ghost.messageId, kind: "received" },
      },
    ]).flat(),
  typing: async (c, a) => {
    // Never answered: the ping after it is, once the typing frame was handled.
    for (const socket of [a.agent, a.customer]) {
      socket.send({ t: "typing", chatId: c.victim.chat.chatId, bwrite: true });
      await socket.request({ t: "ping" });
    }
  },
  history: (c) =>
    both((from) => ({ name: "history", from, frame: { t: "history", chatId: c.victim.chat.chatId, limit: 100 }, control: { t: "history", chatId: ghost.chatId, limit: 100 } })),
  media: (c) =>
    both((from) =>
      (["fullsize", "thumbnail", "link"] as const).flatMap((format) => [
        {
          name: `media ${format} of the victim's image`,
          from,
          frame: { t: "media", chatId: c.victim.chat.chatId, messageId: c.victim.chat.messages.image, format },
          control: { t: "media", chatId: ghost.chatId, messageId: ghost.messageId, format },
        },
        {
          name: `media ${format} of the victim's image named in the attacker's chat`,
          from,
          frame: { t: "media", chatId: c.attacker.chat.chatId, messageId: c.victim.chat.messages.image, format },
          control: { t: "media", chatId: c.attacker.chat.chatId, messageId: ghost.messageId, format },
        },
      ]),
    ).flat(),
  // Names no chat: answered the same in every tenant.
  ping: async (_c, a) => {
    expect.soft((await a.agent.request({ t: "ping" })).t).toBe("pong");
  },
  watchChats: async (c, a) => {
    const reply = await a.agent.request({ t: "watchChats" });
    expect.soft(reply.ok, `${a.label}: the attacker's agent may watch its own tenant`).toBe(true);
    const ids = ((reply.result as { chats?: { id: string }[] } | undefined)?.chats ?? []).map((chat) => chat.id);
    expect.soft(ids, `${a.label}: the attacker's snapshot holds its own waiting chat`).toContain(c.attacker.waitingChatId);
    const byCustomer = await a.customer.request({ t: "watchChats" });
    expect.soft(byCustomer.ok, `${a.label}: a customer may not watch chats`).toBe(false);
  },
  setCallData: (c) =>
    both((from) => ({
      name: "setCallData on the victim's chat",
      from,
      frame: { t: "setCallData", chatId: c.victim.chat.chatId, changes: { queue: "attacker" } },
      control: { t: "setCallData", chatId: ghost.chatId, changes: { queue: "attacker" } },
    })),
  // Offers: the victim's waiting chat is answered as a chat that does not exist.
  acceptOffer: (c) =>
    both((from) => ({ name: "accept an offer of the victim's waiting chat", from, frame: { t: "acceptOffer", chatId: c.victim.waitingChatId }, control: { t: "acceptOffer", chatId: ghost.chatId } })),
  declineOffer: (c) =>
    both((from) => ({ name: "decline an offer of the victim's waiting chat", from, frame: { t: "declineOffer", chatId: c.victim.waitingChatId }, control: { t: "declineOffer", chatId: ghost.chatId } })),
  // Names no chat nor agent: an agent sets its own status, in its own tenant.
  setStatus: async (c, a) => {
    const reply = await a.agent.request({ t: "setStatus", status: "available" });
    expect.soft(reply.ok, `${a.label}: the attacker's agent may set its own status`).toBe(true);
    expect.soft(leaksIn(c.victim, JSON.stringify(reply)), `${a.label}: the victim's data in a setStatus reply`).toEqual([]);
    const byCustomer = await a.customer.request({ t: "setStatus", status: "available" });
    expect.soft(byCustomer.ok, `${a.label}: a customer may not set an agent status`).toBe(false);
  },
};

/** An agent id that names no one. */
const ghostAgentId = `USER_${randomUUID()}`;

function both<T>(make: (from: "agent" | "customer") => T): T[] {
  return [make("agent"), make("customer")];
}

let clientIdCount = 0;
function nextClientId(): string {
  clientIdCount += 1;
  return `attack${clientIdCount}`;
}

function sendText(chatId: string): Record<string, unknown> {
  return { t: "send", chatId, clientId: nextClientId(), kind: "text", text: "the attacker was here" };
}

function sendMedia(chatId: string, file: { data?: string; uploadId?: string; fileName?: string }): Record<string, unknown> {
  return { t: "send", chatId, clientId: nextClientId(), kind: "media", messageType: "DOCUMENT", ...file };
}

/** The same token with its tenant claim (`tnt`) rewritten, signature left as it was. */
function retenant(token: string, tenant: string): string {
  const [header, body, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(body ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  return [header, Buffer.from(JSON.stringify({ ...claims, tnt: tenant })).toString("base64url"), signature].join(".");
}

/** Every frame key of the protocol: each client frame type, `send` once per kind. */
function protocolFrameKeys(): string[] {
  return Object.entries(CLIENT_FRAME_SCHEMAS)
    .flatMap(([type, schema]) => {
      const variants = (schema as { anyOf?: { properties: { kind: { const: string } } }[] }).anyOf;
      return variants === undefined ? [type] : variants.map((variant) => `${type}:${variant.properties.kind.const}`);
    })
    .sort();
}

/** Sends an attack frame and its control from the same socket; the two answers must match. */
async function tryFrame(c: Context, a: Attackers, key: string, attack: FrameAttack): Promise<void> {
  const socket = attack.from === "agent" ? a.agent : a.customer;
  const label = `${a.label}, ${key}: ${attack.name} by the attacker's ${attack.from}`;
  const reply = await socket.request(attack.frame);
  const control = await socket.request(attack.control);
  expect.soft(leaksIn(c.victim, JSON.stringify(reply), JSON.stringify(attack.frame)), `${label} leaked`).toEqual([]);
  expect.soft(reply.ok, `${label} was not refused: ${JSON.stringify(reply).slice(0, 300)}`).toBe(false);
  const [got, want] = [replyShape(reply), replyShape(control)];
  expect.soft(got, `${label} is answered ${JSON.stringify(got).slice(0, 120)}, ids that name nothing ${JSON.stringify(want).slice(0, 120)}`).toEqual(want);
}

function replyShape(reply: Frame): unknown {
  return reply.ok === true ? { ok: true, result: reply.result } : { ok: false, code: (reply.error as { code?: string } | undefined)?.code };
}

// ---------------------------------------------------------------------------
// The suite, once per store configuration

const configurations: { name: string; start: () => Promise<TenantInstall>; describe: typeof describePostgres }[] = [
  { name: "SQLite, one node", start: startSqliteInstall, describe },
  { name: "PostgreSQL, two nodes sharing Redis", start: startPostgresInstall, describe: describePostgres },
];

it("tries every REST route the app registers and every frame type of the protocol", async () => {
  const routes = await registeredRoutes();
  const untried = routes.filter((route) => !route.startsWith("HEAD ") && ROUTES[route] === undefined);
  expect(untried, "routes the attack suite does not try: add them to ROUTES").toEqual([]);
  const headless = routes.filter((route) => route.startsWith("HEAD ") && !routes.includes(route.replace(/^HEAD /, "GET ")));
  expect(headless, "HEAD routes without a GET (tried as their GET)").toEqual([]);
  expect(protocolFrameKeys().filter((key) => FRAMES[key] === undefined), "frame types the attack suite does not try: add them to FRAMES").toEqual([]);
});

for (const configuration of configurations) {
  configuration.describe(`cross-tenant isolation on ${configuration.name}`, () => {
    const c = {} as Context;
    /** The victim's history and the frame counts of its sockets before the attacks. */
    let historyBefore: unknown[];
    const attackerSockets: RawSocket[] = [];

    beforeAll(async () => {
      c.install = await configuration.start();
      [c.victim, c.attacker] = await Promise.all([
        seedTenant(c.install.node1, VICTIM, c.install.apiKeys[VICTIM]!),
        seedTenant(c.install.node1, ATTACKER, c.install.apiKeys[ATTACKER]!),
      ]);
      historyBefore = await fullHistory(c.victim.agent, c.victim.chat.chatId);
      // Generous: two child nodes, their migrations and the seeding of two tenants, on a loaded machine.
    }, 240_000);

    afterAll(async () => {
      for (const world of [c.victim, c.attacker]) for (const socket of [world?.agent, world?.chat.customer, world?.endable.customer]) socket?.terminate();
      for (const socket of attackerSockets) socket?.terminate();
      await c.install?.close();
    });

    /** Nothing reached the victim's sockets during `attack` but the fence, and its history is unchanged. */
    async function expectVictimUntouched(attack: () => Promise<void>): Promise<void> {
      const sockets = [c.victim.agent, c.victim.chat.customer];
      const from = sockets.map((socket) => socket.frames.length);
      await attack();
      const text = await fence(c.victim);
      sockets.forEach((socket, i) => {
        const stray = framesBesidesFence(socket, from[i]!, text);
        expect.soft(stray, `frames that reached the victim's ${i === 0 ? "agent" : "customer"} during the attacks`).toEqual([]);
      });
      const history = await fullHistory(c.victim.agent, c.victim.chat.chatId);
      const withoutFence = history.filter((entry) => !JSON.stringify(entry).includes(text));
      expect.soft(withoutFence, "the victim's stored history after the attacks").toEqual(historyBefore);
      historyBefore = history;
    }

    it("refuses every REST route called with the attacker's credentials on the victim's ids and domain", async () => {
      const routes = await registeredRoutes();
      // The victim's Bob is an admin: his role is looked up, and perhaps remembered, on node 2 before the attacker's Bob calls.
      for (const path of ["/v1/api-keys", "/v1/audit"]) await call(c.install.node2, { method: "GET", path, headers: bearer(c.victim.tokens.bob) });
      await expectVictimUntouched(async () => {
        for (const route of routes) {
          const [method, ...rest] = route.split(" ");
          const get = ROUTES[method === "HEAD" ? `GET ${rest.join(" ")}` : route];
          if (get === undefined) continue; // reported by the listing test
          for (const attack of get(c)) await tryRest(c, route, attack, method);
        }
        // The victim's look-alike customer was neither ended nor erased by the attacker's erasure of its own.
        const frank = await fullHistory(c.victim.endable.customer, c.victim.endable.chatId);
        expect.soft(JSON.stringify(frank), "the victim's Frank after the attacker erased its own Frank").toContain(c.victim.endable.text);
        // The attacker's own list holds its chats, so a list without the victim's is a real answer.
        const own = await call(c.install.node2, { method: "GET", path: "/v1/chats", headers: bearer(c.attacker.tokens.bob) });
        expect.soft(own.text, "the attacker's agent lists its own chats").toContain(c.attacker.chat.chatId);
      });
    }, 120_000);

    it("refuses every socket frame sent by the attacker's agent and customer with the victim's ids", async () => {
      const attackers: Attackers[] = [];
      const nodes = c.install.node1 === c.install.node2 ? (["node2"] as const) : (["node2", "node1"] as const);
      for (const node of nodes) {
        const agent = await connect(c.install[node], c.attacker.tokens.alice);
        const customer = await connect(c.install[node], c.attacker.chat.customerToken);
        attackerSockets.push(agent, customer);
        await expectOk(agent, { t: "join", chatId: c.attacker.chat.chatId, nickname: "Alice" });
        await expectOk(customer, { t: "join", chatId: c.attacker.chat.chatId });
        attackers.push({ agent, customer, label: `attacker on ${node}`, url: c.install[node] });
      }
      await expectVictimUntouched(async () => {
        for (const a of attackers) {
          for (const key of protocolFrameKeys()) {
            const entry = FRAMES[key];
            if (entry === undefined) continue; // reported by the listing test
            const attacks = await entry(c, a);
            if (Array.isArray(attacks)) for (const attack of attacks) await tryFrame(c, a, key, attack);
          }
        }
      });
      for (const a of attackers) {
        for (const [who, socket] of [["agent", a.agent], ["customer", a.customer]] as const) {
          // Replies were searched one by one above (an id the attacker sent may be echoed in them); events, signals and feed updates never name the victim.
          const unasked = socket.frames.filter((f) => f.t !== "reply" && f.t !== "error");
          expect.soft(leaksIn(c.victim, JSON.stringify(unasked)), `${a.label}: the victim's data in a frame the attacker's ${who} got unasked`).toEqual([]);
        }
      }
    }, 120_000);

    it("opens the victim's media links to no one else: not with the attacker's token, host or tenant, not re-pointed", async () => {
      const { chatId, messages } = c.victim.chat;
      const linkOf = async (socket: RawSocket, chat: string, messageId: string, format: string) =>
        (await expectOk<{ url: string }>(socket, { t: "media", chatId: chat, messageId, format })).url;
      const victimLinks = {
        image: await linkOf(c.victim.agent, chatId, messages.image, "fullsize"),
        thumbnail: await linkOf(c.victim.agent, chatId, messages.image, "thumbnail"),
        pdf: await linkOf(c.victim.agent, chatId, messages.pdf, "fullsize"),
      };
      const attackerLink = await linkOf(c.attacker.agent, c.attacker.chat.chatId, c.attacker.chat.messages.image, "fullsize");
      // The links work for whoever holds them alone, and the attacker's for the attacker.
      expect((await call(c.install.node1, { method: "GET", path: victimLinks.image })).status).toBe(200);
      expect((await call(c.install.node2, { method: "GET", path: attackerLink })).status).toBe(200);

      const attempts: { name: string; node: "node1" | "node2"; call: Call }[] = [];
      for (const [what, link] of Object.entries(victimLinks)) {
        for (const [who, token] of [["agent", c.attacker.tokens.alice], ["customer", c.attacker.chat.customerToken]] as const) {
          attempts.push({ name: `the victim's ${what} link with the attacker's ${who} token`, node: "node2", call: { method: "GET", path: link, headers: bearer(token) } });
        }
        attempts.push({ name: `the victim's ${what} link on the attacker's host name`, node: "node2", call: { method: "GET", path: link, headers: { host: TENANT_HOSTS[ATTACKER]! } } });
        const tampered = link.includes(VICTIM) ? link.split(VICTIM).join(ATTACKER) : `${link}&tenant=${ATTACKER}`;
        attempts.push({ name: `the victim's ${what} link with its tenant changed`, node: "node2", call: { method: "GET", path: tampered } });
      }
      const attacker = new URL(attackerLink, "http://x");
      const victim = new URL(victimLinks.image, "http://x");
      const repoint = (from: Record<string, string>) => {
        let path = attacker.pathname;
        for (const [was, now] of Object.entries(from)) path = path.replace(was, now);
        return `${path}${attacker.search}`;
      };
      const { chatId: bChat, messages: bMessages } = c.attacker.chat;
      attempts.push(
        { name: "the attacker's link re-pointed at the victim's chat", node: "node2", call: { method: "GET", path: repoint({ [bChat]: chatId }) } },
        { name: "the attacker's link re-pointed at the victim's image", node: "node2", call: { method: "GET", path: repoint({ [bMessages.image]: messages.image }) } },
        { name: "the attacker's link re-pointed at the victim's chat and image", node: "node2", call: { method: "GET", path: repoint({ [bChat]: chatId, [bMessages.image]: messages.image }) } },
        { name: "the attacker's signature on the victim's image", node: "node2", call: { method: "GET", path: `${victim.pathname}${attacker.search}` } },
        {
          name: "the attacker's link re-pointed at the victim's image, with the attacker's token",
          node: "node2",
          call: { method: "GET", path: repoint({ [bChat]: chatId, [bMessages.image]: messages.image }), headers: bearer(c.attacker.tokens.alice) },
        },
      );
      for (const attempt of attempts) {
        const answer = await call(c.install[attempt.node], attempt.call);
        expect.soft(leaksIn(c.victim, answer.body, JSON.stringify(attempt.call)), `${attempt.name} leaked`).toEqual([]);
        expect.soft(answer.status, `${attempt.name} was not refused (${answer.status} ${answer.headers["content-type"] ?? ""})`).toBeGreaterThanOrEqual(400);
        expect.soft(answer.status, `${attempt.name}: no server error`).toBeLessThan(500);
        if (answer.status >= 400) expect.soft(codeOf(answer), `${attempt.name}: a coded refusal`).toBeDefined();
      }
    }, 120_000);

    it("shows the attacker's agents none of the victim's chats, starts or messages in their feed, on either node", async () => {
      const watch = async (url: string, token: string) => {
        const socket = await connect(url, token);
        attackerSockets.push(socket);
        await expectOk(socket, { t: "watchChats" });
        return socket;
      };
      const victimWatcher = await watch(c.install.node1, c.victim.tokens.bob);
      const attackerWatchers = [await watch(c.install.node2, c.attacker.tokens.bob)];
      if (c.install.node1 !== c.install.node2) attackerWatchers.push(await watch(c.install.node1, c.attacker.tokens.bob));

      // The victim's queue moves on node 1: a chat starts, a message waits, an agent takes it, it ends.
      const started = await startChat(c.install.node1, VICTIM, "Erin");
      c.victim.markers.add(started.chatId).add(started.userId);
      const erin = await connect(c.install.node1, started.token);
      attackerSockets.push(erin);
      await expectOk(erin, { t: "join", chatId: started.chatId });
      const secret = `${VICTIM}-feed-secret-${Date.now()}`;
      c.victim.markers.add(secret);
      await expectOk(erin, { t: "send", chatId: started.chatId, clientId: nextClientId(), kind: "text", text: secret });
      await expectOk(c.victim.agent, { t: "join", chatId: started.chatId, nickname: "Alice" });
      await expectOk(c.victim.agent, { t: "end", chatId: started.chatId });
      const feedOf = (socket: RawSocket) => socket.frames.filter((f) => f.t === "chatFeed");
      await waitFor(
        () => feedOf(victimWatcher).some((f) => f.change === "ended" && (f.chat as { id: string }).id === started.chatId),
        () => "the victim's watcher to see its chat end",
      );
      // A chat of the attacker's own, started after: every watcher of the attacker sees it (the feed works).
      const own = await startChat(c.install.node1, ATTACKER, "Erin");
      const ownMessage = `${ATTACKER}-own-${Date.now()}`;
      const ownCustomer = await connect(c.install.node1, own.token);
      attackerSockets.push(ownCustomer);
      await expectOk(ownCustomer, { t: "join", chatId: own.chatId });
      await expectOk(ownCustomer, { t: "send", chatId: own.chatId, clientId: nextClientId(), kind: "text", text: ownMessage });
      for (const watcher of attackerWatchers) {
        await waitFor(() => JSON.stringify(feedOf(watcher)).includes(ownMessage), () => "the attacker's watcher to see its own chat's message");
      }
      for (const [i, watcher] of attackerWatchers.entries()) {
        expect.soft(leaksIn(c.victim, JSON.stringify(watcher.frames)), `the attacker's watcher on node ${i === 0 ? 2 : 1}`).toEqual([]);
      }
      expect.soft(JSON.stringify(victimWatcher.frames), "the victim's watcher saw the attacker's chat").not.toContain(own.chatId);
      expect.soft(leakedMarkers(c.attacker, JSON.stringify(victimWatcher.frames)), "the attacker's data in the victim's feed").toEqual([]);
    }, 120_000);
  });
}
