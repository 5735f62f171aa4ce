/** The agents' chat feed on the session's socket: snapshot, changes, and a fresh snapshot after each reconnect. */
import { describe, expect, it } from "vitest";
import type { ChatListItem, ChatSummary, MessagePreview } from "@parley/protocol";
import { createLiveChatSdk } from "../src/index.node.js";
import type { ChatFeedEvent } from "../src/types.js";
import { useFakeServer, WAIT_MS } from "./support/fake-server.js";
import { AGENT, CHAT_ID, CUSTOMER_REF, OTHER_CHAT_ID, TEST_OPTIONS, collectSession, loggedIn, nextSessionEvent, nextState, rejection } from "./support/fixtures.js";

const fake = useFakeServer();

function summary(id: string, overrides: Partial<ChatSummary> = {}): ChatSummary {
  return { id, status: "waiting", nickname: "Bob", createdAt: "2025-01-01T10:00:00.000Z", endedAt: null, agents: [], lastSeq: 1, ...overrides };
}

function item(id: string, overrides: Partial<ChatListItem> = {}): ChatListItem {
  return { ...summary(id), firstMessage: null, callData: {}, ...overrides };
}

const PREVIEW: MessagePreview = { id: "MSG_1", kind: "text", text: "Hello?", user: CUSTOMER_REF, ts: "2025-01-01T10:00:01.000Z" };

