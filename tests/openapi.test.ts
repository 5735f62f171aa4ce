/**
 * The OpenAPI document (`GET /openapi.json`) and the schemas behind it:
 * every route Fastify registers appears in the document with its answers; the
 * document is structurally OpenAPI 3.1; every route, called once (and on some
 * of its refusals), answers inside its declared schemas — checked by the test
 * server's response check, which this file also proves catches an answer
 * outside its schema. A route added later without a schema, or without a call
 * in the table below, fails this file.
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import Fastify from "fastify";
import { Type, type TSchema } from "@sinclair/typebox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installResponseCheck, type ResponseViolation } from "../packages/server/src/http/response-check.js";
import { openApiPath } from "../packages/server/src/http/openapi.js";
import { makePdf, makePng } from "./support/media-files.js";
import { openApiProblems } from "./support/openapi-structure.js";
import { RawSocket } from "./support/raw-socket.js";
import { registeredRoutes } from "./support/routes.js";
import { CLI, describeViolations, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";

const run = promisify(execFile);

/** One request of the table, and the status it must answer. */
interface Call {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  status: number;
}

interface World {
  alice: string;
  admin: string;
  customer: { chatId: string; token: string };
  /** A chat the back-office call ends. */
  toEnd: string;
  /** A chat the erasure erases. */
  toErase: string;
  imageMessageId: string;
  keyId: string;
  consoleAsset: string;
  /** An agent whose name and password the table changes. */
  carolId: string;
  /** The widget script's ETag, to be answered 304. */
  widgetEtag: string;
  /** Alice's personal canned response, changed then removed. */
  cannedId: string;
  /** The customer's user id (`USER_…`). */
  customerUserId: string;
  /** An ended chat whose customer answers its survey. */
  surveyed: { chatId: string; token: string };
  /** An offline message left by a customer. */
  offlineId: string;
  /** A webhook endpoint (nobody listens at its address) and one of its deliveries. */
  webhookId: string;
  deliveryId: string;
}

