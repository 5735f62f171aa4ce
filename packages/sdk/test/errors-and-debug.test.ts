/** The session's `error` event (what nothing else reports) and the optional debug logger. */
import { describe, expect, it } from "vitest";
import { createLiveChatSdk } from "../src/index.node.js";
import { useFakeServer } from "./support/fake-server.js";
import {
  AGENT,
  CHAT_ID,
  TEST_OPTIONS,
  collectSession,
  joined,
  loggedIn,
  nextEvent,
  nextSessionEvent,
  nextState,
  rejection,
  textMessage,
} from "./support/fixtures.js";

const fake = useFakeServer();

describe("the error event", () => {
  it("reports an error frame, which answers a frame without a request id", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const reported = nextSessionEvent(sdk.LIVECHAT, "error");
    contact.isWriting(true);
    await conn.next("typing");
    const frame = { t: "error", error: { code: "NOT_A_PARTICIPANT", message: "Join the chat first.", details: { chatId: CHAT_ID } } };
    conn.send(frame);
    expect(await reported).toEqual({
      code: "NOT_A_PARTICIPANT",
      message: "Join the chat first.",
      details: { chatId: CHAT_ID },
      chatId: CHAT_ID,
      source: "errorFrame",
      frame,
    });
    await sdk.LIVECHAT.logout();
  });

  it("reports a delivery receipt the server refused, with the receipt", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const reported = nextSessionEvent(sdk.LIVECHAT, "error");
    const handed = nextEvent(contact, "message");
    conn.event(CHAT_ID, 1, "message", textMessage(1));
    await handed;
    const receipt = await conn.next("receipt");
    conn.replyError(receipt.rid as number, "STORE_UNAVAILABLE", "The database is not answering.");
    expect(await reported).toEqual({
      code: "STORE_UNAVAILABLE",
      message: "The database is not answering.",
      chatId: CHAT_ID,
      source: "request",
      request: { t: "receipt", chatId: CHAT_ID, messageId: textMessage(1).id, kind: "received" },
    });
    await sdk.LIVECHAT.logout();
  });

  it("reports a chat that cannot be re-joined after a reconnect, which then stops", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const errors = collectSession(sdk.LIVECHAT, "error");
    const reported = nextSessionEvent(sdk.LIVECHAT, "error");
    conn.close(4503);
    const conn2 = await fake.server.nextConnection();
    await conn2.acceptHello(AGENT);
    const rejoin = await conn2.next("join");
    conn2.replyError(rejoin.rid, "FORBIDDEN", "Not any more.");
    expect(await reported).toMatchObject({ code: "FORBIDDEN", chatId: CHAT_ID, source: "request" });
    expect((await rejection(contact.sendMessage("still there?"))).code).toBe("FORBIDDEN");
    expect(errors).toHaveLength(1);
    await sdk.LIVECHAT.logout();
  });

  it("stays quiet for the error frame of a refused login: the login's rejection carries it", async () => {
    const sdk = createLiveChatSdk(TEST_OPTIONS);
    sdk.init({ serverUrl: fake.server.url });
    const errors = collectSession(sdk.LIVECHAT, "error");
    const login = sdk.LIVECHAT.login("forged");
    const conn = await fake.server.nextConnection();
    await conn.next("hello");
    conn.send({ t: "error", error: { code: "AUTH_INVALID_TOKEN", message: "Bad token." } });
    conn.close(4401);
    expect((await rejection(login)).code).toBe("AUTH_INVALID_TOKEN");
    expect(errors).toEqual([]);
  });

  it("stays quiet for what the application itself caused (a receipt still unanswered when it left the chat)", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const errors = collectSession(sdk.LIVECHAT, "error");
    const handed = nextEvent(contact, "message");
    conn.event(CHAT_ID, 1, "message", textMessage(1));
    await handed;
    await conn.next("receipt"); // never answered: leaving rejects it with NOT_JOINED
    const leaving = sdk.LIVECHAT.leave(contact);
    const leave = await conn.next("leave");
    conn.reply(leave.rid, {});
    await leaving;
    await sdk.LIVECHAT.logout();
    expect(errors).toEqual([]);
  });
});

describe("the debug logger", () => {
  it("logs frames in and out and state changes, never the token", async () => {
    const lines: string[] = [];
    const sdk = createLiveChatSdk(TEST_OPTIONS);
    sdk.init({ serverUrl: fake.server.url, debug: (line) => lines.push(line) });
    const login = sdk.LIVECHAT.login("secret-token-123");
    const conn = await fake.server.nextConnection();
    await conn.acceptHello(AGENT);
    await login;
    const contact = await joined(sdk, conn);
    const sending = contact.sendMessage("hello");
    const send = await conn.next("send");
    conn.reply(send.rid, { id: "MSG_1", seq: 1 });
    await sending;
    const closed = nextState(sdk.LIVECHAT, "closed");
    await sdk.LIVECHAT.logout();
    await closed;

    expect(lines.join("\n")).not.toContain("secret-token-123");
    expect(lines).toContainEqual(expect.stringMatching(/^out \{"t":"hello","token":"\[redacted\]"/));
    expect(lines).toContainEqual(expect.stringMatching(/^in \{"t":"welcome"/));
    expect(lines).toContainEqual(expect.stringMatching(/^out \{"t":"send",.*"text":"hello"/));
    expect(lines).toContainEqual(expect.stringMatching(/^in \{"t":"reply","rid":\d+,"ok":true,"result":\{"id":"MSG_1"/));
    expect(lines).toContainEqual("state disconnected → connecting");
    expect(lines).toContainEqual("state connecting → connected");
    expect(lines).toContainEqual("state connected → closed (explicitLogout, 1000)");
  });

  it("replaces inline file contents by their length", async () => {
    const lines: string[] = [];
    const sdk = createLiveChatSdk(TEST_OPTIONS);
    sdk.init({ serverUrl: fake.server.url, debug: (line) => lines.push(line) });
    const login = sdk.LIVECHAT.login("token-1");
    const conn = await fake.server.nextConnection();
    await conn.acceptHello(AGENT);
    await login;
    const contact = await joined(sdk, conn);
    const png = Buffer.from("89504e470d0a1a0a".repeat(40), "hex").toString("base64");
    const sending = contact.SendMultimediaMessage("IMAGE", { img: png });
    const send = await conn.next("send");
    expect(send).toMatchObject({ kind: "media", data: png });
    await sdk.LIVECHAT.logout();
    await rejection(sending);
    expect(lines.join("\n")).not.toContain(png);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^out \\{"t":"send",.*"data":"\\[${png.length} chars\\]"`)));
  });

  it("is off by default: init without debug gives no logger", async () => {
    const { debugLogger } = await import("../src/debug.js");
    expect(debugLogger(undefined)).toBeUndefined();
    expect(debugLogger(false)).toBeUndefined();
    expect(typeof debugLogger(true)).toBe("function");
  });
});