/** Collects the feed's events; `until` resolves once `count` have arrived. */
function recorder() {
  const events: ChatFeedEvent[] = [];
  let waiter: { count: number; resolve(): void } | undefined;
  return {
    events,
    listener: (event: ChatFeedEvent) => {
      events.push(event);
      if (waiter && events.length >= waiter.count) waiter.resolve();
    },
    until(count: number): Promise<void> {
      if (events.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${count} feed events expected within ${WAIT_MS} ms, got ${JSON.stringify(events)}`)), WAIT_MS);
        waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
    },
  };
}

describe("watchChats", () => {
  it("resolves with the snapshot, then applies every change; an older view of a chat is ignored", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const feedEvents = recorder();
    const watching = sdk.LIVECHAT.watchChats(feedEvents.listener);
    const ask = await conn.next("watchChats");
    expect(ask).toEqual({ t: "watchChats", rid: ask.rid });
    conn.reply(ask.rid, { chats: [item(CHAT_ID, { lastSeq: 3 })] });
    const feed = await watching;
    expect(feed.isLive).toBe(true);
    expect([...feed.chats.keys()]).toEqual([CHAT_ID]);

    conn.send({ t: "chatFeed", change: "started", chat: summary(OTHER_CHAT_ID) });
    conn.send({ t: "chatFeed", change: "message", chatId: OTHER_CHAT_ID, lastSeq: 2, message: PREVIEW });
    conn.send({ t: "chatFeed", change: "message", chatId: OTHER_CHAT_ID, lastSeq: 3, message: { ...PREVIEW, id: "MSG_2" } });
    conn.send({ t: "chatFeed", change: "updated", chat: summary(CHAT_ID, { lastSeq: 2, status: "active" }) }); // older than the snapshot
    const agent = { id: AGENT.userId, nickname: "Ann", isPresent: true };
    conn.send({ t: "chatFeed", change: "updated", chat: summary(OTHER_CHAT_ID, { lastSeq: 4, status: "active", agents: [agent] }) });
    conn.send({ t: "chatFeed", change: "ended", chat: summary(CHAT_ID, { lastSeq: 9, status: "ended", endedAt: "2025-01-01T11:00:00.000Z" }) });
    await feedEvents.until(5);

    expect(feedEvents.events.map((event) => event.change)).toEqual(["snapshot", "started", "message", "updated", "ended"]);
    expect(feedEvents.events[0]).toEqual({ change: "snapshot", chats: [item(CHAT_ID, { lastSeq: 3 })] });
    expect(feedEvents.events[2]).toEqual({ change: "message", chat: item(OTHER_CHAT_ID, { firstMessage: PREVIEW }) });
    // The first message stays the first; a later summary keeps it.
    expect(feed.chats.get(OTHER_CHAT_ID)).toEqual(item(OTHER_CHAT_ID, { lastSeq: 4, status: "active", agents: [agent], firstMessage: PREVIEW }));
    expect(feed.chats.has(CHAT_ID)).toBe(false);
    await sdk.LIVECHAT.logout();
  });

  it("asks again after a reconnect and starts from the fresh snapshot; not live in between", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const feedEvents = recorder();
    const watching = sdk.LIVECHAT.watchChats(feedEvents.listener);
    conn.reply((await conn.next("watchChats")).rid, { chats: [item(CHAT_ID)] });
    const feed = await watching;

    const disconnected = nextState(sdk.LIVECHAT, "disconnected");
    conn.close(4503);
    await disconnected;
    expect(feed.isLive).toBe(false);
    expect([...feed.chats.keys()]).toEqual([CHAT_ID]); // the last known view meanwhile

    const conn2 = await fake.server.nextConnection();
    await conn2.acceptHello(AGENT);
    const again = await conn2.next("watchChats");
    expect(feed.isLive).toBe(false);
    conn2.reply(again.rid, { chats: [item(OTHER_CHAT_ID)] });
    await feedEvents.until(2);
    expect(feedEvents.events[1]).toEqual({ change: "snapshot", chats: [item(OTHER_CHAT_ID)] });
    expect([...feed.chats.keys()]).toEqual([OTHER_CHAT_ID]);
    expect(feed.isLive).toBe(true);
    expect(conn2.received.filter((frame) => frame.t === "watchChats")).toHaveLength(1);
    await sdk.LIVECHAT.logout();
  });

  it("waits for the connection when asked while logging in", async () => {
    const sdk = createLiveChatSdk(TEST_OPTIONS);
    sdk.init({ serverUrl: fake.server.url });
    const login = sdk.LIVECHAT.login("token-1");
    const watching = sdk.LIVECHAT.watchChats(() => undefined);
    const conn = await fake.server.nextConnection();
    await conn.acceptHello(AGENT);
    await login;
    conn.reply((await conn.next("watchChats")).rid, { chats: [] });
    expect((await watching).chats.size).toBe(0);
    await sdk.LIVECHAT.logout();
  });

  it("rejects with the server's refusal (a customer gets FORBIDDEN), and before login with NOT_LOGGED_IN", async () => {
    const { sdk, conn } = await loggedIn(fake.server, { userId: CUSTOMER_REF.id, role: "customer", nickname: "Bob", chatId: CHAT_ID });
    const watching = sdk.LIVECHAT.watchChats(() => undefined);
    conn.replyError((await conn.next("watchChats")).rid, "FORBIDDEN", "Agents only.");
    expect(await rejection(watching)).toMatchObject({ code: "FORBIDDEN" });
    await sdk.LIVECHAT.logout();
    expect(await rejection(sdk.LIVECHAT.watchChats(() => undefined))).toMatchObject({ code: "NOT_LOGGED_IN" });
  });

  it("rejects with LOGGED_OUT when the session ends before the snapshot", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const watching = sdk.LIVECHAT.watchChats(() => undefined);
    await conn.next("watchChats");
    await sdk.LIVECHAT.logout();
    expect(await rejection(watching)).toMatchObject({ code: "LOGGED_OUT" });
  });

  it("reports a refused re-subscription with the error event", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const errors = collectSession(sdk.LIVECHAT, "error");
    const watching = sdk.LIVECHAT.watchChats(() => undefined);
    conn.reply((await conn.next("watchChats")).rid, { chats: [] });
    const feed = await watching;
    conn.close(4503);
    const conn2 = await fake.server.nextConnection();
    await conn2.acceptHello(AGENT);
    const reported = nextSessionEvent(sdk.LIVECHAT, "error");
    conn2.replyError((await conn2.next("watchChats")).rid, "STORE_UNAVAILABLE", "The database is not answering.");
    await reported;
    expect(feed.isLive).toBe(false);
    expect(errors).toMatchObject([{ code: "STORE_UNAVAILABLE", source: "request", request: { t: "watchChats" } }]);
    await sdk.LIVECHAT.logout();
  });

  it("stops: no more changes, nothing asked after a reconnect", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    const feedEvents = recorder();
    const watching = sdk.LIVECHAT.watchChats(feedEvents.listener);
    conn.reply((await conn.next("watchChats")).rid, { chats: [] });
    const feed = await watching;
    feed.stop();
    conn.send({ t: "chatFeed", change: "started", chat: summary(OTHER_CHAT_ID) });
    conn.close(4503);
    const conn2 = await fake.server.nextConnection();
    const connected = nextState(sdk.LIVECHAT, "connected");
    await conn2.acceptHello(AGENT);
    await connected;
    // A request after the welcome goes out after anything the welcome would have sent.
    const joining = sdk.LIVECHAT.joinContact(CHAT_ID).catch(() => undefined);
    await conn2.next("join");
    expect(conn2.received.map((frame) => frame.t)).toEqual(["hello", "join"]);
    expect(feedEvents.events.map((event) => event.change)).toEqual(["snapshot"]);
    expect(feed.isLive).toBe(false);
    await sdk.LIVECHAT.logout();
    await joining;
  });
});
