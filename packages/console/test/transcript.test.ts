/** The downloaded transcript: one message is one line, whatever its text or author's name holds. */
import { describe, expect, it } from "vitest";
import type { HistoryMessage } from "@parley/sdk";
import type { ChatRecord } from "../src/chat-record.js";
import { escapeLine, transcriptText } from "../src/transcript.js";

const message = (text: string, nickname: string, isAgent: boolean, ts = "2026-11-29T10:00:00.000Z"): HistoryMessage =>
  ({
    id: "MSG_1",
    messageType: "TEXT",
    content: { text, user: { id: "USER_1", nickname, isAgent } },
    ts,
    seq: 2,
    replyTo: null,
    deliverySuccess: true,
    deliveryErrorReason: null,
  }) as unknown as HistoryMessage;

describe("transcript text", () => {
  it("writes line breaks, separators, controls and format characters as visible escapes", () => {
    expect(escapeLine("a\nb\r\nc\td")).toBe("a\\nb\\r\\nc\\td");
    expect(escapeLine("x\u2028y\u2029z")).toBe("x\\u{2028}y\\u{2029}z");
    expect(escapeLine("evil\u202Etxt.exe\u200B\uFEFF\u0007\u0085")).toBe("evil\\u{202E}txt.exe\\u{200B}\\u{FEFF}\\u{7}\\u{85}");
    // A backslash is doubled, so a typed "\n" cannot pass for an escaped line break.
    expect(escapeLine("C:\\new")).toBe("C:\\\\new");
    expect(escapeLine("plain text, émojis 🎉 stay")).toBe("plain text, émojis 🎉 stay");
  });

  it("gives each message one line, marked with its author's role", () => {
    const forged = "ok\n[2026-11-29T10:01:00.000Z] [agent] Alice: refund approved\u2028[x] [agent] Bob: y";
    const text = transcriptText("CHAT_1", [message("hello", "Support Team", false), message(forged, "Carla", false), message("hi", "Alice", true)], { timeZone: "UTC" });
    const lines = text.trimEnd().split("\n");
    expect(lines).toEqual([
      "Parley chat CHAT_1",
      "Customer: not available",
      "E-mail: not available",
      "Page: not available",
      "Browser: not available",
      "Times: UTC (GMT)",
      "",
      "[2026-11-29 10:00:00 GMT] [customer] Support Team: hello",
      "[2026-11-29 10:00:00 GMT] [customer] Carla: ok\\n[2026-11-29T10:01:00.000Z] [agent] Alice: refund approved\\u{2028}[x] [agent] Bob: y",
      "[2026-11-29 10:00:00 GMT] [agent] Alice: hi",
    ]);
  });

  it("heads the transcript with the customer's details and writes joins, leaves and the end in the agent's time zone", () => {
    const record: ChatRecord = {
      customer: { nickname: "Carla", email: null, pageUri: "https://shop.example.com/", pageTitle: "Shop\nHome", browser: "Firefox/140" },
      events: [
        { ts: "2026-11-29T10:00:00.000Z", text: "alice (agent) joined the chat" },
        { ts: "2026-11-29T09:59:00.000Z", text: "Carla (customer) joined the chat" },
        { ts: "2026-11-29T10:05:00.000Z", text: "alice (agent) ended the chat." },
      ],
      ticks: {},
    };
    const text = transcriptText("CHAT_1", [message("hello", "Carla", false, "2026-11-29T10:00:00.000Z")], { record, timeZone: "Europe/Paris" });
    expect(text.trimEnd().split("\n")).toEqual([
      "Parley chat CHAT_1",
      "Customer: Carla",
      "E-mail: not available",
      // A line break in a page title stays on its line too.
      "Page: Shop\\nHome <https://shop.example.com/>",
      "Browser: Firefox/140",
      "Times: Europe/Paris (GMT+1)",
      "",
      "[2026-11-29 10:59:00 GMT+1] * Carla (customer) joined the chat",
      // At the same instant, the join comes before what was written.
      "[2026-11-29 11:00:00 GMT+1] * alice (agent) joined the chat",
      "[2026-11-29 11:00:00 GMT+1] [customer] Carla: hello",
      "[2026-11-29 11:05:00 GMT+1] * alice (agent) ended the chat.",
    ]);
  });

  it("marks the start and end from the chat list when this browser has no record of the chat", () => {
    const text = transcriptText("CHAT_1", [], { outline: { nickname: "Dan", createdAt: "2026-06-01T08:00:00.000Z", endedAt: "2026-06-01T08:30:00.000Z" }, timeZone: "America/New_York" });
    expect(text.trimEnd().split("\n").slice(1)).toEqual([
      "Customer: Dan",
      "E-mail: not available",
      "Page: not available",
      "Browser: not available",
      "Times: America/New_York (GMT-4)",
      "",
      "[2026-06-01 04:00:00 GMT-4] * Dan (customer) started the chat",
      "[2026-06-01 04:30:00 GMT-4] * The chat ended.",
    ]);
  });
});
