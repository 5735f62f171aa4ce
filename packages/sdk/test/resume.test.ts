import { describe, expect, it } from "vitest";
import { useFakeServer } from "./support/fake-server.js";
import {
  AGENT,
  CHAT_ID,
  collect,
  joinResult,
  joined,
  loggedIn,
  messageId,
  nextEvent,
  nextState,
  textMessage,
} from "./support/fixtures.js";

const fake = useFakeServer();

describe("resume after a dropped socket", () => {
  it("reconnects, re-joins with afterSeq and hands every event exactly once, in order", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn, { lastSeq: 4 });
    const messages = collect(contact, "message");
    const first = nextEvent(contact, "message");
    conn.event(CHAT_ID, 5, "message", textMessage(5));
    await first;

    const states: string[] = [];
    sdk.LIVECHAT.on("state", (context) => states.push(context.state));
    const disconnected = nextState(sdk.LIVECHAT, "disconnected");
    conn.close(4503, "shutting down");
    expect(await disconnected).toMatchObject({ code: 4503, reason: "serverShutdown" });

    const conn2 = await fake.server.nextConnection();
    await conn2.acceptHello(AGENT);
    const rejoin = await conn2.next("join");
    expect(rejoin).toMatchObject({ chatId: CHAT_ID, afterSeq: 5, nickname: "Ann" });
    // Replay: one already handled, then two missed; then the reply, then a live event.
    conn2.event(CHAT_ID, 5, "message", textMessage(5));
    conn2.event(CHAT_ID, 6, "message", textMessage(6));
    conn2.event(CHAT_ID, 7, "message", textMessage(7));
    conn2.reply(rejoin.rid, joinResult({ lastSeq: 7 }));
    const live = nextEvent(contact, "message");
    conn2.event(CHAT_ID, 8, "message", textMessage(8));
    await live;
    expect(messages.map((m) => m.id)).toEqual([5, 6, 7, 8].map(messageId));
    expect(contact.lastSeq).toBe(8);
    expect(states).toEqual(["disconnected", "connecting", "connected"]);
    await sdk.LIVECHAT.logout();
  });

  it("re-sends an unanswered send with the same clientId after the re-join; the promise resolves once", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    let resolutions = 0;
    const sending = contact.sendMessage("survive").then((id) => {
      resolutions++;
      return id;
    });
    const original = await conn.next("send");
    conn.terminate();

    await nextState(sdk.LIVECHAT, "disconnected");
    // Made while offline: waits in the outbox behind the first one.
    const offline = contact.sendMessage("written offline");

    const conn2 = await fake.server.nextConnection();
    await conn2.acceptHello(AGENT);
    const rejoin = await conn2.next("join");
    expect(rejoin.afterSeq).toBe(0);
    expect(conn2.received.some((f) => f.t === "send")).toBe(false); // nothing before the re-join is answered
    conn2.reply(rejoin.rid, joinResult({ lastSeq: 0 }));
    const resent = await conn2.next("send");
    const second = await conn2.next("send");
    expect(resent).toMatchObject({ clientId: original.clientId, text: "survive" });
    expect(second).toMatchObject({ text: "written offline" });
    expect(second.clientId).not.toBe(original.clientId);
    conn2.reply(resent.rid, { id: messageId(1), seq: 1, ts: "t", duplicate: true });
    conn2.reply(second.rid, { id: messageId(2), seq: 2, ts: "t", duplicate: false });
    await expect(sending).resolves.toBe(messageId(1));
    await expect(offline).resolves.toBe(messageId(2));
    expect(resolutions).toBe(1);
    await sdk.LIVECHAT.logout();
  });

  it("reconnects when the server stays silent for twice the heartbeat, after pinging", async () => {
    const { sdk, conn } = await loggedIn(fake.server, AGENT, {}, { heartbeatMs: 40 });
    expect(await conn.next("ping")).toEqual({ t: "ping" });
    // No pong: the SDK gives up on this socket and opens another.
    const conn2 = await fake.server.nextConnection();
    await conn2.acceptHello(AGENT);
    await nextState(sdk.LIVECHAT, "connected");
    await sdk.LIVECHAT.logout();
  });

  it("re-sends a join that was in flight when the socket dropped", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const joining = sdk.LIVECHAT.joinContact(CHAT_ID);
    await conn.next("join");
    conn.terminate();
    const conn2 = await fake.server.nextConnection();
    await conn2.acceptHello(AGENT);
    const again = await conn2.next("join");
    expect(again.afterSeq).toBeUndefined();
    conn2.reply(again.rid, joinResult({ lastSeq: 3 }));
    expect((await joining).lastSeq).toBe(3);
    await sdk.LIVECHAT.logout();
  });
});
