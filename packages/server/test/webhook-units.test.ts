/** The small rules of webhooks: the retry schedule, which URLs and addresses an endpoint may have, which events are announced. */
import { describe, expect, it } from "vitest";
import { DEFAULT_WEBHOOK_TIMING, retryDelay } from "../src/integrations/webhook-worker.js";
import { normaliseWebhookUrl } from "../src/webhooks/endpoint-url.js";
import { announcementsOf, webhookTypesOf } from "../src/webhooks/event-types.js";
import { announcementData, chatEventData } from "../src/webhooks/body.js";
import { isPrivateAddress } from "../src/webhooks/private-address.js";

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

  it("announces the start and its wait, an agent's join and leave, messages, transfers, call data and the end; not receipts or a customer's return", () => {
    const agent = { user: { isAgent: true } };
    const customer = { user: { isAgent: false } };
    expect(webhookTypesOf("userAdded", customer, 1)).toEqual(["chat.started", "chat.queued"]);
    expect(webhookTypesOf("userAdded", agent, 4)).toEqual(["chat.assigned"]);
    expect(webhookTypesOf("userAdded", customer, 4)).toEqual([]);
    expect(webhookTypesOf("userLeft", agent, 5)).toEqual(["agent.left", "chat.queued"]);
    expect(webhookTypesOf("userLeft", customer, 5)).toEqual([]);
    for (const name of ["message", "link", "multimediaMessage", "richMessage"]) expect(webhookTypesOf(name, {}, 2)).toEqual(["message.created"]);
    expect(webhookTypesOf("contactTransferred", { to: "agent", queue: null }, 6)).toEqual(["chat.transferred"]);
    expect(webhookTypesOf("contactTransferred", { to: "queue", queue: "sales" }, 6)).toEqual(["chat.transferred", "chat.queued"]);
    expect(webhookTypesOf("callDataChanged", {}, 7)).toEqual(["chat.updated"]);
    expect(webhookTypesOf("contactEnded", {}, 9)).toEqual(["chat.ended"]);
    for (const name of ["messageReceived", "messageSeen", "multimediaMessageStored", "queueNotice", "somethingNew"]) expect(webhookTypesOf(name, {}, 3)).toEqual([]);
  });

  it("queues a chat only when no agent is left in it, in the transfer's queue, and asks the store only for what is sent", () => {
    const asked: string[] = [];
    const facts = (present: boolean) => ({
      callData: () => (asked.push("callData"), { order: "42" }),
      agentPresent: () => (asked.push("agentPresent"), present),
      queue: () => (asked.push("queue"), "default"),
    });
    const everything = () => true;
    const left = { name: "userLeft", data: { chatId: "CHAT_1", user: { isAgent: true } }, seq: 5 };
    expect(announcementsOf(left, everything, facts(true))).toEqual([{ type: "agent.left", extra: {} }]);
    expect(announcementsOf(left, everything, facts(false))).toEqual([
      { type: "agent.left", extra: {} },
      { type: "chat.queued", extra: { queue: "default", callData: { order: "42" } } },
    ]);
    const transfer = { name: "contactTransferred", data: { chatId: "CHAT_1", to: "queue", queue: "sales" }, seq: 6 };
    expect(announcementsOf(transfer, (type) => type === "chat.queued", facts(false))).toEqual([{ type: "chat.queued", extra: { queue: "sales", callData: { order: "42" } } }]);
    asked.length = 0;
    expect(announcementsOf({ name: "message", data: {}, seq: 3 }, everything, facts(false))).toEqual([{ type: "message.created", extra: {} }]);
    expect(announcementsOf({ name: "contactEnded", data: {}, seq: 9 }, (type) => type === "message.created", facts(false))).toEqual([]);
    expect(asked).toEqual([]);
  });

  it("gives a chat.queued its own data: the chat, its queue, its call data, and the event that put it there", () => {
    const data = announcementData("chat.queued", "userLeft", { chatId: "CHAT_1", user: { id: "USER_1" }, ts: "2026-11-30T08:00:00.000Z" }, 5, { queue: "sales", callData: {} });
    expect(data).toEqual({ chatId: "CHAT_1", queue: "sales", callData: {}, ts: "2026-11-30T08:00:00.000Z", event: "userLeft", seq: 5 });
  });

  it("never puts a file's bytes in a body", () => {
    const data = chatEventData("multimediaMessage", { id: "MSG_1", chatId: "CHAT_1", content: { caption: "c", inline: true, img: "AAAA", document: "BBBB" } }, 3);
    expect(data).toEqual({ id: "MSG_1", chatId: "CHAT_1", content: { caption: "c", inline: false }, event: "multimediaMessage", seq: 3 });
  });

  it("tells public addresses from loopback, private, link-local and reserved ones, in IPv4 and IPv6 and IPv6 forms of IPv4", () => {
    const internal = [
      "127.0.0.1", "127.255.0.9", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.10", "169.254.169.254", "169.254.0.1",
      "100.64.0.1", "0.0.0.0", "255.255.255.255", "224.0.0.1", "198.18.0.1", "192.0.2.1",
      "::1", "::", "fe80::1", "fe80::1%eth0", "fd00::1", "fc12:3456::1", "ff02::1", "[::1]",
      "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1", "2002:c0a8:0101::1", "2001:db8::1",
    ];
    const public_ = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "172.32.0.1", "172.15.255.255", "100.128.0.1", "169.255.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:0808:0808::1"];
    for (const address of internal) expect(isPrivateAddress(address), address).toBe(true);
    for (const address of public_) expect(isPrivateAddress(address), address).toBe(false);
    // A name is not an address: it is resolved first, and each of its addresses checked.
    expect(isPrivateAddress("localhost")).toBe(false);
  });
});
