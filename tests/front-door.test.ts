/**
 * The front door over REST, on a real server and its SQLite store: a queue's
 * survey and hours set by admins, the survey of an ended chat answered once
 * by its customer (refused when active, out of scale, again, by others, or
 * expired), availability from hours and agents' sockets, offline messages
 * taken from anyone and listed for agents, and the customer's transcript.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawSocket } from "./support/raw-socket.js";
import { CLI, loginAgent, startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { readUntil } from "./support/wait.js";

const run = promisify(execFile);

let data: { dir: string; remove: () => Promise<void> };
let server: InProcessServer;
let admin: string;
let agent: string;

interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
  headers: Headers;
}

async function call(method: string, route: string, options: { token?: string; body?: unknown; raw?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.raw !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${server.url}${route}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // a text answer (the transcript)
  }
  return { status: response.status, body, text, headers: response.headers };
}

const codeOf = (answer: Answer): string | undefined => (answer.body.error as { code?: string } | undefined)?.code;

/** A chat started by a customer; its token. */
async function startChat(nickname = "Carla"): Promise<{ chatId: string; token: string }> {
  const answer = await call("POST", "/v1/contacts", { body: { nickname } });
  expect(answer.status).toBe(201);
  return { chatId: (answer.body.contact as { id: string }).id, token: answer.body.token as string };
}

/** The agent's id (`USER_<uuid>`), what a queue's members are. */
async function agentIdOf(username: string): Promise<string> {
  const agents = (await call("GET", "/v1/agents", { token: admin })).body.agents as { id: string; username: string }[];
  return agents.find((item) => item.username === username)!.id;
}

async function endChat(chatId: string): Promise<void> {
  expect((await call("POST", "/livechat/default/endContactByChatID", { token: agent, body: { chatID: chatId } })).body.result).toBe(true);
}

async function agentSays(chatId: string, text: string): Promise<void> {
  const answer = await call("POST", `/livechat/default/sendTextMessageToActiveChat/${chatId}`, { token: agent, body: { text } });
  expect(answer.body.result).toBe(true);
}

beforeAll(async () => {
  data = await tempDataDir();
  await run(process.execPath, [CLI, "agent", "add", "ada", "--password", "ada-password-1", "--nickname", "Ada", "--role", "admin", "--data-dir", data.dir]);
  await run(process.execPath, [CLI, "agent", "add", "bob", "--password", "bob-password-1", "--nickname", "Bob", "--data-dir", data.dir]);
  await run(process.execPath, [CLI, "agent", "add", "cy", "--password", "cy-password-1", "--nickname", "Cy", "--capacity", "1", "--data-dir", data.dir]);
  server = await startServer({ dataDir: data.dir });
  admin = await loginAgent(server.url, "ada", "ada-password-1");
  agent = await loginAgent(server.url, "bob", "bob-password-1");
});

afterAll(async () => {
  await server?.close();
  await data?.remove();
});

