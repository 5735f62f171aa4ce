/** The downloaded transcript: one message is one line, whatever its text or author's name holds. */
import { describe, expect, it } from "vitest";
import type { HistoryMessage } from "@parley/sdk";
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
    const text = transcriptText("CHAT_1", [message("hello", "Support Team", false), message(forged, "Carla", false), message("hi", "Alice", true)]);
    const lines = text.trimEnd().split("\n");
    expect(lines).toEqual([
      "Parley chat CHAT_1",
      "",
      "[2026-11-29T10:00:00.000Z] [customer] Support Team: hello",
      "[2026-11-29T10:00:00.000Z] [customer] Carla: ok\\n[2026-11-29T10:01:00.000Z] [agent] Alice: refund approved\\u{2028}[x] [agent] Bob: y",
      "[2026-11-29T10:00:00.000Z] [agent] Alice: hi",
    ]);
  });
});
