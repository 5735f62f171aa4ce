import { describe, expect, it } from "vitest";
import type { IsWritingEvent, LinkEvent, ReceiptEvent, UserAddedEvent, UserLeftEvent, ContactEndedEvent } from "@parley/protocol";
import { useFakeServer } from "./support/fake-server.js";
import {
  AGENT_REF,
  CHAT_ID,
  CUSTOMER_REF,
  collect,
  fullUser,
  historyEntry,
  joinResult,
  joined,
  loggedIn,
  messageId,
  nextEvent,
  rejection,
  textMessage,
} from "./support/fixtures.js";

const fake = useFakeServer();

describe("joinContact", () => {
  it("sends join and builds the contact from the reply", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const joining = sdk.LIVECHAT.joinContact(CHAT_ID);
    const frame = await conn.next("join");
    expect(frame).toEqual({ t: "join", rid: frame.rid, chatId: CHAT_ID }); // nickname optional, no afterSeq
    const history = { messages: [historyEntry(1), historyEntry(2)], hasMore: true };
    conn.reply(frame.rid, {
      contact: { id: CHAT_ID, status: "active", createdAt: "2025-01-01T09:59:00.000Z", endedAt: null },
      user: fullUser(AGENT_REF),
      participants: [fullUser(CUSTOMER_REF), fullUser(AGENT_REF)],
      lastSeq: 7,
      history,
    });
    const contact = await joining;
    expect(contact.contact).toEqual({ id: CHAT_ID, status: "active", createdAt: "2025-01-01T09:59:00.000Z", endedAt: null });
    expect(contact.user.id).toBe(AGENT_REF.id);
    expect(contact.participants.map((p) => p.nickname)).toEqual(["Bob", "Ann"]);
    expect(contact.lastSeq).toBe(7);
    expect(contact.history).toEqual(history);
    expect(contact.hasEnded).toBe(false);
    expect(await sdk.LIVECHAT.joinContact(CHAT_ID)).toBe(contact);
    await sdk.LIVECHAT.logout();
  });

  it("rejects with the server's code", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const joining = sdk.LIVECHAT.joinContact(CHAT_ID, "Ann");
    const frame = await conn.next("join");
    expect(frame.nickname).toBe("Ann");
    conn.replyError(frame.rid, "CONTACT_NOT_FOUND", "No chat with that id.", { chatId: CHAT_ID });
    const error = await rejection(joining);
    expect(error).toMatchObject({ name: "LiveChatError", code: "CONTACT_NOT_FOUND", details: { chatId: CHAT_ID } });
    await sdk.LIVECHAT.logout();
  });
});

