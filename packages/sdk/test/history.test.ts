import { describe, expect, it } from "vitest";
import { useFakeServer } from "./support/fake-server.js";
import { CHAT_ID, OTHER_CHAT_ID, historyEntry, joined, loggedIn, rejection } from "./support/fixtures.js";

const fake = useFakeServer();

describe("getChatHistory", () => {
  it("fetches every page with beforeSeq and returns all messages oldest first", async () => {
    const { sdk, conn } = await loggedIn(fake.server, undefined, { maxHistoryPage: 2 });
    await joined(sdk, conn, { lastSeq: 5 });
    const loading = sdk.LIVECHAT.getChatHistory(CHAT_ID, true);
    const first = await conn.next("history");
    expect(first).toEqual({ t: "history", rid: first.rid, chatId: CHAT_ID, limit: 2 });
    conn.reply(first.rid, { messages: [historyEntry(4), historyEntry(5)], hasMore: true });
    const second = await conn.next("history");
    expect(second).toMatchObject({ beforeSeq: 4, limit: 2 });
    conn.reply(second.rid, { messages: [historyEntry(2), historyEntry(3)], hasMore: true });
    const third = await conn.next("history");
    expect(third.beforeSeq).toBe(2);
    conn.reply(third.rid, { messages: [historyEntry(1)], hasMore: false });
    const history = await loading;
    expect(history.messages.map((m) => m.data.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(history.messages[0]).toEqual(historyEntry(1));
    await sdk.LIVECHAT.logout();
  });

  it("rejects with NOT_JOINED for a chat not joined in this session", async () => {
    const { sdk, conn } = await loggedIn(fake.server);
    await joined(sdk, conn);
    expect((await rejection(sdk.LIVECHAT.getChatHistory(OTHER_CHAT_ID, true))).code).toBe("NOT_JOINED");
    await sdk.LIVECHAT.logout();
  });
});
