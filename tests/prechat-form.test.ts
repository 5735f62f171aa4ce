/**
 * The pre-chat form over REST, on a real server and its SQLite store: admins
 * set a queue's form (refused with a coded error when it cannot be used), the
 * public read shows customers only what they need, and `POST /v1/contacts`
 * checks the answers itself — a client that skips the widget cannot skip a
 * mandatory field — storing accepted ones as call data (hidden answers apart).
 */
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerWithAdmin, TEST_FORM } from "./support/prechat.js";
import { errorCode, rest } from "./support/rest.js";
import type { InProcessServer } from "./support/server.js";

let started: Awaited<ReturnType<typeof startServerWithAdmin>>;
let server: InProcessServer;
let admin: string;
let agent: string;

const call = (method: string, route: string, options: { token?: string; body?: unknown } = {}) => rest(server.url, method, route, options);
const GOOD = { nickname: "Nina Tester", contract: "C-123456", topic: "tech", birthday: "1990-02-28", newsletter: true };

function countChats(): number {
  const db = new Database(path.join(started.dataDir, "parley.db"), { readonly: true });
  try {
    return (db.prepare("select count(*) as n from contacts").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  started = await startServerWithAdmin();
  ({ server, admin, agent } = started);
}, 60_000);

afterAll(async () => {
  await started?.close();
});

describe("a queue's pre-chat form", () => {
  it("is set by admins only, and refused with a coded error when it cannot be used", async () => {
    expect((await call("GET", "/v1/queues/default/form")).body).toEqual({ queue: "default", form: null });
    expect(errorCode(await call("PUT", "/v1/queues/default/form", { token: agent, body: { form: TEST_FORM } }))).toBe("ROLE_FORBIDDEN");
    expect(errorCode(await call("GET", "/v1/queues/default/form/definition", { token: agent }))).toBe("ROLE_FORBIDDEN");
    const field = TEST_FORM.fields[2]!;
    const withField = (changes: Record<string, unknown>) => ({ form: { ...TEST_FORM, fields: [...TEST_FORM.fields, { ...field, key: "extra", ...changes }] } });
    const refusals: [unknown, string, string?][] = [
      [withField({ key: "contract" }), "FORM_DEFINITION_INVALID", "/fields/6/key"],
      [withField({ kind: "radio" }), "FORM_DEFINITION_INVALID", "/fields/6/options"],
      [withField({ pattern: "(?=C)C" }), "FORM_DEFINITION_INVALID", "/fields/6/pattern"],
      [withField({ pattern: "(a)\\1" }), "FORM_DEFINITION_INVALID", "/fields/6/pattern"],
      [withField({ pattern: "[a" }), "FORM_DEFINITION_INVALID", "/fields/6/pattern"],
      [withField({ pattern: "((a{100}){100})" }), "FORM_DEFINITION_INVALID", "/fields/6/pattern"],
      [withField({ kind: "nickname", pattern: null }), "FORM_DEFINITION_INVALID", "/fields/6"],
      [withField({ kind: "info", mandatory: true, pattern: null }), "FORM_DEFINITION_INVALID", "/fields/6"],
      [{ form: { ...TEST_FORM, consent: { privacyUrl: "javascript:alert(1)", labels: { en: "ok" } } } }, "FORM_DEFINITION_INVALID", "/consent/privacyUrl"],
      [withField({ kind: "password" }), "VALIDATION_FAILED"],
      [withField({ labels: {} }), "VALIDATION_FAILED"],
      [withField({ labels: { xx: "?" } }), "VALIDATION_FAILED"],
      [withField({ pattern: "x".repeat(201) }), "VALIDATION_FAILED"],
    ];
    for (const [body, code, at] of refusals) {
      const answer = await call("PUT", "/v1/queues/default/form", { token: admin, body });
      expect(errorCode(answer), JSON.stringify(body)).toBe(code);
      if (at !== undefined) expect((answer.body.error as { details: { path: string } }).details.path).toBe(at);
    }
    // Nothing of the refused ones was stored.
    expect((await call("GET", "/v1/queues/default/form/definition", { token: admin })).body.form).toBeNull();

    const saved = await call("PUT", "/v1/queues/default/form", { token: admin, body: { form: TEST_FORM } });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ queue: "default", form: TEST_FORM });
    expect((await call("GET", "/v1/queues/default/form/definition", { token: admin })).body).toEqual({ queue: "default", form: TEST_FORM });
    const audit = await call("GET", "/v1/audit?action=queue.form_set", { token: admin });
    expect(audit.body.entries).toEqual([expect.objectContaining({ target: { type: "queue", id: "default" }, detail: { fields: 6, consent: true } })]);
  });

  it("is read by anyone without what only admins decide", async () => {
    const answer = await call("GET", "/v1/queues/default/form");
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body)).not.toContain("agentVisible");
    const { form } = answer.body as { form: { fields: { key: string; labels: Record<string, string> }[]; consent: unknown } };
    expect(form.fields.map((field) => field.key)).toEqual(TEST_FORM.fields.map((field) => field.key));
    expect(form.fields[1]!.labels).toEqual({ en: "Your name", fr: "Votre nom" });
    expect(form.consent).toEqual(TEST_FORM.consent);
    // Another queue asks nothing.
    expect((await call("GET", "/v1/queues/sales/form")).body).toEqual({ queue: "sales", form: null });
  });
});