describe("events", () => {
  it("hands each event to its callback with the exact payload and sends received receipts", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);

    const message = textMessage(1);
    const gotMessage = nextEvent(contact, "message");
    conn.event(CHAT_ID, 1, "message", message);
    expect(await gotMessage).toEqual(message);
    const delivered = await conn.next("receipt");
    expect(delivered).toEqual({ t: "receipt", rid: delivered.rid, chatId: CHAT_ID, messageId: message.id, kind: "received" });
    conn.reply(delivered.rid as number, { seq: null });

    const link: LinkEvent = { id: messageId(2), chatId: CHAT_ID, messageType: "LINK", content: { url: "https://x.test/a", user: CUSTOMER_REF }, ts: "t" };
    const gotLink = nextEvent(contact, "link");
    conn.event(CHAT_ID, 2, "link", link);
    expect(await gotLink).toEqual(link);
    expect((await conn.next("receipt")).messageId).toBe(link.id);

    const receipt: ReceiptEvent = { messageID: messageId(9), chatId: CHAT_ID, user: CUSTOMER_REF, ts: "t" };
    const gotReceived = nextEvent(contact, "messageReceived");
    conn.event(CHAT_ID, 3, "messageReceived", receipt);
    expect((await gotReceived).messageID).toBe(messageId(9));
    const gotSeen = nextEvent(contact, "messageSeen");
    conn.event(CHAT_ID, 4, "messageSeen", receipt);
    expect(await gotSeen).toEqual(receipt);

    const third = { id: "USER_33333333-3333-4333-8333-333333333333", nickname: "Sup", isAgent: true };
    const added: UserAddedEvent = { chatId: CHAT_ID, user: fullUser(third), ts: "t" };
    const gotAdded = nextEvent(contact, "userAdded");
    conn.event(CHAT_ID, 5, "userAdded", added);
    expect(await gotAdded).toEqual(added);
    expect(contact.participants.map((p) => p.id)).toContain(third.id);

    const left: UserLeftEvent = { chatId: CHAT_ID, user: third, ts: "t" };
    const gotLeft = nextEvent(contact, "userLeft");
    conn.event(CHAT_ID, 6, "userLeft", left);
    expect(await gotLeft).toEqual(left);
    expect(contact.participants.map((p) => p.id)).not.toContain(third.id);

    const writing: IsWritingEvent = { bwrite: true, chatId: CHAT_ID, user: CUSTOMER_REF };
    const gotWriting = nextEvent(contact, "isWriting");
    conn.send({ t: "signal", chatId: CHAT_ID, name: "isWriting", data: writing });
    expect(await gotWriting).toEqual(writing);

    const ended: ContactEndedEvent = { chatId: CHAT_ID, user: CUSTOMER_REF, reason: "endedByParticipant", ts: "2025-01-01T11:00:00.000Z" };
    const gotEnded = nextEvent(contact, "contactEnded");
    conn.event(CHAT_ID, 7, "contactEnded", ended);
    expect(await gotEnded).toEqual(ended);
    expect(contact.hasEnded).toBe(true);
    expect(contact.contact).toMatchObject({ status: "ended", endedAt: ended.ts });
    expect(contact.lastSeq).toBe(7);
    expect((await rejection(contact.sendMessage("late"))).code).toBe("CONTACT_ENDED");
    await sdk.LIVECHAT.logout();
  });

  it("does not hand the user's own messages, receipts, typing and join back, but advances lastSeq", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const messages = collect(contact, "message");
    const added = collect(contact, "userAdded");
    const seen = collect(contact, "messageSeen");
    const writing = collect(contact, "isWriting");
    conn.event(CHAT_ID, 1, "message", textMessage(1, AGENT_REF));
    conn.event(CHAT_ID, 2, "userAdded", { chatId: CHAT_ID, user: fullUser(AGENT_REF), ts: "t" });
    conn.event(CHAT_ID, 3, "messageSeen", { messageID: messageId(0), chatId: CHAT_ID, user: AGENT_REF, ts: "t" });
    conn.send({ t: "signal", chatId: CHAT_ID, name: "isWriting", data: { bwrite: true, chatId: CHAT_ID, user: AGENT_REF } });
    const last = nextEvent(contact, "message");
    conn.event(CHAT_ID, 4, "message", textMessage(4));
    await last;
    expect(messages.map((m) => m.id)).toEqual([messageId(4)]);
    expect(added).toEqual([]);
    expect(seen).toEqual([]);
    expect(writing).toEqual([]);
    expect(contact.lastSeq).toBe(4);
    // Only the other participant's message got a receipt.
    const receipt = await conn.next("receipt");
    expect(receipt.messageId).toBe(messageId(4));
    expect(conn.received.filter((f) => f.t === "receipt")).toHaveLength(1);
    await sdk.LIVECHAT.logout();
  });

  it("drops replayed or repeated sequence numbers", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn, { lastSeq: 10 });
    const messages = collect(contact, "message");
    conn.event(CHAT_ID, 9, "message", textMessage(9));
    conn.event(CHAT_ID, 10, "message", textMessage(10));
    conn.event(CHAT_ID, 11, "message", textMessage(11));
    conn.event(CHAT_ID, 11, "message", textMessage(11));
    const last = nextEvent(contact, "message");
    conn.event(CHAT_ID, 12, "message", textMessage(12));
    await last;
    expect(messages.map((m) => m.id)).toEqual([messageId(11), messageId(12)]);
    await sdk.LIVECHAT.logout();
  });

  it("asks for a resume instead of emitting after a gap", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn, { lastSeq: 1 });
    const messages = collect(contact, "message");
    conn.event(CHAT_ID, 3, "message", textMessage(3));
    const resume = await conn.next("join", (f) => f.afterSeq !== undefined);
    expect(resume).toMatchObject({ chatId: CHAT_ID, afterSeq: 1 });
    conn.event(CHAT_ID, 2, "message", textMessage(2));
    conn.event(CHAT_ID, 3, "message", textMessage(3));
    conn.reply(resume.rid, joinResult({ lastSeq: 3 }));
    const next = nextEvent(contact, "message");
    conn.event(CHAT_ID, 4, "message", textMessage(4));
    await next;
    expect(messages.map((m) => m.id)).toEqual([messageId(2), messageId(3), messageId(4)]);
    await sdk.LIVECHAT.logout();
  });
});