describe("survey", () => {
  const survey = {
    enabled: true,
    scale: { min: 1, max: 5 },
    comment: true,
    questions: [
      { id: "solved", kind: "rating", label: "Was your problem solved?", required: true },
      { id: "better", kind: "text", label: "What could we do better?", required: false },
    ],
    expiryMinutes: 60,
  };

  it("is the default until an admin sets one; agents may not", async () => {
    const initial = await call("GET", "/v1/surveys/default", { token: admin });
    expect(initial.body).toEqual({ queue: "default", survey: { enabled: true, scale: { min: 1, max: 5 }, comment: true, questions: [], expiryMinutes: 1440 } });
    expect(codeOf(await call("PUT", "/v1/surveys/default", { token: agent, body: survey }))).toBe("ROLE_FORBIDDEN");
    expect(codeOf(await call("PUT", "/v1/surveys/default", { token: admin, body: { ...survey, scale: { min: 1, max: 1 } } }))).toBe("VALIDATION_FAILED");
    expect(codeOf(await call("PUT", "/v1/surveys/default", { token: admin, body: { ...survey, questions: [...survey.questions, survey.questions[0]] } }))).toBe("VALIDATION_FAILED");
    const tooMany = Array.from({ length: 6 }, (_, i) => ({ id: `q${i}`, kind: "text", label: "?", required: false }));
    expect(codeOf(await call("PUT", "/v1/surveys/default", { token: admin, body: { ...survey, questions: tooMany } }))).toBe("VALIDATION_FAILED");
    expect((await call("PUT", "/v1/surveys/default", { token: admin, body: survey })).status).toBe(200);
    expect((await call("GET", "/v1/surveys/default", { token: admin })).body.survey).toEqual(survey);
    const audit = await call("GET", "/v1/audit?action=queue.survey_set", { token: admin });
    expect(audit.body.entries).toEqual([expect.objectContaining({ action: "queue.survey_set", target: { type: "queue", id: "default" }, detail: { enabled: true, questions: 2 } })]);
  });

  it("is answered once by the customer of the ended chat, with answers that fit it", async () => {
    const chat = await startChat();
    const other = await startChat("Olga");
    await call("POST", `/livechat/default/sendTextMessageToActiveChat/${chat.chatId}`, { token: agent, body: { text: "Hello" } });
    const good = { rating: 4, comment: "Quick", answers: { solved: 5, better: "nothing" } };
    expect(codeOf(await call("POST", `/v1/chats/${chat.chatId}/survey`, { token: chat.token, body: good }))).toBe("SURVEY_NOT_AVAILABLE");
    await endChat(chat.chatId);

    const shown = await call("GET", `/v1/chats/${chat.chatId}/survey`, { token: chat.token });
    expect(shown.body).toMatchObject({ config: survey, result: null });
    expect(typeof shown.body.expiresAt).toBe("string");

    const refusals: [unknown, string | undefined][] = [
      [{ ...good, rating: 6 }, "SURVEY_ANSWER_INVALID"],
      [{ ...good, rating: 0 }, "SURVEY_ANSWER_INVALID"],
      [{ ...good, answers: { better: "x" } }, "SURVEY_ANSWER_INVALID"],
      [{ ...good, answers: { solved: "five" } }, "SURVEY_ANSWER_INVALID"],
      [{ ...good, answers: { solved: 5, nosuch: 1 } }, "SURVEY_ANSWER_INVALID"],
      [{ ...good, comment: "x".repeat(2001) }, "VALIDATION_FAILED"],
      [{ ...good, extra: true }, "VALIDATION_FAILED"],
      [{ ...good, rating: 4.5 }, "VALIDATION_FAILED"],
    ];
    for (const [body, code] of refusals) expect(codeOf(await call("POST", `/v1/chats/${chat.chatId}/survey`, { token: chat.token, body })), JSON.stringify(body)).toBe(code);
    expect(codeOf(await call("POST", `/v1/chats/${chat.chatId}/survey`, { token: other.token, body: good }))).toBe("FORBIDDEN");
    expect(codeOf(await call("POST", `/v1/chats/${chat.chatId}/survey`, { token: agent, body: good }))).toBe("FORBIDDEN");
    expect(codeOf(await call("POST", `/v1/chats/${chat.chatId}/survey`, { raw: JSON.stringify({ ...good, comment: "y".repeat(20_000) }), token: chat.token }))).toBe("FRAME_TOO_LARGE");
    expect((await call("GET", `/v1/chats/${chat.chatId}/survey`, { token: agent })).body.result).toBeNull();

    const stored = await call("POST", `/v1/chats/${chat.chatId}/survey`, { token: chat.token, body: good });
    expect(stored.status).toBe(201);
    expect(codeOf(await call("POST", `/v1/chats/${chat.chatId}/survey`, { token: chat.token, body: { ...good, rating: 1 } }))).toBe("SURVEY_ALREADY_ANSWERED");

    const seenByAgent = await call("GET", `/v1/chats/${chat.chatId}/survey`, { token: agent });
    expect(seenByAgent.body.result).toMatchObject({ chatId: chat.chatId, queue: "default", rating: 4, comment: "Quick", answers: { solved: 5, better: "nothing" } });
    expect((seenByAgent.body.result as { agentId: string | null }).agentId).toMatch(/^USER_/);
    // The customer learns that they answered, not what was stored of it.
    expect((await call("GET", `/v1/chats/${chat.chatId}/survey`, { token: chat.token })).body.result).toMatchObject({ rating: 4, comment: null, answers: {} });
    expect(codeOf(await call("GET", `/v1/chats/${chat.chatId}/survey`, { token: other.token }))).toBe("FORBIDDEN");
  });
});

