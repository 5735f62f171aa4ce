import { expect, it } from "vitest";
import { MemoryBroker, MemoryBus } from "../src/bus/memory.js";
import { parseChatBusMessage } from "../src/chat/bus-messages.js";
import { busContract } from "./bus.contract.js";

busContract("memory", {
  create() {
    const broker = new MemoryBroker();
    const nodes: MemoryBus[] = [];
    return Promise.resolve({
      node: () => {
        const bus = new MemoryBus({ broker });
        nodes.push(bus);
        return Promise.resolve(bus);
      },
      cleanup: async () => {
        for (const bus of nodes) await bus.close();
      },
    });
  },
});

it("drops a malformed envelope and reports it", async () => {
  const broker = new MemoryBroker();
  const malformed: string[] = [];
  const got: unknown[] = [];
  let done: () => void = () => {};
  const delivered = new Promise<void>((r) => (done = r));
  const bus = new MemoryBus({ broker, onMalformed: (raw) => malformed.push(raw) });
  bus.subscribe("ch", (m) => {
    got.push(m);
    done();
  });
  broker.publishRaw("ch", "{not json");
  broker.publishRaw("ch", JSON.stringify({ message: "no node" }));
  broker.publishRaw("ch", JSON.stringify({ node: "other", message: "ok" }));
  await delivered;
  expect(got).toEqual(["ok"]);
  expect(malformed).toHaveLength(2);
});

it("validates chat messages from the bus before use", () => {
  const chatId = "CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d";
  const user = { id: "USER_eaa2e7c0-9c26-40db-b720-d777ab68078d", nickname: "A", isAgent: true };
  const good = {
    kind: "event",
    tenant: "acme",
    event: { chatId, seq: 3, id: "MSG_x", name: "message", userId: user.id, ts: "t", data: { id: "MSG_x", chatId, messageType: "TEXT", content: { text: "hi", user }, ts: "t" } },
  };
  expect(parseChatBusMessage(good)?.kind).toBe("event");
  expect(parseChatBusMessage({ ...good, event: { ...good.event, seq: 0 } })).toBeUndefined();
  expect(parseChatBusMessage({ ...good, event: { ...good.event, name: "nope" } })).toBeUndefined();
  expect(parseChatBusMessage({ ...good, event: { ...good.event, data: { ...good.event.data, chatId: "CHAT_other" } } })).toBeUndefined();
  expect(parseChatBusMessage({ ...good, event: { ...good.event, data: { text: "no content" } } })).toBeUndefined();
  // A message names its tenant, a valid tenant name.
  expect(parseChatBusMessage({ ...good, tenant: undefined })).toBeUndefined();
  expect(parseChatBusMessage({ ...good, tenant: "Not A Tenant" })).toBeUndefined();
  expect(parseChatBusMessage({ kind: "signal", tenant: "acme", chatId, data: { bwrite: true, chatId, user } })).toMatchObject({ kind: "signal", tenant: "acme" });
  expect(parseChatBusMessage({ kind: "signal", chatId, data: { bwrite: true, chatId, user } })).toBeUndefined();
  expect(parseChatBusMessage({ kind: "signal", tenant: "acme", chatId, data: { bwrite: "yes", chatId, user } })).toBeUndefined();
  expect(parseChatBusMessage(null)).toBeUndefined();
  expect(parseChatBusMessage("string")).toBeUndefined();
});