describe("sending", () => {
  it("sends text and links with a client id and resolves with the committed message id", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const sending = contact.sendMessage("hello");
    const frame = await conn.next("send");
    expect(frame).toMatchObject({ t: "send", chatId: CHAT_ID, kind: "text", text: "hello" });
    expect(frame.clientId).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    conn.reply(frame.rid, { id: messageId(1), seq: 1, ts: "t", duplicate: false });
    await expect(sending).resolves.toBe(messageId(1));

    const linking = contact.SendLink("https://example.com/page");
    const linkFrame = await conn.next("send", (f) => f.kind === "link");
    expect(linkFrame).toMatchObject({ kind: "link", url: "https://example.com/page" });
    expect(linkFrame.clientId).not.toBe(frame.clientId);
    conn.reply(linkFrame.rid, { id: messageId(2), seq: 2, ts: "t", duplicate: false });
    await expect(linking).resolves.toBe(messageId(2));
    await sdk.LIVECHAT.logout();
  });

  it("paces sends above the announced burst instead of having them refused, in order", async () => {
    const { sdk, conn } = await loggedIn(fake.server, undefined, { messagesBurst: 3, messagesPerSecond: 100 });
    const contact = await joined(sdk, conn);
    const sends = ["a", "b", "c", "d"].map((text) => contact.sendMessage(text));
    const frames = [];
    for (let i = 0; i < 4; i++) frames.push(await conn.next("send"));
    expect(frames.map((f) => (f as { text: string }).text)).toEqual(["a", "b", "c", "d"]);
    frames.forEach((f, i) => conn.reply(f.rid, { id: messageId(i + 1), seq: i + 1, ts: "t", duplicate: false }));
    expect(await Promise.all(sends)).toEqual([1, 2, 3, 4].map(messageId));
    await sdk.LIVECHAT.logout();
  });

  it("rejects with the server's code and forgets the send", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const sending = contact.sendMessage("again");
    const frame = await conn.next("send");
    conn.replyError(frame.rid, "CLIENT_ID_REUSED", "reused", { clientId: frame.clientId });
    expect(await rejection(sending)).toMatchObject({ code: "CLIENT_ID_REUSED", details: { clientId: frame.clientId } });
    await sdk.LIVECHAT.logout();
  });

  it("re-sends a send refused with RATE_LIMITED after retryAfterMs, same clientId, in order", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const first = contact.sendMessage("one");
    const second = contact.sendMessage("two");
    const a = await conn.next("send");
    const b = await conn.next("send");
    conn.replyError(a.rid, "RATE_LIMITED", "slow down", { retryAfterMs: 20 });
    conn.replyError(b.rid, "RATE_LIMITED", "slow down", { retryAfterMs: 20 });
    const a2 = await conn.next("send");
    const b2 = await conn.next("send");
    expect([a2.clientId, b2.clientId]).toEqual([a.clientId, b.clientId]);
    conn.reply(a2.rid, { id: messageId(1), seq: 1, ts: "t", duplicate: false });
    conn.reply(b2.rid, { id: messageId(2), seq: 2, ts: "t", duplicate: false });
    expect(await Promise.all([first, second])).toEqual([messageId(1), messageId(2)]);
    await sdk.LIVECHAT.logout();
  });

  it("validates locally with the server's codes and sends nothing for a refused message", async () => {
    const { sdk, conn } = await loggedIn(fake.server, undefined, { maxTextLength: 20, maxFrameBytes: 200 });
    const contact = await joined(sdk, conn);
    expect((await rejection(contact.sendMessage(""))).code).toBe("TEXT_EMPTY");
    expect((await rejection(contact.sendMessage("   "))).code).toBe("TEXT_EMPTY");
    expect((await rejection(contact.sendMessage("x".repeat(21)))).code).toBe("TEXT_TOO_LONG");
    // 20 control characters: within the length, but JSON escapes each as 6 bytes, over the frame size.
    expect((await rejection(contact.sendMessage("\u0001".repeat(20)))).code).toBe("FRAME_TOO_LARGE");
    expect((await rejection(contact.SendLink("javascript:alert(1)"))).code).toBe("INVALID_URL");
    expect((await rejection(contact.SendLink("not a url"))).code).toBe("INVALID_URL");
    expect((await rejection(contact.SendMultimediaMessage("IMAGE", {}))).code).toBe("MEDIA_EMPTY");
    const ok = contact.sendMessage("fine");
    const frame = await conn.next("send");
    expect(frame).toMatchObject({ text: "fine" });
    expect(conn.received.filter((f) => f.t === "send")).toHaveLength(1);
    conn.reply(frame.rid, { id: messageId(1), seq: 1, ts: "t", duplicate: false });
    await ok;
    await sdk.LIVECHAT.logout();
  });

  it("after contactEnded: a written send gets the server's answer, new sends reject at once", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const committed = contact.sendMessage("just in time");
    const refused = contact.sendMessage("too late");
    const first = await conn.next("send");
    const second = await conn.next("send");
    conn.event(CHAT_ID, 1, "contactEnded", { chatId: CHAT_ID, user: CUSTOMER_REF, reason: "endedByParticipant", ts: "t" });
    conn.reply(first.rid, { id: messageId(9), seq: 0, ts: "t", duplicate: false });
    conn.replyError(second.rid, "CONTACT_ENDED");
    await expect(committed).resolves.toBe(messageId(9));
    expect((await rejection(refused)).code).toBe("CONTACT_ENDED");
    expect((await rejection(contact.sendMessage("after"))).code).toBe("CONTACT_ENDED");
    await sdk.LIVECHAT.logout();
  });

  it("markSeen sends a seen receipt with a rid and resolves on the reply", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const marking = contact.markSeen(messageId(3));
    const frame = await conn.next("receipt");
    expect(frame).toEqual({ t: "receipt", rid: frame.rid, chatId: CHAT_ID, messageId: messageId(3), kind: "seen" });
    conn.reply(frame.rid as number, { seq: 5 });
    await expect(marking).resolves.toBeUndefined();
    await sdk.LIVECHAT.logout();
  });

  it("throttles typing: one true per burst, then false", async () => {
    let now = 1_000;
    const { sdk, conn } = await loggedIn(fake.server, undefined, {}, { now: () => now });
    const contact = await joined(sdk, conn);
    contact.isWriting(true);
    now += 1_000;
    contact.isWriting(true);
    contact.isWriting(false);
    contact.isWriting(false);
    const first = await conn.next("typing");
    const second = await conn.next("typing");
    expect([first.bwrite, second.bwrite]).toEqual([true, false]);
    now += 5_000;
    contact.isWriting(true);
    expect((await conn.next("typing")).bwrite).toBe(true);
    expect(conn.received.filter((f) => f.t === "typing")).toHaveLength(3);
    await sdk.LIVECHAT.logout();
  });
});

describe("leave and end", () => {
  it("endContact sends end; leave sends leave and the contact stops", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const contact = await joined(sdk, conn);
    const ending = sdk.LIVECHAT.endContact(contact);
    const end = await conn.next("end");
    expect(end).toMatchObject({ chatId: CHAT_ID });
    conn.reply(end.rid, { seq: 1 });
    await ending;

    const leaving = sdk.LIVECHAT.leave(CHAT_ID);
    const leave = await conn.next("leave");
    conn.reply(leave.rid, { seq: 2 });
    await leaving;
    expect((await rejection(contact.sendMessage("x"))).code).toBe("NOT_JOINED");
    expect((await rejection(sdk.LIVECHAT.getChatHistory(CHAT_ID, true))).code).toBe("NOT_JOINED");
    expect((await rejection(sdk.LIVECHAT.leave(CHAT_ID))).code).toBe("NOT_JOINED");
    await sdk.LIVECHAT.logout();
  });
});
