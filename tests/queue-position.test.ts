/**
 * A waiting customer's place in the queue reaches the SDK as the contact's
 * `queuePosition` event: a real server, a real socket through a relay that
 * adds the `queuePosition` frames (the routing side sends them), and the Node
 * SDK as the customer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk, type QueuePosition } from "@parley/sdk";
import { startFrameRelay, type FrameRelay } from "./support/frame-relay.js";
import { startServer, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

let parley: InProcessServer;
let relay: FrameRelay;

beforeAll(async () => {
  parley = await startServer();
  relay = await startFrameRelay(parley.url);
});

afterAll(async () => {
  await relay?.close();
  await parley?.close();
});

describe("queuePosition", () => {
  it("is emitted by the waiting chat's contact with the frame's payload, in order, and not by another chat's", async () => {
    const sdk = createLiveChatSdk();
    sdk.init({ serverUrl: relay.url });
    const contact = await sdk.LIVECHAT.startContact({ nickname: "Rosa" });
    const positions: QueuePosition[] = [];
    contact.on("queuePosition", (event) => positions.push(event));
    await waitFor(() => relay.openSockets() === 1, () => "the customer's socket through the relay");

    const chatId = contact.contact.id;
    relay.inject({ t: "queuePosition", chatId: "CHAT_00000000-0000-4000-8000-000000000000", queue: "sales", position: 9, etaSeconds: 900 });
    relay.inject({ t: "queuePosition", chatId, queue: "support", position: 3, etaSeconds: null });
    relay.inject({ t: "queuePosition", chatId, queue: "support", position: 2, etaSeconds: 120 });
    relay.inject({ t: "queuePosition", chatId, queue: "support", position: 0, etaSeconds: 0 });
    await waitFor(() => positions.length === 3, () => `three positions, got ${JSON.stringify(positions)}`);
    expect(positions).toEqual([
      { queue: "support", position: 3, etaSeconds: null },
      { queue: "support", position: 2, etaSeconds: 120 },
      { queue: "support", position: 0, etaSeconds: 0 },
    ]);
    // The chat goes on as before: the frame is an addition, not a disturbance.
    expect(typeof (await contact.sendMessage("Still here"))).toBe("string");
    await sdk.LIVECHAT.logout();
  });
});
