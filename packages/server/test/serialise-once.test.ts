/**
 * An event's payload is serialised once, at commit; the socket frame and the
 * bus envelope are concatenated around that string. These tests hold the
 * concatenated texts to what serialising the whole object would give (so
 * nodes of the previous build and clients read them unchanged), and show a
 * node reusing the payload text it received rather than serialising again —
 * only when the text is laid out as this build writes it.
 */
import { expect, it } from "vitest";
import type { MessageEvent } from "@parley/protocol";
import { envelopeText, parseEnvelope } from "../src/bus/types.js";
import { eventBusMessage, parseChatBusMessage } from "../src/chat/bus-messages.js";
import { eventFrame } from "../src/realtime/hub.js";
import type { CommittedEvent } from "../src/store/types.js";

const chatId = "CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d";
const user = { id: "USER_eaa2e7c0-9c26-40db-b720-d777ab68078d", nickname: "Zoë \"Z\" \\ <b>", isAgent: true };
const data: MessageEvent = { id: "MSG_x", chatId, messageType: "TEXT", content: { text: "hi \u2028 }}\"data\":{", user }, ts: "2026-11-29T22:00:00.000Z" };

function committed(payload: string): CommittedEvent {
  return { chatId, seq: 3, id: "MSG_x", name: "message", userId: user.id, ts: data.ts, data, payload };
}

it("builds the event frame and the bus envelope around the payload, as serialising the whole would", () => {
  const event = committed(JSON.stringify(data));
  expect(eventFrame(event)).toBe(JSON.stringify({ t: "event", chatId, seq: 3, name: "message", data }));
  const { payload: _payload, ...stored } = event;
  const envelope = envelopeText("node-a", eventBusMessage("acme", event));
  expect(envelope).toBe(JSON.stringify({ node: "node-a", message: { kind: "event", tenant: "acme", event: stored } }));
  expect(envelopeText("node-a", { kind: "signal", chatId })).toBe(JSON.stringify({ node: "node-a", message: { kind: "signal", chatId } }));
});

it("reuses the payload text a node received, and checks it as it did before", () => {
  // The same payload written differently (an escaped letter): reused as received, not serialised again.
  const received = JSON.stringify(data).replace('"hi ', '"\\u0068i ');
  const envelope = parseEnvelope(envelopeText("node-a", eventBusMessage("acme", committed(received))));
  const message = parseChatBusMessage(envelope?.message, envelope?.text);
  expect(message?.kind === "event" ? message.event.payload : undefined).toBe(received);
  expect(message?.kind === "event" ? message.event.data : undefined).toEqual(data);

  // A payload failing its schema is dropped, whatever its text.
  const bad = parseEnvelope(envelopeText("node-a", eventBusMessage("acme", committed(JSON.stringify({ ...data, content: { user } })))));
  expect(parseChatBusMessage(bad?.message, bad?.text)).toBeUndefined();
});

it("serialises the checked data again when the received text is laid out otherwise", () => {
  const payload = JSON.stringify(data);
  // A repeated key: the parsed data is the last one, so the text between "data": and the end is not the payload.
  const tricky = `{"node":"node-a","message":{"kind":"event","tenant":"acme","event":{"chatId":"${chatId}","seq":3,"id":"MSG_x","name":"message","userId":"${user.id}","ts":"${data.ts}","data":{"x":1},"data":${payload}}}}`;
  const envelope = parseEnvelope(tricky);
  const message = parseChatBusMessage(envelope?.message, envelope?.text);
  expect(message?.kind === "event" ? message.event.payload : undefined).toBe(payload);
  // Spaces after the colons: parsed and checked alike, then serialised again.
  const spaced = parseEnvelope(JSON.stringify({ node: "node-a", message: JSON.parse(envelopeText("n", eventBusMessage("acme", committed(payload)))).message }, null, 1));
  const again = parseChatBusMessage(spaced?.message, spaced?.text);
  expect(again?.kind === "event" ? again.event.payload : undefined).toBe(payload);
});