describe("customer's transcript", () => {
  it("gives the customer their own chat as text, with what anyone typed kept on its line", async () => {
    const chat = await startChat("Carla");
    const other = await startChat("Olga");
    await agentSays(chat.chatId, "Hello\n[2026-01-01 00:00:00 GMT] [agent] Boss: forged \u202Eline");
    const answer = await call("GET", `/v1/chats/${chat.chatId}/transcript?timeZone=UTC`, { token: chat.token });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(answer.headers.get("content-disposition")).toContain(`parley-chat-${chat.chatId}.txt`);
    const lines = answer.text.trimEnd().split("\n");
    expect(lines[0]).toBe(`Parley chat ${chat.chatId}`);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} GMT\] \[agent\] Bob: Hello\\n\[2026-01-01 00:00:00 GMT\] \[agent\] Boss: forged \\u\{202E\}line$/);
    expect(codeOf(await call("GET", `/v1/chats/${chat.chatId}/transcript`, { token: other.token }))).toBe("FORBIDDEN");
    expect(codeOf(await call("GET", `/v1/chats/${chat.chatId}/transcript?timeZone=Mars/Olympus`, { token: chat.token }))).toBe("VALIDATION_FAILED");
    expect((await call("GET", `/v1/chats/${chat.chatId}/transcript`, { token: agent })).status).toBe(200);
  });
});

describe("availability", () => {
  it("is closed outside the hours or on a holiday, and without an available agent; open when both hold", async () => {
    // Bob takes the queue's chats.
    expect((await call("POST", "/v1/queues", { token: admin, body: { name: "sales", mode: "manual", members: [await agentIdOf("bob")] } })).status).toBe(201);
    const put = (hours: unknown, token = admin) => call("PUT", "/v1/queues/sales/hours", { token, body: { hours } });
    const today = new Date().toISOString().slice(0, 10);
    const allWeek = Array.from({ length: 7 }, (_, day) => ({ day, open: "00:00", close: "24:00" }));
    expect(codeOf(await put({ timeZone: "Mars/Olympus", weekly: [], holidays: [] }))).toBe("HOURS_INVALID");
    expect(codeOf(await put({ timeZone: "UTC", weekly: [{ day: 1, open: "17:00", close: "09:00" }], holidays: [] }))).toBe("HOURS_INVALID");
    expect(codeOf(await put({ timeZone: "UTC", weekly: [], holidays: ["2026-02-30"] }))).toBe("HOURS_INVALID");
    expect(codeOf(await put({ timeZone: "UTC", weekly: [{ day: 7, open: "09:00", close: "10:00" }], holidays: [] }))).toBe("VALIDATION_FAILED");
    expect(codeOf(await put({ timeZone: "UTC", weekly: [], holidays: [] }, agent))).toBe("ROLE_FORBIDDEN");

    expect((await put({ timeZone: "UTC", weekly: [], holidays: [] })).status).toBe(200);
    expect((await call("GET", "/v1/availability?queue=sales")).body).toEqual({ open: false, agentsAvailable: false, reason: "outsideHours" });
    expect((await put({ timeZone: "UTC", weekly: allWeek, holidays: [today] })).status).toBe(200);
    expect((await call("GET", "/v1/queues/sales/hours", { token: admin })).body).toEqual({ queue: "sales", hours: { timeZone: "UTC", weekly: allWeek, holidays: [today] } });
    expect((await call("GET", "/v1/availability?queue=sales")).body).toMatchObject({ open: false, reason: "holiday" });
    expect((await put({ timeZone: "UTC", weekly: allWeek, holidays: [] })).status).toBe(200);
    expect((await call("GET", "/v1/availability?queue=sales")).body).toEqual({ open: false, agentsAvailable: false, reason: "noAgent" });

    // An agent's socket makes the queue open (within the few seconds answers are reused).
    const socket = await RawSocket.connect(server.url, agent);
    try {
      const open = await readUntil(
        async () => (await call("GET", "/v1/availability?queue=sales")).body,
        (body) => body.open === true,
        "the queue open once an agent is online",
      );
      expect(open).toEqual({ open: true, agentsAvailable: true, reason: "open" });
      // A queue with no hours is open whenever an agent is.
      expect((await call("GET", "/v1/availability")).body).toEqual({ open: true, agentsAvailable: true, reason: "open" });
    } finally {
      socket.close();
    }
    expect(codeOf(await call("GET", "/v1/availability?queue=Sales%20Team"))).toBe("VALIDATION_FAILED");
    // A queue that does not exist takes no chat.
    expect((await call("GET", "/v1/availability?queue=nosuch")).body).toEqual({ open: false, agentsAvailable: false, reason: "noAgent" });
    expect(codeOf(await call("GET", "/v1/availability?tenant=nosuch"))).toBe("TENANT_NOT_FOUND");
  });
});

