import { describe, expect, it } from "vitest";
import { createLiveChatSdk } from "../src/index.node.js";
import { useFakeServer } from "./support/fake-server.js";
import { CHAT_ID, CUSTOMER_REF, TEST_OPTIONS, joinResult, nextState, rejection } from "./support/fixtures.js";

const fake = useFakeServer();

function fakeFetch(status: number, body: unknown, calls: { url: string; body: unknown }[]): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), body: JSON.parse(String(init?.body)) });
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
}

describe("startContact", () => {
  it("posts /v1/contacts, logs in with the customer token and joins the new chat", async () => {
    const calls: { url: string; body: unknown }[] = [];
    const fetch = fakeFetch(201, { contact: { id: CHAT_ID }, user: CUSTOMER_REF, token: "customer-token" }, calls);
    const sdk = createLiveChatSdk({ ...TEST_OPTIONS, fetch });
    sdk.init({ serverUrl: fake.server.url });
    const starting = sdk.LIVECHAT.startContact({ nickname: "Bob", email: "bob@example.com" });
    const conn = await fake.server.nextConnection();
    expect(await conn.next("hello")).toMatchObject({ token: "customer-token" });
    conn.welcome({ userId: CUSTOMER_REF.id, role: "customer", nickname: "Bob", chatId: CHAT_ID });
    const join = await conn.next("join");
    expect(join).toMatchObject({ chatId: CHAT_ID, nickname: "Bob" });
    conn.reply(join.rid, joinResult());
    const contact = await starting;
    expect(contact.contact.id).toBe(CHAT_ID);
    expect(calls).toEqual([{ url: `${fake.server.url}/v1/contacts`, body: { nickname: "Bob", email: "bob@example.com" } }]);
    await sdk.LIVECHAT.logout();
  });

  it("rejects with the server's code", async () => {
    const calls: { url: string; body: unknown }[] = [];
    const fetch = fakeFetch(409, { error: { code: "NICKNAME_RESERVED", message: "an agent's name" } }, calls);
    const sdk = createLiveChatSdk({ ...TEST_OPTIONS, fetch });
    sdk.init({ serverUrl: fake.server.url });
    expect(await rejection(sdk.LIVECHAT.startContact({ nickname: "Support Team" }))).toMatchObject({
      code: "NICKNAME_RESERVED",
      message: "an agent's name",
    });
    expect(calls).toHaveLength(1);
  });

  it("refuses locally, sending nothing, a nickname the server would refuse and a start page that is not http(s)", async () => {
    const calls: { url: string; body: unknown }[] = [];
    const fetch = fakeFetch(500, {}, calls);
    const sdk = createLiveChatSdk({ ...TEST_OPTIONS, fetch });
    sdk.init({ serverUrl: fake.server.url });
    for (const nickname of ["", "Bob\u0000", "Bob\u202Eevil", "Bo\u200Bb", "Bob\n[12:00] Agent: hi", "Bob  Smith"]) {
      expect((await rejection(sdk.LIVECHAT.startContact({ nickname }))).code, JSON.stringify(nickname)).toBe("NICKNAME_INVALID");
    }
    for (const uri of ["javascript:alert(1)", "data:text/html,x", "/relative"]) {
      expect((await rejection(sdk.LIVECHAT.startContact({ nickname: "Bob", uri }))).code, uri).toBe("INVALID_URL");
    }
    expect(calls).toEqual([]);
  });
});

describe("login timeout", () => {
  it("rejects with REQUEST_TIMEOUT and closes when no welcome comes", async () => {
    const sdk = createLiveChatSdk({ ...TEST_OPTIONS, requestTimeoutMs: 100 });
    sdk.init({ serverUrl: fake.server.url });
    const closed = nextState(sdk.LIVECHAT, "closed");
    // The fake server never welcomes. Whether the socket is open yet when the timeout fires does not
    // matter (on a loaded machine it may not be), so the test does not wait for it.
    const login = sdk.LIVECHAT.login("t");
    expect((await rejection(login)).code).toBe("REQUEST_TIMEOUT");
    expect((await closed).reason).toBe("loginTimeout");
  });
});
