/**
 * Webhooks of a routed chat's whole life, end to end with a real receiver:
 * an `auto` queue with an agent online over the real SDK, a chat started over
 * REST with call data. The receiver gets, in order, the start and its wait
 * (`chat.queued`), the router's offer (`chat.offered`), the agent's join, a
 * call-data change (`chat.updated`), the agent's leave and the chat's return
 * to its queue, the next offer and the end — each chat.* body with the
 * chat's call data as it then was. A survey answered and an offline message
 * left through their real routes are announced too, in the shapes
 * docs/webhooks.md shows.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk, type LiveChatSdk } from "@parley/sdk";
import type { ChatOffer } from "@parley/protocol";
import { createParleyServer, type ParleyServer } from "@parley/server";
import { CLI, loginAgent, tempDataDir, TEST_SECRET } from "./support/server.js";
import { waitFor } from "./support/wait.js";
import { verifiedByPython, WebhookReceiver } from "./support/webhook-receiver.js";

const run = promisify(execFile);
const SECRET = "receiver-secret-0123456789";

let data: { dir: string; remove: () => Promise<void> };
let server: ParleyServer;
let url: string;
let admin: string;
let adaId: string;
let ada: LiveChatSdk;
const offers: ChatOffer[] = [];
const hook = new WebhookReceiver();

async function parley(...args: string[]): Promise<void> {
  await run(process.execPath, [CLI, ...args, "--data-dir", data.dir]);
}

async function call(method: string, route: string, token: string | undefined, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(`${url}${route}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

const ofChat = (chatId: string) => hook.accepted.filter((body) => body.data.chatId === chatId);
const typesOf = (chatId: string) => ofChat(chatId).map((body) => body.type);

beforeAll(async () => {
  data = await tempDataDir();
  await parley("queue", "add", "sales", "--mode", "auto", "--offer-seconds", "120");
  await parley("agent", "add", "root", "--password", "root-password", "--role", "admin");
  await parley("agent", "add", "ada", "--password", "ada-password", "--nickname", "Ada", "--queues", "sales");
  server = createParleyServer({
    dataDir: data.dir,
    secret: TEST_SECRET,
    port: 0,
    host: "127.0.0.1",
    logLevel: "silent",
    contactsPerMinute: 10_000,
    loginsPerMinute: 10_000,
    agentGraceSeconds: 2,
    agentCapacity: 10,
    webhookTiming: { pollMs: 50, retryBaseMs: 100 },
  });
  url = (await server.listen()).url;
  admin = await loginAgent(url, "root", "root-password");
  await hook.start();
  const registered = await call("POST", "/v1/webhooks", admin, { url: hook.url, secret: SECRET });
  expect(registered.status).toBe(201);
  ada = createLiveChatSdk();
  ada.init({ serverUrl: url });
  ada.LIVECHAT.on("offer", (offer) => offers.push(offer));
  await ada.LIVECHAT.login(await loginAgent(url, "ada", "ada-password"), false, false, () => {});
  const agents = (await (await call("GET", "/v1/agents", admin)).json()) as { agents: Array<{ id: string; username: string }> };
  adaId = agents.agents.find((agent) => agent.username === "ada")!.id;
}, 120_000);

afterAll(async () => {
  await ada?.LIVECHAT.logout().catch(() => undefined);
  await server?.close();
  await hook.stop();
  await data?.remove();
});

describe("a routed chat's webhooks", { timeout: 180_000 }, () => {
  it("announce its wait, its offers, its call data as it changes, and its return to the queue, in the chat's order", async () => {
    const started = await call("POST", "/v1/contacts", undefined, { nickname: "Carla", queue: "sales", callData: { order: "42", tier: "gold" } });
    expect(started.status).toBe(201);
    const chatId = ((await started.json()) as { contact: { id: string } }).contact.id;

    await waitFor(() => offers.some((offer) => offer.chatId === chatId), () => "the offer to Ada");
    const contact = await ada.LIVECHAT.acceptOffer(chatId);
    await waitFor(() => typesOf(chatId).includes("chat.assigned"), () => `chat.assigned, got ${typesOf(chatId).join(", ")}`);

    const changed = await call("PATCH", `/v1/chats/${chatId}/call-data`, admin, { order: "43", tier: null });
    expect(changed.status).toBe(200);
    await ada.LIVECHAT.leave(contact);
    // Back in its queue, the chat is offered to Ada again (she is its only member, and free).
    await waitFor(() => typesOf(chatId).filter((type) => type === "chat.offered").length === 2, () => `a second chat.offered, got ${typesOf(chatId).join(", ")}`);
    expect((await call("POST", "/livechat/default/endContactByChatID", admin, { chatID: chatId })).status).toBe(200);
    await waitFor(() => typesOf(chatId).includes("chat.ended"), () => `chat.ended, got ${typesOf(chatId).join(", ")}`);

    expect(typesOf(chatId)).toEqual([
      "chat.started",
      "chat.queued",
      "chat.offered",
      "chat.assigned",
      "chat.updated",
      "agent.left",
      "chat.queued",
      "chat.offered",
      "chat.ended",
    ]);
    const [start, queued, offered, assigned, updated, , requeued, reoffered, ended] = ofChat(chatId);
    const first = { order: "42", tier: "gold" };
    const later = { order: "43" };
    expect(start!.data).toMatchObject({ chatId, user: { nickname: "Carla", isAgent: false }, callData: first, seq: 1 });
    expect(queued).toMatchObject({ id: `${start!.id}:chat.queued`, data: { chatId, queue: "sales", callData: first, event: "userAdded", seq: 1 } });
    expect(offered!.data).toMatchObject({ chatId, queue: "sales", agent: { id: adaId, nickname: "Ada" }, callData: first });
    expect(Date.parse(offered!.data.expiresAt as string)).toBeGreaterThan(Date.parse(offered!.createdAt));
    expect(assigned!.data).toMatchObject({ chatId, user: { id: adaId, isAgent: true }, callData: first });
    expect(updated!.data).toMatchObject({ chatId, changes: { order: "43", tier: null }, callData: later, event: "callDataChanged" });
    expect(requeued!.data).toMatchObject({ chatId, queue: "sales", callData: later, event: "userLeft" });
    expect(reoffered!.data).toMatchObject({ agent: { id: adaId }, callData: later });
    expect(ended!.data).toMatchObject({ chatId, callData: later, event: "contactEnded" });
    const ids = ofChat(chatId).map((body) => body.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const request of hook.requests.filter((r) => JSON.parse(r.body).data.chatId === chatId)) expect(await verifiedByPython(SECRET, request)).toBe(true);
  });

  it("announce a survey answered and an offline message left through their routes, after the chat's end", async () => {
    const started = await call("POST", "/v1/contacts", undefined, { nickname: "Dana", callData: { order: "77" } });
    const { contact, token } = (await started.json()) as { contact: { id: string }; token: string };
    const chatId = contact.id;
    expect((await call("POST", "/livechat/default/endContactByChatID", admin, { chatID: chatId })).status).toBe(200);
    const answer = { rating: 4, comment: "Quick and kind", answers: {} };
    expect((await call("POST", `/v1/chats/${chatId}/survey`, token, answer)).status).toBe(201);
    await waitFor(() => typesOf(chatId).includes("survey.submitted"), () => `survey.submitted, got ${typesOf(chatId).join(", ")}`);
    // The survey comes after the chat's own events.
    expect(typesOf(chatId)).toEqual(["chat.started", "chat.queued", "chat.ended", "survey.submitted"]);
    const survey = ofChat(chatId)[3]!;
    expect(Object.keys(survey)).toEqual(["id", "type", "createdAt", "tenant", "data"]);
    expect(survey).toMatchObject({ tenant: "default", data: { chatId, queue: "default", rating: 4, comment: "Quick and kind", answers: {} } });
    expect(survey.data.submittedAt).toBe(survey.createdAt);

    const left = await call("POST", "/v1/offline-messages", undefined, { name: "Nina", email: "nina@example.com", message: "Please call me back.", consent: true, queue: "sales" });
    expect(left.status).toBe(201);
    await waitFor(() => hook.accepted.some((body) => body.type === "offline_message.created"), () => "offline_message.created");
    const offline = hook.accepted.find((body) => body.type === "offline_message.created")!;
    expect(offline).toMatchObject({ tenant: "default", data: { queue: "sales", name: "Nina", email: "nina@example.com", message: "Please call me back.", consent: true } });
    expect(offline.data.id).toMatch(/^OFF_/);
    // The client's address is kept for abuse handling, never announced.
    expect(offline.data).not.toHaveProperty("clientIp");
    expect(JSON.stringify(offline)).not.toContain("127.0.0.1");
  });
});