describe("a chat started with answers", () => {
  it("is refused, with every problem, when the answers do not fit — and nothing is created", async () => {
    const before = countChats();
    const start = (form: Record<string, unknown>, consent: boolean | undefined) =>
      call("POST", "/v1/contacts", { body: { nickname: "Client", form, ...(consent === undefined ? {} : { consent }) } });
    const without = <K extends keyof typeof GOOD>(key: K) => Object.fromEntries(Object.entries(GOOD).filter(([name]) => name !== key));
    const cases: [Record<string, unknown>, boolean | undefined, { key: string; problem: string }[]][] = [
      [without("contract"), true, [{ key: "contract", problem: "required" }]],
      [{ ...GOOD, contract: "   " }, true, [{ key: "contract", problem: "required" }]],
      [{ ...GOOD, contract: "C-12345" }, true, [{ key: "contract", problem: "pattern" }]],
      [{ ...GOOD, contract: "C-1234567" }, true, [{ key: "contract", problem: "pattern" }]],
      [{ ...GOOD, topic: "sales" }, true, [{ key: "topic", problem: "notAnOption" }]],
      [{ ...GOOD, birthday: "2026-02-30" }, true, [{ key: "birthday", problem: "date" }]],
      [{ ...GOOD, nickname: "n".repeat(65) }, true, [{ key: "nickname", problem: "tooLong" }]],
      [{ ...GOOD, newsletter: "yes" }, true, [{ key: "newsletter", problem: "type" }]],
      [{ ...GOOD, intro: "x" }, true, [{ key: "intro", problem: "unknown" }]],
      [{ ...GOOD, admin: "true" }, true, [{ key: "admin", problem: "unknown" }]],
      [GOOD, false, [{ key: "consent", problem: "required" }]],
      [GOOD, undefined, [{ key: "consent", problem: "required" }]],
      [
        {},
        undefined,
        [
          { key: "nickname", problem: "required" },
          { key: "contract", problem: "required" },
          { key: "topic", problem: "required" },
          { key: "consent", problem: "required" },
        ],
      ],
    ];
    for (const [form, consent, fields] of cases) {
      const answer = await start(form, consent);
      expect(answer.status, JSON.stringify(form)).toBe(400);
      expect(answer.body.error).toMatchObject({ code: "FORM_INVALID", details: { fields } });
    }
    // A page that sends no form at all skips nothing either.
    expect(errorCode(await call("POST", "/v1/contacts", { body: { nickname: "Client" } }))).toBe("FORM_INVALID");
    // A pattern that would stall a backtracking engine is run in linear time: refused at once.
    await call("PUT", "/v1/queues/default/form", { token: admin, body: { form: { ...TEST_FORM, fields: TEST_FORM.fields.map((f) => (f.key === "contract" ? { ...f, pattern: "(a+)+b" } : f)) } } });
    expect((await start({ ...GOOD, contract: `${"a".repeat(250)}!` }, true)).body.error).toMatchObject({ code: "FORM_INVALID", details: { fields: [{ key: "contract", problem: "pattern" }] } });
    await call("PUT", "/v1/queues/default/form", { token: admin, body: { form: TEST_FORM } });
    // Answers to a queue without a form are refused too.
    const queued = await call("POST", "/v1/queues", { token: admin, body: { name: "sales" } });
    expect(queued.status).toBe(201);
    expect(errorCode(await call("POST", "/v1/contacts", { body: { nickname: "Client", queue: "sales", form: { contract: "C-123456" } } }))).toBe("FORM_INVALID");
    expect(countChats()).toBe(before);
  });

  it("takes answers that fit: the nickname names the customer, visible answers are call data, hidden ones and the consent are kept apart", async () => {
    const answer = await call("POST", "/v1/contacts", { body: { nickname: "Client", form: { ...GOOD, contract: " C-654321 " }, consent: true, callData: { customerNo: "42", topic: "from-page" } } });
    expect(answer.status).toBe(201);
    const chatId = (answer.body.contact as { id: string }).id;
    expect((answer.body.user as { nickname: string }).nickname).toBe("Nina Tester");
    const callData = await call("GET", `/v1/chats/${chatId}/call-data`, { token: agent });
    expect(callData.body.callData).toEqual({ contract: "C-654321", customerNo: "42", newsletter: "true", nickname: "Nina Tester", topic: "tech" });
    const db = new Database(path.join(started.dataDir, "parley.db"), { readonly: true });
    try {
      const row = db.prepare("select * from chat_prechat where chat_id = ?").get(chatId) as Record<string, unknown>;
      expect(row).toMatchObject({ tenant: "default", queue: "default", consent: 1, privacy_url: "https://example.com/privacy" });
      expect(JSON.parse(row.answers as string)).toEqual({ ...GOOD, contract: "C-654321" });
      expect(JSON.parse(row.hidden as string)).toEqual(["birthday"]);
    } finally {
      db.close();
    }
    // Removing the form: chats start as before.
    expect((await call("PUT", "/v1/queues/default/form", { token: admin, body: { form: null } })).body).toEqual({ queue: "default", form: null });
    expect((await call("POST", "/v1/contacts", { body: { nickname: "Client" } })).status).toBe(201);
  });
});
