import { describe, expect, it } from "vitest";
import { createLiveChatSdk, LiveChatError } from "../src/index.node.js";
import type { StateContext } from "../src/types.js";
import { FakeServer, useFakeServer } from "./support/fake-server.js";
import { AGENT, TEST_OPTIONS, joined, loggedIn, nextState, rejection } from "./support/fixtures.js";

const fake = useFakeServer();

describe("login", () => {
  it("sends hello with the token on /v1/socket and resolves with the welcomed user", async () => {
    const sdk = createLiveChatSdk(TEST_OPTIONS);
    sdk.init({ serverUrl: fake.server.url });
    const states: StateContext[] = [];
    sdk.LIVECHAT.on("state", (context) => states.push(context));
    const login = sdk.LIVECHAT.login("jwt-abc", true, true);
    const conn = await fake.server.nextConnection();
    expect(conn.path).toBe("/v1/socket");
    const hello = await conn.acceptHello(AGENT);
    expect(hello).toEqual({ t: "hello", token: "jwt-abc", v: 1 });
    await expect(login).resolves.toEqual({ result: true, user: { id: AGENT.userId, nickname: "Ann", isAgent: true } });
    expect(sdk.LIVECHAT.state).toBe("connected");
    expect(states.map((s) => [s.previous, s.state])).toEqual([
      ["disconnected", "connecting"],
      ["connecting", "connected"],
    ]);
    await sdk.LIVECHAT.logout();
  });

  it("rejects with NOT_INITIALIZED before init, and NOT_LOGGED_IN for calls before login", async () => {
    const sdk = createLiveChatSdk(TEST_OPTIONS);
    const error = await rejection(sdk.LIVECHAT.login("t"));
    expect(error).toBeInstanceOf(LiveChatError);
    expect(error.code).toBe("NOT_INITIALIZED");
    sdk.init({ serverUrl: fake.server.url });
    expect((await rejection(sdk.LIVECHAT.joinContact("CHAT_x"))).code).toBe("NOT_LOGGED_IN");
    expect((await rejection(sdk.LIVECHAT.getChatHistory("CHAT_x", true))).code).toBe("NOT_LOGGED_IN");
  });

  it("rejects with AUTH_INVALID_TOKEN and stays closed when the server closes with 4401", async () => {
    const sdk = createLiveChatSdk(TEST_OPTIONS);
    sdk.init({ serverUrl: fake.server.url });
    const reasons: string[] = [];
    const login = sdk.LIVECHAT.login("forged", false, false, (reason) => reasons.push(reason));
    const closed = nextState(sdk.LIVECHAT, "closed");
    const conn = await fake.server.nextConnection();
    await conn.next("hello");
    conn.send({ t: "error", error: { code: "AUTH_INVALID_TOKEN", message: "bad signature" } });
    conn.close(4401, "auth");
    const error = await rejection(login);
    expect(error.code).toBe("AUTH_INVALID_TOKEN");
    expect(error.message).toBe("bad signature");
    expect(await closed).toMatchObject({ state: "closed", code: 4401, reason: "authFailed" });
    expect(reasons).toEqual([]); // never logged in: the login promise carries the failure
  });

  it("rejects a pending login with AUTH_TOKEN_EXPIRED on 4402 without an error frame", async () => {
    const sdk = createLiveChatSdk(TEST_OPTIONS);
    sdk.init({ serverUrl: fake.server.url });
    const login = sdk.LIVECHAT.login("old");
    const conn = await fake.server.nextConnection();
    await conn.next("hello");
    conn.close(4402);
    expect((await rejection(login)).code).toBe("AUTH_TOKEN_EXPIRED");
  });

  it("calls the callback with keepaliveExpired when a logged-in session gets 4402, and fails pending requests", async () => {
    const reasons: string[] = [];
    const sdk = createLiveChatSdk(TEST_OPTIONS);
    sdk.init({ serverUrl: fake.server.url });
    const login = sdk.LIVECHAT.login("t", false, false, (reason) => reasons.push(reason));
    const conn = await fake.server.nextConnection();
    await conn.acceptHello(AGENT);
    await login;
    const joining = sdk.LIVECHAT.joinContact("CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d");
    await conn.next("join");
    const closed = nextState(sdk.LIVECHAT, "closed");
    conn.close(4402, "expired");
    expect((await closed).reason).toBe("tokenExpired");
    expect(reasons).toEqual(["keepaliveExpired"]);
    expect((await rejection(joining)).code).toBe("AUTH_TOKEN_EXPIRED");
  });

  it("logout closes with 1000, rejects pending requests with LOGGED_OUT and calls the callback", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const reasons: string[] = [];
    // Re-login to attach a callback on a fresh session.
    const relogin = sdk.LIVECHAT.login("t2", false, false, (reason) => reasons.push(reason));
    const conn2 = await fake.server.nextConnection();
    await conn2.acceptHello(AGENT);
    await relogin;
    expect((await conn.closed).code).toBe(1000);
    expect((await rejection(contact.sendMessage("hi"))).code).toBe("LOGGED_OUT");
    const pending = sdk.LIVECHAT.joinContact("CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d");
    await conn2.next("join");
    await sdk.LIVECHAT.logout();
    expect((await rejection(pending)).code).toBe("LOGGED_OUT");
    expect(reasons).toEqual(["explicitLogout"]);
    expect(sdk.LIVECHAT.state).toBe("closed");
    expect((await conn2.closed).code).toBe(1000);
  });

  it("moves to the next server URL when one cannot be reached", async () => {
    const dead = await FakeServer.start();
    const deadUrl = dead.url;
    await dead.close();
    const sdk = createLiveChatSdk(TEST_OPTIONS);
    sdk.init({ serverUrl: [deadUrl, fake.server.url] });
    const login = sdk.LIVECHAT.login("t");
    const conn = await fake.server.nextConnection();
    await conn.acceptHello(AGENT);
    await expect(login).resolves.toMatchObject({ result: true });
    await sdk.LIVECHAT.logout();
  });
});