const PRECHAT_FORM = {
  fields: [{ key: "contract", kind: "name", mandatory: true, pattern: "C-[0-9]{6}", options: [], agentVisible: true, labels: { en: "Contract" } }],
  consent: { privacyUrl: "https://example.com/privacy", labels: { en: "I agree" } },
};
const MISSING_MESSAGE = "MSG_00000000-0000-4000-8000-000000000000";
const MISSING_CHAT = "CHAT_00000000-0000-4000-8000-000000000000";
const MISSING_WEBHOOK = "WHK_00000000-0000-4000-8000-000000000000";
const HOURS = { timeZone: "Europe/Berlin", weekly: [{ day: 1, open: "09:00", close: "17:00" }], holidays: ["2026-12-25"] };
const SURVEY = { enabled: true, scale: { min: 1, max: 5 }, comment: true, questions: [{ id: "solved", kind: "rating", label: "Was your problem solved?", required: true }], expiryMinutes: 60 };
const bearer = (token: string, more: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...more });
const json = (token: string | undefined, body: unknown) => ({
  headers: { "content-type": "application/json", ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  body,
});

/**
 * Every route, by `METHOD path` as Fastify registers it, and how this file
 * calls it: its success, and refusals whose body has another schema.
 */
const CALLS: Record<string, (w: World) => Call[]> = {
  "GET /": () => [{ method: "GET", path: "/", status: 200 }],
  "GET /console": () => [{ method: "GET", path: "/console", status: 200 }],
  "GET /console/": () => [{ method: "GET", path: "/console/", status: 200 }],
  "GET /console/*": () => [{ method: "GET", path: "/console/chats/anything", status: 200 }],
  "GET /console/assets/:name": (w) => [
    { method: "GET", path: `/console/assets/${w.consoleAsset}`, status: 200 },
    { method: "GET", path: "/console/assets/missing.js", status: 404 },
  ],
  "GET /favicon.ico": () => [{ method: "GET", path: "/favicon.ico", status: 200 }],
  "GET /healthz": () => [{ method: "GET", path: "/healthz", status: 200 }],
  "GET /readyz": () => [{ method: "GET", path: "/readyz", status: 200 }],
  "GET /metrics": () => [{ method: "GET", path: "/metrics", status: 200 }],
  "GET /openapi.json": () => [{ method: "GET", path: "/openapi.json", status: 200 }],
  "GET /sdk/livechatsdk.js": () => [{ method: "GET", path: "/sdk/livechatsdk.js", status: 200 }],
  "GET /widget/:name": () => [
    { method: "GET", path: "/widget/main.js", status: 200 },
    { method: "GET", path: "/widget/missing.js", status: 404 },
  ],
  "GET /widget.js": (w) => [
    { method: "GET", path: "/widget.js", status: 200 },
    { method: "GET", path: "/widget.js", headers: { "if-none-match": w.widgetEtag }, status: 304 },
  ],
  "OPTIONS /v1/*": () => [{ method: "OPTIONS", path: "/v1/contacts", headers: { origin: "https://shop.example", "access-control-request-method": "POST" }, status: 204 }],

  "POST /v1/contacts": () => [
    { method: "POST", path: "/v1/contacts", ...json(undefined, { nickname: "Ann", email: "ann@example.com" }), status: 201 },
    { method: "POST", path: "/v1/contacts", ...json(undefined, { nickname: "" }), status: 400 },
    { method: "POST", path: "/v1/contacts", ...json(undefined, { nickname: "Ann", tenant: "no-such-tenant" }), status: 404 },
  ],
  // A form on a queue of its own, so the chats the table starts in `default` ask nothing.
  "PUT /v1/queues/:name/form": (w) => [
    { method: "PUT", path: "/v1/queues/vip/form", ...json(w.admin, { form: PRECHAT_FORM }), status: 200 },
    { method: "PUT", path: "/v1/queues/vip/form", ...json(w.admin, { form: { ...PRECHAT_FORM, fields: [{ ...PRECHAT_FORM.fields[0], pattern: "(?=a)" }] } }), status: 400 },
  ],
  "GET /v1/queues/:name/form/definition": (w) => [
    { method: "GET", path: "/v1/queues/vip/form/definition", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/queues/vip/form/definition", status: 401 },
  ],
  "GET /v1/queues/:name/form": () => [{ method: "GET", path: "/v1/queues/vip/form", status: 200 }],
  "POST /v1/auth/login": () => [
    { method: "POST", path: "/v1/auth/login", ...json(undefined, { username: "alice", password: "alice-password" }), status: 200 },
    { method: "POST", path: "/v1/auth/login", ...json(undefined, { username: "alice", password: "wrong" }), status: 401 },
  ],
  "GET /v1/chats": (w) => [
    { method: "GET", path: "/v1/chats", headers: bearer(w.alice), status: 200 },
    { method: "GET", path: "/v1/chats?mine=true", headers: bearer(w.alice), status: 200 },
    { method: "GET", path: "/v1/chats?status=active&limit=1", headers: bearer(w.alice), status: 200 },
    { method: "GET", path: "/v1/chats", headers: bearer(w.customer.token), status: 403 },
    { method: "GET", path: "/v1/chats", status: 401 },
  ],
  "GET /v1/chats/:chatId/customer": (w) => [
    { method: "GET", path: `/v1/chats/${w.customer.chatId}/customer`, headers: bearer(w.admin), status: 200 },
    { method: "GET", path: `/v1/chats/${MISSING_CHAT}/customer`, headers: bearer(w.admin), status: 404 },
    { method: "GET", path: `/v1/chats/${w.customer.chatId}/customer`, headers: bearer(w.customer.token), status: 403 },
  ],
  "POST /v1/contacts/:chatId/uploads": (w) => [
    {
      method: "POST",
      path: `/v1/contacts/${w.customer.chatId}/uploads?messageType=DOCUMENT&fileName=invoice.pdf`,
      headers: bearer(w.customer.token, { "content-type": "application/octet-stream" }),
      body: makePdf(),
      status: 201,
    },
    {
      method: "POST",
      path: `/v1/contacts/${w.customer.chatId}/uploads?messageType=VIDEO`,
      headers: bearer(w.customer.token, { "content-type": "application/octet-stream" }),
      body: makePdf(),
      status: 400,
    },
  ],
  "GET /v1/contacts/:chatId/messages/:messageId/media": (w) => [
    { method: "GET", path: `/v1/contacts/${w.customer.chatId}/messages/${w.imageMessageId}/media`, headers: bearer(w.alice), status: 200 },
    { method: "GET", path: `/v1/contacts/${w.customer.chatId}/messages/${w.imageMessageId}/media?format=thumbnail`, headers: bearer(w.customer.token), status: 200 },
    { method: "GET", path: `/v1/contacts/${w.customer.chatId}/messages/${MISSING_MESSAGE}/media`, headers: bearer(w.alice), status: 404 },
  ],
  "GET /livechat/:domain/downloadDocument/:chatId/:messageId": (w) => [
    { method: "GET", path: `/livechat/default/downloadDocument/${w.customer.chatId}/${w.imageMessageId}`, headers: bearer(w.alice), status: 200 },
    { method: "GET", path: `/livechat/default/downloadDocument/${w.customer.chatId}/${MISSING_MESSAGE}`, headers: bearer(w.alice), status: 404 },
    { method: "GET", path: `/livechat/default/downloadDocument/${w.customer.chatId}/${w.imageMessageId}`, status: 401 },
  ],
  "GET /livechat/downloadDocument/:chatId/:messageId": (w) => [
    { method: "GET", path: `/livechat/downloadDocument/${w.customer.chatId}/${w.imageMessageId}?ctlivetoken=${w.alice}`, status: 200 },
    { method: "GET", path: `/livechat/downloadDocument/not-a-chat/${w.imageMessageId}`, headers: bearer(w.alice), status: 404 },
  ],
  "GET /livechat/:domain/getContactTranscriptByChatID/:chatId": (w) => [
    { method: "GET", path: `/livechat/default/getContactTranscriptByChatID/${w.customer.chatId}`, headers: bearer(w.alice), status: 200 },
    { method: "GET", path: `/livechat/default/getContactTranscriptByChatID/${MISSING_CHAT}`, headers: { ctlivetoken: w.alice }, status: 404 },
    { method: "GET", path: `/livechat/acme/getContactTranscriptByChatID/${w.customer.chatId}`, headers: bearer(w.alice), status: 404 },
  ],
  "POST /livechat/:domain/sendTextMessageToActiveChat/:chatId": (w) => [
    { method: "POST", path: `/livechat/default/sendTextMessageToActiveChat/${w.customer.chatId}`, ...json(w.alice, { text: "Your order ships today." }), status: 200 },
    { method: "POST", path: `/livechat/default/sendTextMessageToActiveChat/${w.customer.chatId}`, ...json(w.alice, { words: "not the field" }), status: 400 },
  ],
  "POST /livechat/:domain/endContactByChatID": (w) => [
    { method: "POST", path: "/livechat/default/endContactByChatID", ...json(w.alice, { chatID: w.toEnd }), status: 200 },
    { method: "POST", path: "/livechat/default/endContactByChatID", ...json(w.alice, { chatID: MISSING_CHAT }), status: 404 },
  ],

  "GET /v1/canned-responses": (w) => [{ method: "GET", path: "/v1/canned-responses", headers: bearer(w.alice), status: 200 }],
  "POST /v1/canned-responses": (w) => [
    { method: "POST", path: "/v1/canned-responses", ...json(w.admin, { scope: "shared", title: "Thanks", shortcut: "thanks", text: "Thank you, {{customer.name}}!" }), status: 201 },
    { method: "POST", path: "/v1/canned-responses", ...json(w.alice, { scope: "shared", title: "Thanks", shortcut: "thanks2", text: "Thanks" }), status: 403 },
    { method: "POST", path: "/v1/canned-responses", ...json(w.admin, { scope: "shared", title: "Thanks", shortcut: "thanks", text: "Thanks" }), status: 409 },
    { method: "POST", path: "/v1/canned-responses", ...json(w.admin, { scope: "shared", title: "Thanks", shortcut: "Bad Shortcut", text: "Thanks" }), status: 400 },
  ],
  "PATCH /v1/canned-responses/:id": (w) => [
    { method: "PATCH", path: `/v1/canned-responses/${w.cannedId}`, ...json(w.alice, { title: "Hello" }), status: 200 },
    { method: "PATCH", path: `/v1/canned-responses/${w.cannedId}`, ...json(w.admin, { title: "Hello" }), status: 404 },
  ],
  "DELETE /v1/canned-responses/:id": (w) => [
    { method: "DELETE", path: `/v1/canned-responses/${w.cannedId}`, headers: bearer(w.alice), status: 200 },
    { method: "DELETE", path: `/v1/canned-responses/${w.cannedId}`, headers: bearer(w.alice), status: 404 },
  ],
  "GET /v1/queues": (w) => [
    { method: "GET", path: "/v1/queues", headers: bearer(w.alice), status: 200 },
    { method: "GET", path: "/v1/queues", headers: bearer(w.customer.token), status: 403 },
  ],
  "POST /v1/queues": (w) => [
    { method: "POST", path: "/v1/queues", ...json(w.admin, { name: "openapi-sales", mode: "auto", offerSeconds: 30, waitLimitSeconds: 600, waitLimitAction: "tell", waitLimitMessage: "Still busy.", members: [w.carolId] }), status: 201 },
    { method: "POST", path: "/v1/queues", ...json(w.admin, { name: "openapi-sales" }), status: 409 },
    { method: "POST", path: "/v1/queues", ...json(w.admin, { name: "Not a name!" }), status: 400 },
  ],
  "PATCH /v1/queues/:name": (w) => [
    { method: "PATCH", path: "/v1/queues/openapi-sales", ...json(w.admin, { mode: "manual", waitLimitSeconds: null }), status: 200 },
    { method: "PATCH", path: "/v1/queues/no-such-queue", ...json(w.admin, { mode: "manual" }), status: 404 },
  ],
  "PUT /v1/queues/:name/hours": (w) => [
    { method: "PUT", path: "/v1/queues/openapi-sales/hours", ...json(w.admin, { hours: HOURS }), status: 200 },
    { method: "PUT", path: "/v1/queues/openapi-sales/hours", ...json(w.admin, { hours: { ...HOURS, timeZone: "Mars/Olympus" } }), status: 400 },
  ],
  "GET /v1/queues/:name/hours": (w) => [
    { method: "GET", path: "/v1/queues/openapi-sales/hours", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/queues/default/hours", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/queues/default/hours", headers: bearer(w.alice), status: 403 },
  ],
  "GET /v1/availability": () => [
    { method: "GET", path: "/v1/availability?queue=openapi-sales", status: 200 },
    { method: "GET", path: "/v1/availability", status: 200 },
    { method: "GET", path: "/v1/availability?tenant=no-such-tenant", status: 404 },
  ],
  "DELETE /v1/queues/:name": (w) => [
    { method: "DELETE", path: "/v1/queues/openapi-sales", headers: bearer(w.admin), status: 200 },
    { method: "DELETE", path: "/v1/queues/openapi-sales", headers: bearer(w.admin), status: 404 },
  ],
  "PUT /v1/surveys/:queue": (w) => [
    { method: "PUT", path: "/v1/surveys/default", ...json(w.admin, SURVEY), status: 200 },
    { method: "PUT", path: "/v1/surveys/default", ...json(w.admin, { ...SURVEY, scale: { min: 1, max: 1 } }), status: 400 },
  ],
  "GET /v1/surveys/:queue": (w) => [
    { method: "GET", path: "/v1/surveys/default", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/surveys/default", headers: bearer(w.alice), status: 403 },
  ],
  "POST /v1/chats/:chatId/survey": (w) => [
    { method: "POST", path: `/v1/chats/${w.surveyed.chatId}/survey`, ...json(w.surveyed.token, { rating: 4, comment: "Quick", answers: { solved: 5 } }), status: 201 },
    { method: "POST", path: `/v1/chats/${w.surveyed.chatId}/survey`, ...json(w.surveyed.token, { rating: 4, answers: { solved: 5 } }), status: 409 },
    { method: "POST", path: `/v1/chats/${w.customer.chatId}/survey`, ...json(w.customer.token, { rating: 4, answers: { solved: 5 } }), status: 409 },
  ],
  "GET /v1/chats/:chatId/survey": (w) => [
    { method: "GET", path: `/v1/chats/${w.surveyed.chatId}/survey`, headers: bearer(w.surveyed.token), status: 200 },
    { method: "GET", path: `/v1/chats/${w.surveyed.chatId}/survey`, headers: bearer(w.alice), status: 200 },
    { method: "GET", path: `/v1/chats/${w.surveyed.chatId}/survey`, headers: bearer(w.customer.token), status: 403 },
  ],
  "POST /v1/offline-messages": () => [
    { method: "POST", path: "/v1/offline-messages", ...json(undefined, { name: "Nina", email: "nina@example.com", message: "Please call me back.", consent: true, queue: "default" }), status: 201 },
    { method: "POST", path: "/v1/offline-messages", ...json(undefined, { name: "Nina", email: "nina", message: "Please call me back." }), status: 400 },
  ],
  "GET /v1/offline-messages": (w) => [
    { method: "GET", path: "/v1/offline-messages?limit=5", headers: bearer(w.alice), status: 200 },
    { method: "GET", path: "/v1/offline-messages?state=new", headers: bearer(w.alice), status: 200 },
    { method: "GET", path: "/v1/offline-messages", headers: bearer(w.customer.token), status: 403 },
  ],
  "PATCH /v1/offline-messages/:id": (w) => [
    { method: "PATCH", path: `/v1/offline-messages/${w.offlineId}`, ...json(w.alice, { state: "answered" }), status: 200 },
    { method: "PATCH", path: "/v1/offline-messages/OFF_00000000-0000-4000-8000-000000000000", ...json(w.alice, { state: "read" }), status: 404 },
  ],
  "GET /v1/chats/:chatId/transcript": (w) => [
    { method: "GET", path: `/v1/chats/${w.customer.chatId}/transcript?timeZone=Europe/Berlin`, headers: bearer(w.customer.token), status: 200 },
    { method: "GET", path: `/v1/chats/${w.customer.chatId}/transcript?timeZone=Mars/Olympus`, headers: bearer(w.alice), status: 400 },
  ],
  "PATCH /v1/chats/:chatId/call-data": (w) => [
    { method: "PATCH", path: `/v1/chats/${w.customer.chatId}/call-data`, ...json(w.alice, { order: "42", tier: "gold" }), status: 200 },
    { method: "PATCH", path: `/v1/chats/${w.customer.chatId}/call-data`, ...json(w.alice, { "bad key!": "x" }), status: 400 },
  ],
  "GET /v1/chats/:chatId/call-data": (w) => [
    { method: "GET", path: `/v1/chats/${w.customer.chatId}/call-data`, headers: bearer(w.alice), status: 200 },
    { method: "GET", path: `/v1/chats/${MISSING_CHAT}/call-data`, headers: bearer(w.alice), status: 404 },
  ],
  "GET /livechat/:domain/getChatTranscriptByChatID/:chatId": (w) => [
    { method: "GET", path: `/livechat/default/getChatTranscriptByChatID/${w.customer.chatId}`, headers: bearer(w.alice), status: 200 },
    { method: "GET", path: `/livechat/default/getChatTranscriptByChatID/${MISSING_CHAT}`, headers: { ctlivetoken: w.alice }, status: 404 },
  ],
  "GET /livechat/:domain/getChatTranscriptByUserID/:userId": (w) => [
    { method: "GET", path: `/livechat/default/getChatTranscriptByUserID/${w.customerUserId}?days=7`, headers: bearer(w.alice), status: 200 },
    { method: "GET", path: `/livechat/default/getChatTranscriptByUserID/${w.customerUserId}?days=0`, headers: bearer(w.alice), status: 400 },
  ],
  "POST /livechat/:domain/getChatTranscriptByCalldata": (w) => [
    { method: "POST", path: "/livechat/default/getChatTranscriptByCalldata", ...json(w.alice, { callData: { order: "42" }, days: 7 }), status: 200 },
    { method: "POST", path: "/livechat/default/getChatTranscriptByCalldata", ...json(w.alice, { days: 7 }), status: 400 },
  ],
  "GET /livechat/:domain/getMultimediaMessageByID/:chatId/:messageId": (w) => [
    { method: "GET", path: `/livechat/default/getMultimediaMessageByID/${w.customer.chatId}/${w.imageMessageId}`, headers: bearer(w.alice), status: 200 },
    { method: "GET", path: `/livechat/default/getMultimediaMessageByID/${w.customer.chatId}/${MISSING_MESSAGE}`, headers: bearer(w.alice), status: 404 },
  ],
  "GET /v1/supervision/chats": (w) => [
    { method: "GET", path: "/v1/supervision/chats", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/supervision/chats", headers: bearer(w.alice), status: 403 },
  ],
  "GET /v1/webhooks": (w) => [
    { method: "GET", path: "/v1/webhooks", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/webhooks", headers: bearer(w.alice), status: 403 },
  ],
  "POST /v1/webhooks": (w) => [
    { method: "POST", path: "/v1/webhooks", ...json(w.admin, { url: "https://crm.example.com/parley", events: ["chat.started", "chat.queued"], description: "CRM" }), status: 201 },
    { method: "POST", path: "/v1/webhooks", ...json(w.admin, { url: "ftp://crm.example.com/parley" }), status: 400 },
  ],
  "PATCH /v1/webhooks/:id": (w) => [
    { method: "PATCH", path: `/v1/webhooks/${w.webhookId}`, ...json(w.admin, { description: "nobody listens", events: null }), status: 200 },
    { method: "PATCH", path: `/v1/webhooks/${MISSING_WEBHOOK}`, ...json(w.admin, { enabled: false }), status: 404 },
  ],
  "GET /v1/webhooks/:id/deliveries": (w) => [
    { method: "GET", path: `/v1/webhooks/${w.webhookId}/deliveries?limit=5`, headers: bearer(w.admin), status: 200 },
    { method: "GET", path: `/v1/webhooks/${MISSING_WEBHOOK}/deliveries`, headers: bearer(w.admin), status: 404 },
  ],
  "POST /v1/webhooks/:id/deliveries/:deliveryId/redeliver": (w) => [
    { method: "POST", path: `/v1/webhooks/${w.webhookId}/deliveries/${w.deliveryId}/redeliver`, headers: bearer(w.admin), status: 200 },
    { method: "POST", path: `/v1/webhooks/${w.webhookId}/deliveries/DLV_00000000-0000-4000-8000-000000000000/redeliver`, headers: bearer(w.admin), status: 404 },
  ],
  "POST /v1/webhooks/:id/ping": (w) => [
    { method: "POST", path: `/v1/webhooks/${w.webhookId}/ping`, headers: bearer(w.admin), status: 200 },
    { method: "POST", path: `/v1/webhooks/${MISSING_WEBHOOK}/ping`, headers: bearer(w.admin), status: 404 },
  ],
  "DELETE /v1/webhooks/:id": (w) => [
    { method: "DELETE", path: `/v1/webhooks/${w.webhookId}`, headers: bearer(w.admin), status: 200 },
    { method: "DELETE", path: `/v1/webhooks/${w.webhookId}`, headers: bearer(w.admin), status: 404 },
  ],

  "GET /v1/api-keys": (w) => [
    { method: "GET", path: "/v1/api-keys", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/api-keys", headers: bearer(w.alice), status: 403 },
  ],
  "POST /v1/api-keys": (w) => [
    { method: "POST", path: "/v1/api-keys", ...json(w.admin, { name: "CRM export", scopes: ["transcripts:read", "admin"] }), status: 201 },
    { method: "POST", path: "/v1/api-keys", ...json(w.admin, { name: "CRM export", scopes: ["everything"] }), status: 400 },
  ],
  "DELETE /v1/api-keys/:id": (w) => [
    { method: "DELETE", path: `/v1/api-keys/${w.keyId}`, headers: bearer(w.admin), status: 200 },
    { method: "DELETE", path: "/v1/api-keys/KEY_00000000-0000-4000-8000-000000000000", headers: bearer(w.admin), status: 404 },
  ],
  "GET /v1/agents": (w) => [
    { method: "GET", path: "/v1/agents", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/agents?tenant=nobody", headers: bearer(w.admin), status: 404 },
  ],
  "POST /v1/agents": (w) => [
    { method: "POST", path: "/v1/agents", ...json(w.admin, { username: "dora", password: "dora-password", role: "supervisor", capacity: 3 }), status: 201 },
    { method: "POST", path: "/v1/agents", ...json(w.admin, { username: "dora", password: "short" }), status: 400 },
  ],
  "PATCH /v1/agents/:id": (w) => [
    { method: "PATCH", path: `/v1/agents/${w.carolId}`, ...json(w.admin, { nickname: "Carol B.", capacity: null }), status: 200 },
    { method: "PATCH", path: `/v1/agents/${w.carolId}`, ...json(w.alice, { nickname: "Carol C." }), status: 403 },
  ],
  "PUT /v1/agents/:id/password": (w) => [
    { method: "PUT", path: `/v1/agents/${w.carolId}/password`, ...json(w.admin, { password: "carol-new-password" }), status: 204 },
    { method: "PUT", path: `/v1/agents/${w.carolId}/password`, ...json(w.admin, { password: "x" }), status: 400 },
  ],
  "GET /v1/reports": (w) => [
    { method: "GET", path: "/v1/reports?from=2026-11-01&to=2026-11-30&groupBy=agent&tz=Europe%2FParis", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/reports?from=2026-11-30&to=2026-11-01", headers: bearer(w.admin), status: 400 },
    { method: "GET", path: "/v1/reports?from=2026-11-01&to=2026-11-30", headers: bearer(w.alice), status: 403 },
  ],
  "GET /v1/reports.csv": (w) => [
    { method: "GET", path: "/v1/reports.csv?from=2026-11-01&to=2026-11-30&groupBy=queue", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/reports.csv?from=2026-11-01&to=2026-11-30&tz=Nowhere", headers: bearer(w.admin), status: 400 },
  ],
  "GET /v1/audit": (w) => [
    { method: "GET", path: "/v1/audit?limit=5", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/audit?limit=500", headers: bearer(w.admin), status: 400 },
  ],
  "PUT /v1/invitations": (w) => [
    { method: "PUT", path: "/v1/invitations", ...json(w.admin, { rules: [{ id: "help", message: "Need a hand?", secondsOnPage: 30, urlPattern: "/shop/*", minPages: 1 }] }), status: 200 },
    { method: "PUT", path: "/v1/invitations", ...json(w.admin, { rules: [{ id: "help", message: "", secondsOnPage: 30, urlPattern: "/", minPages: 1 }] }), status: 400 },
    { method: "PUT", path: "/v1/invitations", ...json(w.alice, { rules: [] }), status: 403 },
  ],
  "GET /v1/invitations": () => [
    { method: "GET", path: "/v1/invitations", status: 200 },
    { method: "GET", path: "/v1/invitations?tenant=no-such-tenant", status: 404 },
  ],
  "GET /v1/customers/export": (w) => [
    { method: "GET", path: `/v1/customers/export?chatId=${w.customer.chatId}`, headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/customers/export", headers: bearer(w.admin), status: 400 },
  ],
  "POST /v1/customers/erase": (w) => [
    { method: "POST", path: "/v1/customers/erase", ...json(w.admin, { chatId: w.toErase }), status: 200 },
    { method: "POST", path: "/v1/customers/erase", ...json(w.admin, { chatId: w.toErase, email: "x@example.com" }), status: 400 },
  ],

  "GET /v1/tenants": (w) => [{ method: "GET", path: "/v1/tenants", headers: bearer(w.admin), status: 200 }],
  "GET /v1/tenants/:name": (w) => [
    { method: "GET", path: "/v1/tenants/default", headers: bearer(w.admin), status: 200 },
    { method: "GET", path: "/v1/tenants/nobody", headers: bearer(w.admin), status: 404 },
  ],
  "POST /v1/tenants": (w) => [
    { method: "POST", path: "/v1/tenants", ...json(w.admin, { name: "openapi-co", displayName: "OpenAPI Co", limits: { maxAgents: 3 } }), status: 201 },
    { method: "POST", path: "/v1/tenants", ...json(w.admin, { name: "openapi-co" }), status: 400 },
  ],
  "PATCH /v1/tenants/:name": (w) => [
    { method: "PATCH", path: "/v1/tenants/openapi-co", ...json(w.admin, { retentionDays: 30, limits: { maxAgents: null } }), status: 200 },
    { method: "PATCH", path: "/v1/tenants/openapi-co", ...json(w.alice, { retentionDays: 30 }), status: 403 },
  ],
};

/** `GET /openapi.json`'s document, parsed. */
type Document = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

let server: InProcessServer;
let world: World;
let document: Document;
let remove: () => Promise<void>;

async function addAgent(dataDir: string, username: string, role: string): Promise<void> {
  await run(process.execPath, [CLI, "agent", "add", username, "--password", `${username}-password`, "--role", role, "--data-dir", dataDir]);
}

async function startChat(url: string, nickname: string): Promise<{ chatId: string; token: string; userId: string }> {
  const answer = await fetch(`${url}/v1/contacts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ nickname }) });
  const body = (await answer.json()) as { contact: { id: string }; token: string; user: { id: string } };
  return { chatId: body.contact.id, token: body.token, userId: body.user.id };
}

/** A customer's chat holding a text and an image, sent over the socket as the widget does. */
async function chatWithImage(url: string): Promise<{ customer: { chatId: string; token: string }; imageMessageId: string; customerUserId: string }> {
  const { userId: customerUserId, ...customer } = await startChat(url, "Ann");
  const uploaded = await fetch(`${url}/v1/contacts/${customer.chatId}/uploads?messageType=IMAGE&fileName=photo.png`, {
    method: "POST",
    headers: bearer(customer.token, { "content-type": "application/octet-stream" }),
    body: new Uint8Array(await makePng({ width: 640, height: 480 })),
  });
  const { uploadId } = (await uploaded.json()) as { uploadId: string };
  const socket = await RawSocket.connect(url, customer.token);
  try {
    expect(await socket.request({ t: "join", chatId: customer.chatId })).toMatchObject({ ok: true });
    expect(await socket.request({ t: "send", chatId: customer.chatId, clientId: "text-1", kind: "text", text: "Where is my order?" })).toMatchObject({ ok: true });
    const sent = await socket.request({ t: "send", chatId: customer.chatId, clientId: "image-1", kind: "media", messageType: "IMAGE", uploadId });
    expect(sent).toMatchObject({ ok: true });
    return { customer, imageMessageId: (sent.result as { id: string }).id, customerUserId };
  } finally {
    socket.close();
  }
}

async function agentId(url: string, admin: string, username: string): Promise<string> {
  const { agents } = (await (await fetch(`${url}/v1/agents`, { headers: bearer(admin) })).json()) as { agents: { id: string; username: string }[] };
  return agents.find((agent) => agent.username === username)?.id ?? "";
}

beforeAll(async () => {
  const data = await tempDataDir();
  remove = data.remove;
  await addAgent(data.dir, "admin", "admin");
  await addAgent(data.dir, "alice", "agent");
  await addAgent(data.dir, "carol", "agent");
  server = await startServer({ dataDir: data.dir });
  const [admin, alice] = [await loginAgent(server.url, "admin", "admin-password"), await loginAgent(server.url, "alice", "alice-password")];
  // A webhook endpoint first, so the chats below are announced to it (nobody listens at its port: its deliveries stay pending).
  const hooked = await fetch(`${server.url}/v1/webhooks`, { method: "POST", ...json(admin, undefined), body: JSON.stringify({ url: "http://127.0.0.1:9/parley", events: ["chat.started"] }) });
  const { webhook } = (await hooked.json()) as { webhook: { id: string } };
  const { customer, imageMessageId, customerUserId } = await chatWithImage(server.url);
  const surveyed = await startChat(server.url, "Sue");
  await fetch(`${server.url}/livechat/default/endContactByChatID`, { method: "POST", ...json(alice, undefined), body: JSON.stringify({ chatID: surveyed.chatId }) });
  const left = await fetch(`${server.url}/v1/offline-messages`, { method: "POST", ...json(undefined, undefined), body: JSON.stringify({ name: "Otto", email: "otto@example.com", message: "Call me." }) });
  const { offlineMessage } = (await left.json()) as { offlineMessage: { id: string } };
  const log = await fetch(`${server.url}/v1/webhooks/${webhook.id}/deliveries`, { headers: bearer(admin) });
  const { deliveries } = (await log.json()) as { deliveries: { id: string }[] };
  const created = await fetch(`${server.url}/v1/api-keys`, {
    method: "POST",
    headers: json(admin, undefined).headers,
    body: JSON.stringify({ name: "to revoke", scopes: ["transcripts:read"] }),
  });
  const { apiKey } = (await created.json()) as { apiKey: { id: string } };
  const canned = await fetch(`${server.url}/v1/canned-responses`, {
    method: "POST",
    headers: json(alice, undefined).headers,
    body: JSON.stringify({ scope: "personal", title: "Greeting", shortcut: "hi", text: "Hello {{customer.name}}" }),
  });
  const { cannedResponse } = (await canned.json()) as { cannedResponse: { id: string } };
  const assets = join(dirname(createRequire(import.meta.url).resolve("@parley/console/package.json")), "dist", "assets");
  world = {
    admin,
    alice,
    customer,
    imageMessageId,
    toEnd: (await startChat(server.url, "Bea")).chatId,
    toErase: (await startChat(server.url, "Cleo")).chatId,
    keyId: apiKey.id,
    consoleAsset: readdirSync(assets).find((name) => name.endsWith(".css")) ?? "index.css",
    widgetEtag: (await fetch(`${server.url}/widget.js`)).headers.get("etag") ?? "",
    carolId: await agentId(server.url, admin, "carol"),
    cannedId: cannedResponse.id,
    customerUserId,
    surveyed,
    offlineId: offlineMessage.id,
    webhookId: webhook.id,
    deliveryId: deliveries[0]?.id ?? "",
  };
  document = (await (await fetch(`${server.url}/openapi.json`)).json()) as Document;
}, 240_000);

afterAll(async () => {
  await server?.close();
  await remove?.();
});

/** The document's operation for a registered route (`OPTIONS /*` is how Fastify prints a wildcard of another prefix). */
function operationOf(route: string): { responses: Record<string, { content?: Record<string, unknown> }> } | undefined {
  const [method = "", url = ""] = route.split(" ");
  const byPath = Object.entries(document.paths).filter(([path, item]) =>
    url.endsWith("/*") && url.length === 2 ? path.endsWith("{path}") && item[method.toLowerCase()] !== undefined : path === openApiPath(url),
  );
  return byPath[0]?.[1][method.toLowerCase()];
}

describe("the OpenAPI document", () => {
  it("has every route Fastify registers, each with its answers", async () => {
    // HEAD routes are Fastify's copies of the GET routes (same answers, no body): the document lists the GETs.
    const routes = (await registeredRoutes()).filter((route) => !route.startsWith("HEAD "));
    expect(routes.length).toBeGreaterThan(20);
    const missing = routes.filter((route) => operationOf(route) === undefined);
    expect(missing, "routes missing from /openapi.json").toEqual([]);
    const withoutAnswers = routes.filter((route) => {
      const responses = operationOf(route)?.responses ?? {};
      const success = Object.keys(responses).filter((status) => /^[23]/.test(status));
      return success.length === 0 || responses["4XX"]?.content === undefined;
    });
    expect(withoutAnswers, "routes declaring no success answer or no error body").toEqual([]);
    const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(operations).toBe(routes.length);
  });

  it("is OpenAPI 3.1, with security schemes and tags, readable without credentials", async () => {
    expect(openApiProblems(document)).toEqual([]);
    const answer = await fetch(`${server.url}/openapi.json`);
    expect([answer.status, answer.headers.get("content-type")]).toEqual([200, "application/json; charset=utf-8"]);
    const full = document as unknown as { openapi: string; info: { version: string }; components: { securitySchemes: Record<string, { type: string; in?: string }> }; tags: unknown[] };
    expect(full.openapi).toBe("3.1.0");
    expect(full.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(full.components.securitySchemes).toMatchObject({ bearer: { type: "http" }, ctlivetokenHeader: { in: "header" }, ctlivetokenQuery: { in: "query" } });
    expect(full.tags.length).toBeGreaterThan(5);
  });

  it("declares the content type of the answers that are not JSON", () => {
    const typesOf = (path: string, method = "get") => Object.keys(document.paths[path]?.[method]?.responses["200"]?.content ?? {});
    expect(typesOf("/v1/customers/export")).toEqual(["application/zip"]);
    expect(typesOf("/metrics")).toEqual(["text/plain"]);
    expect(typesOf("/widget.js")).toEqual(["application/javascript"]);
    expect(typesOf("/")).toEqual(["text/html"]);
    expect(typesOf("/v1/contacts/{chatId}/messages/{messageId}/media")).toContain("image/jpeg");
    expect(typesOf("/v1/chats")).toEqual(["application/json"]);
  });
});

describe("every route answers inside its schemas", () => {
  it("has a call for every registered route", async () => {
    const routes = (await registeredRoutes()).filter((route) => !route.startsWith("HEAD ")).map((route) => (route === "OPTIONS /*" ? "OPTIONS /v1/*" : route));
    expect(routes.filter((route) => CALLS[route] === undefined), "routes this file never calls: add them to CALLS").toEqual([]);
    expect(Object.keys(CALLS).filter((route) => !routes.includes(route)), "CALLS of routes that no longer exist").toEqual([]);
  });

  it("calls each route once, and on its refusals, within its declared answers", async () => {
    const answered: string[] = [];
    for (const [route, calls] of Object.entries(CALLS)) {
      for (const call of calls(world)) {
        const body = call.body === undefined ? undefined : Buffer.isBuffer(call.body) ? new Uint8Array(call.body) : JSON.stringify(call.body);
        const answer = await fetch(`${server.url}${call.path}`, { method: call.method, headers: call.headers ?? {}, ...(body === undefined ? {} : { body }) });
        await answer.arrayBuffer();
        answered.push(`${route} ${call.method} ${call.path.slice(0, 80)} → ${answer.status}${answer.status === call.status ? "" : ` (expected ${call.status})`}`);
      }
    }
    expect(answered.filter((line) => line.includes("(expected")), "calls answered with another status").toEqual([]);
    expect(server.responseViolations, describeViolations(server.responseViolations)).toEqual([]);
  });
});

describe("the response check", () => {
  it("reports an answer outside its route's schema", async () => {
    const violations: ResponseViolation[] = [];
    const app = Fastify();
    installResponseCheck(app, (violation) => violations.push(violation));
    const Answer = Type.Object({ id: Type.String(), count: Type.Integer() });
    // Typed loosely, so a route may answer a status it does not declare.
    const schema: { response: Record<string, TSchema> } = { response: { 200: Answer } };
    app.get("/fine", { schema }, async () => ({ id: "a", count: 1 }));
    app.get("/extra-field", { schema }, async () => ({ id: "a", count: 1, secret: "dropped by the serialiser" }));
    app.get("/wrong-type", { schema }, async () => ({ id: "a", count: "1" }));
    app.get("/undeclared-status", { schema }, async (_request, reply) => reply.status(409).send({ id: "a", count: 1 }));
    app.get("/not-json", { schema }, async (_request, reply) => reply.type("text/html").send("<p>hi</p>"));
    app.get("/no-schema", async () => ({ id: "a" }));
    for (const path of ["/fine", "/extra-field", "/wrong-type", "/undeclared-status", "/not-json", "/no-schema"]) await app.inject({ method: "GET", url: path });
    // HEAD answers are their GET's without a body: not reported.
    await app.inject({ method: "HEAD", url: "/fine" });
    await app.close();
    expect(violations.map((v) => `${v.route} ${v.status}`)).toEqual([
      "GET /extra-field 200",
      "GET /wrong-type 200",
      "GET /undeclared-status 409",
      "GET /not-json 200",
    ]);
    expect(violations[0]?.problem).toContain("serialiser changed the answer at /secret: gave \"dropped by the serialiser\", sent undefined");
    expect(violations[1]?.problem).toContain("at /count");
    expect(violations[2]?.problem).toContain("status 409 is not declared");
  });
});
