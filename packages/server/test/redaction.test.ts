import { describe, expect, it } from "vitest";
import { ERASED, redactEventData } from "../src/store/redaction.js";

const customer = { id: "USER_c", nickname: "Dana", isAgent: false };
const agent = { id: "USER_a", nickname: "Alice", isAgent: true };

describe("redactEventData", () => {
  it("erases texts, links, captions and file names, and the customer wherever they are named", () => {
    expect(redactEventData("message", { id: "MSG_1", content: { text: "my card 4111", user: customer }, ts: "t" }, "USER_c")).toEqual({
      id: "MSG_1",
      content: { text: ERASED, user: { ...customer, nickname: ERASED } },
      ts: "t",
    });
    expect(redactEventData("link", { content: { url: "https://me.example/dana", user: agent } }, "USER_c")).toEqual({
      content: { url: ERASED, user: agent },
    });
    expect(
      redactEventData("multimediaMessage", { content: { caption: "passport", fileName: "dana-passport.jpg", inline: true, img: "AAAA", thumbnail: { url: "x" }, size: 5, user: customer } }, "USER_c"),
    ).toEqual({ content: { caption: ERASED, fileName: "erased", inline: false, size: 5, user: { ...customer, nickname: ERASED } } });
    expect(
      redactEventData(
        "userAdded",
        { chatId: "CHAT_1", user: { ...customer, userAgent: "UA", firstUri: "https://shop/x", firstTitle: "T", firstIP: "203.0.113.9", channel: "web" } },
        "USER_c",
      ),
    ).toEqual({ chatId: "CHAT_1", user: { ...customer, nickname: ERASED, userAgent: null, firstUri: null, firstTitle: null, firstIP: null, channel: "web" } });
  });

  it("leaves what names no one and says nothing (receipts of agents, the end) as it was, and is stable when run again", () => {
    const receipt = { messageID: "MSG_1", chatId: "CHAT_1", user: agent, ts: "t" };
    expect(redactEventData("messageSeen", receipt, "USER_c")).toEqual(receipt);
    const once = redactEventData("message", { content: { text: "hi", user: customer } }, "USER_c");
    expect(redactEventData("message", once, "USER_c")).toEqual(once);
  });
});