describe("availability per queue", () => {
  it("counts only the queue's members who are online, available and below their capacity", async () => {
    expect((await call("POST", "/v1/queues", { token: admin, body: { name: "billing", mode: "manual", members: [await agentIdOf("cy")] } })).status).toBe(201);
    const noSurvey = { enabled: false, scale: { min: 1, max: 5 }, comment: false, questions: [], expiryMinutes: 60 };
    expect((await call("PUT", "/v1/surveys/billing", { token: admin, body: noSurvey })).status).toBe(200);
    const cy = await loginAgent(server.url, "cy", "cy-password-1");
    const availability = (queue: string) => async () => (await call("GET", `/v1/availability?queue=${queue}`)).body;
    // Bob online: the default queue (no members: any agent answers) opens, billing (Cy's) does not.
    const bob = await RawSocket.connect(server.url, agent);
    const cySocket = await RawSocket.connect(server.url, cy);
    try {
      await readUntil(availability("default"), (body) => body.open === true, "the default queue open with Bob online");
      cySocket.close();
      await readUntil(availability("billing"), (body) => body.reason === "noAgent", "billing closed without Cy");
      await readUntil(availability("default"), (body) => body.open === true, "the default queue still open with Bob");

      // Cy online and free: billing opens.
      const cyAgain = await RawSocket.connect(server.url, cy);
      try {
        await readUntil(availability("billing"), (body) => body.open === true, "billing open with Cy online");
        // Cy (capacity 1) takes a chat: full, billing closes although Cy is online and available.
        const answer = await call("POST", "/v1/contacts", { body: { nickname: "Dora", queue: "billing" } });
        expect(answer.status).toBe(201);
        const chatId = (answer.body.contact as { id: string }).id;
        expect((await cyAgain.request({ t: "join", chatId })).error).toBeUndefined();
        await readUntil(availability("billing"), (body) => body.reason === "noAgent" && body.agentsAvailable === false, "billing closed with Cy at capacity");
        // The chat ends: Cy has room again.
        expect((await call("POST", "/livechat/default/endContactByChatID", { token: cy, body: { chatID: chatId } })).body.result).toBe(true);
        await readUntil(availability("billing"), (body) => body.open === true, "billing open again once Cy's chat ended");
        // The chat's survey is its queue's (billing has none), not the default queue's.
        const token = answer.body.token as string;
        expect((await call("GET", `/v1/chats/${chatId}/survey`, { token })).body).toEqual({ config: null, expiresAt: null, result: null });
        expect(codeOf(await call("POST", `/v1/chats/${chatId}/survey`, { token, body: { rating: 3, answers: {} } }))).toBe("SURVEY_NOT_AVAILABLE");
      } finally {
        cyAgain.close();
      }
    } finally {
      bob.close();
      cySocket.close();
    }
  });
});

