/** The small rules of webhooks: the retry schedule, which URLs an endpoint may have, which events are announced. */
import { describe, expect, it } from "vitest";
import { DEFAULT_WEBHOOK_TIMING, retryDelay } from "../src/integrations/webhook-worker.js";
import { normaliseWebhookUrl } from "../src/webhooks/endpoint-url.js";
import { webhookTypeOf } from "../src/webhooks/event-types.js";
import { chatEventData } from "../src/webhooks/body.js";

describe("webhooks", () => {
  it("retries after about 10 s, doubling up to an hour, each delay between half and all of it", () => {
    const at = (attempt: number, random: number) => retryDelay(attempt, DEFAULT_WEBHOOK_TIMING, () => random);
    const most = 1 - Number.EPSILON;
    expect([1, 2, 3].map((n) => at(n, most))).toEqual([10_000, 20_000, 40_000]);
    expect(at(1, 0)).toBe(5_000);
    expect(at(20, most)).toBe(3_600_000);
    expect(at(1_000, 0)).toBe(1_800_000);
    // The give-up comes after the day: the last retries of the day are still tried.
    expect(DEFAULT_WEBHOOK_TIMING.giveUpAfterMs).toBeGreaterThan(24 * 60 * 60 * 1000);
  });

  it("takes absolute http(s) URLs only, without credentials or fragments", () => {
    expect(normaliseWebhookUrl("https://crm.example.com/hooks?x=1")).toBe("https://crm.example.com/hooks?x=1");
    expect(normaliseWebhookUrl("http://127.0.0.1:8080/h")).toBe("http://127.0.0.1:8080/h");
    for (const refused of ["ftp://example.com/", "javascript:alert(1)", "/relative", "https://user:pw@example.com/", "https://user@example.com/", "https://example.com/#frag", "not a url"]) {
      expect(normaliseWebhookUrl(refused), refused).toBeUndefined();
    }
  });

  it("announces the start, an agent's join and leave, messages and the end; not receipts or a customer's return", () => {
    const agent = { user: { isAgent: true } };
    const customer = { user: { isAgent: false } };
    expect(webhookTypeOf("userAdded", customer, 1)).toBe("chat.started");
    expect(webhookTypeOf("userAdded", agent, 4)).toBe("chat.assigned");
    expect(webhookTypeOf("userAdded", customer, 4)).toBeUndefined();
    expect(webhookTypeOf("userLeft", agent, 5)).toBe("agent.left");
    expect(webhookTypeOf("userLeft", customer, 5)).toBeUndefined();
    for (const name of ["message", "link", "multimediaMessage"]) expect(webhookTypeOf(name, {}, 2)).toBe("message.created");
    expect(webhookTypeOf("contactEnded", {}, 9)).toBe("chat.ended");
    for (const name of ["messageReceived", "messageSeen", "multimediaMessageStored", "somethingNew"]) expect(webhookTypeOf(name, {}, 3)).toBeUndefined();
  });

  it("never puts a file's bytes in a body", () => {
    const data = chatEventData("multimediaMessage", { id: "MSG_1", chatId: "CHAT_1", content: { caption: "c", inline: true, img: "AAAA", document: "BBBB" } }, 3);
    expect(data).toEqual({ id: "MSG_1", chatId: "CHAT_1", content: { caption: "c", inline: false }, event: "multimediaMessage", seq: 3 });
  });
});