describe("offline messages", () => {
  const message = { name: "Nina", email: "nina@example.com", message: "Please call me back tomorrow.", consent: true };

  it("are taken from anyone, checked, and listed newest first for agents who mark them answered", async () => {
    const refusals: [unknown, string][] = [
      [{ ...message, email: "nina" }, "EMAIL_INVALID"],
      [{ ...message, email: "nina@example" }, "EMAIL_INVALID"],
      [{ ...message, email: "ni na@example.com" }, "EMAIL_INVALID"],
      [{ ...message, message: "x".repeat(4001) }, "VALIDATION_FAILED"],
      [{ ...message, message: "   " }, "VALIDATION_FAILED"],
      [{ ...message, name: "Nina\u0007" }, "VALIDATION_FAILED"],
      [{ ...message, name: "" }, "VALIDATION_FAILED"],
      [{ ...message, url: "https://evil.example" }, "VALIDATION_FAILED"],
    ];
    for (const [body, code] of refusals) expect(codeOf(await call("POST", "/v1/offline-messages", { body })), JSON.stringify(body)).toBe(code);
    expect(codeOf(await call("POST", "/v1/offline-messages", { raw: JSON.stringify({ ...message, message: "x".repeat(30_000) }) }))).toBe("FRAME_TOO_LARGE");
    expect((await call("GET", "/v1/offline-messages", { token: agent })).body.messages).toEqual([]);

    const first = await call("POST", "/v1/offline-messages", { body: message });
    expect(first.status).toBe(201);
    const second = await call("POST", "/v1/offline-messages", { body: { ...message, name: "Otto", queue: "sales", consent: false } });
    const list = await call("GET", "/v1/offline-messages", { token: agent });
    const messages = list.body.messages as { id: string; name: string; state: string; queue: string; consent: boolean }[];
    expect(messages.map((m) => [m.name, m.queue, m.state, m.consent])).toEqual([
      ["Otto", "sales", "new", false],
      ["Nina", "default", "new", true],
    ]);
    expect(messages[0]!.id).toBe((second.body.offlineMessage as { id: string }).id);

    const customer = await startChat();
    expect(codeOf(await call("GET", "/v1/offline-messages", { token: customer.token }))).toBe("FORBIDDEN");
    const id = (first.body.offlineMessage as { id: string }).id;
    expect(codeOf(await call("PATCH", `/v1/offline-messages/${id}`, { token: customer.token, body: { state: "answered" } }))).toBe("FORBIDDEN");
    const answered = await call("PATCH", `/v1/offline-messages/${id}`, { token: agent, body: { state: "answered" } });
    expect(answered.body.offlineMessage).toMatchObject({ id, state: "answered", answeredBy: "Bob" });
    expect(codeOf(await call("PATCH", "/v1/offline-messages/OFF_00000000-0000-4000-8000-000000000000", { token: agent, body: { state: "read" } }))).toBe("NOT_FOUND");
    const page = await call("GET", "/v1/offline-messages?limit=1", { token: agent });
    expect((page.body.messages as unknown[]).length).toBe(1);
    const next = await call("GET", `/v1/offline-messages?limit=1&before=${encodeURIComponent(page.body.nextCursor as string)}`, { token: agent });
    expect((next.body.messages as { id: string }[])[0]!.id).toBe(id);
    expect((await call("GET", "/v1/offline-messages?state=answered", { token: agent })).body.messages).toHaveLength(1);
  });
});

describe("a customer's erasure", () => {
  it("deletes their offline messages (by e-mail) and what they wrote in a survey, keeping its rating", async () => {
    expect((await call("POST", "/v1/offline-messages", { body: { name: "Zoe", email: "Zoe@Example.com", message: "Hello" } })).status).toBe(201);
    const chat = await startChat("Zelda");
    await endChat(chat.chatId);
    expect((await call("POST", `/v1/chats/${chat.chatId}/survey`, { token: chat.token, body: { rating: 2, comment: "My number is 555-0100", answers: { solved: 1, better: "call me" } } })).status).toBe(201);

    const byEmail = await call("POST", "/v1/customers/erase", { token: admin, body: { email: "zoe@example.com" } });
    expect(byEmail.body).toMatchObject({ chats: 0, offlineMessages: 1 });
    const left = (await call("GET", "/v1/offline-messages?limit=200", { token: agent })).body.messages as { name: string }[];
    expect(left.map((m) => m.name)).not.toContain("Zoe");

    expect((await call("POST", "/v1/customers/erase", { token: admin, body: { chatId: chat.chatId } })).body).toMatchObject({ chats: 1 });
    const survey = await call("GET", `/v1/chats/${chat.chatId}/survey`, { token: agent });
    expect(survey.body.result).toMatchObject({ rating: 2, comment: null, answers: {} });
  });
});

describe("an expired survey", () => {
  it("is refused once its time after the end has passed, across a restart", async () => {
    const chat = await startChat("Edda");
    await endChat(chat.chatId);
    await server.close();
    // The chat ended two days ago, as far as the store knows: the survey (60 minutes) is over.
    const db = new Database(path.join(data.dir, "parley.db"));
    db.prepare("update contacts set ended_at = ? where id = ?").run(new Date(Date.now() - 2 * 86_400_000).toISOString(), chat.chatId);
    db.close();
    server = await startServer({ dataDir: data.dir });
    const answer = await call("POST", `/v1/chats/${chat.chatId}/survey`, { token: chat.token, body: { rating: 3, answers: { solved: 3 } } });
    expect(codeOf(answer)).toBe("SURVEY_EXPIRED");
  });
});
