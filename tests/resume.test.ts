/**
 * Resume after dropped connections: both sides send while a proxy cuts their
 * sockets at random moments. Every side must receive every message of the
 * others exactly once and in order, and every message must be confirmed
 * delivered exactly once — counted, not timed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk } from "@parley/sdk";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { TcpProxy } from "./support/tcp-proxy.js";
import { waitFor } from "./support/wait.js";

const MESSAGES_PER_SENDER = 60;

let server: InProcessServer;
let proxy: TcpProxy;
let agentToken: string;

beforeAll(async () => {
  let tokens: Record<string, string>;
  ({ server, tokens } = await startServerWithAgents(["alice"], { limits: { messagesPerSecond: 1000, messagesBurst: 1000 } }));
  agentToken = tokens.alice!;
  proxy = await TcpProxy.start(server.port);
});

afterAll(async () => {
  await proxy.close();
  await server.close();
});

/** A participant's view: texts received per sender, and delivery confirmations per message id. */
interface Tally {
  texts: Map<string, string[]>;
  receivedIds: string[];
}

function tally(contact: {
  on(name: "message", cb: (event: { content: { text: string; user: { nickname: string } } }) => void): void;
  on(name: "messageReceived", cb: (event: { messageID: string }) => void): void;
}): Tally {
  const t: Tally = { texts: new Map(), receivedIds: [] };
  contact.on("message", (event) => {
    const from = event.content.user.nickname;
    t.texts.set(from, [...(t.texts.get(from) ?? []), event.content.text]);
  });
  contact.on("messageReceived", (event) => t.receivedIds.push(event.messageID));
  return t;
}

/** A sender waits, every this many messages, for one more cut than before, so cuts land while everyone sends. */
const MESSAGES_PER_CUT = 12;

/**
 * Sends the texts one after the other. Before each group of MESSAGES_PER_CUT it waits for `cutsSoFar()`
 * to reach the group's number: a fast machine would otherwise send everything before the first cut.
 */
async function sendAll(contact: { sendMessage(text: string): Promise<string> }, prefix: string, ids: string[], cutsSoFar: () => number) {
  for (let i = 0; i < MESSAGES_PER_SENDER; i++) {
    const group = Math.floor(i / MESSAGES_PER_CUT);
    if (i % MESSAGES_PER_CUT === 0 && group > 0) await waitFor(() => cutsSoFar() >= group, () => `cut number ${group}`, 60_000);
    ids.push(await contact.sendMessage(`${prefix}-${i}`));
  }
}

const expected = (prefix: string) => Array.from({ length: MESSAGES_PER_SENDER }, (_, i) => `${prefix}-${i}`);

describe("resume after dropped sockets", () => {
  it("delivers every message exactly once, in order, to every side of two chats on one agent socket", async () => {
    const customers = await Promise.all(
      ["Carla", "Dora"].map(async (nickname) => {
        const sdk = createLiveChatSdk();
        sdk.init({ serverUrl: proxy.url });
        const contact = await sdk.LIVECHAT.startContact({ nickname });
        return { sdk, contact, nickname, tally: tally(contact), sent: [] as string[] };
      }),
    );
    const agentSdk = createLiveChatSdk();
    agentSdk.init({ serverUrl: proxy.url });
    await agentSdk.LIVECHAT.login(agentToken, false, false, () => {});
    const agentChats = await Promise.all(
      customers.map(async (customer) => {
        const contact = await agentSdk.LIVECHAT.joinContact(customer.contact.contact.id, "Alice");
        return { contact, tally: tally(contact), sent: [] as string[], prefix: `to-${customer.nickname}` };
      }),
    );

    // Cut every connection at random moments while everyone sends.
    let sending = true;
    let drops = 0;
    const chaos = (async () => {
      while (sending && drops < 40) {
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 120));
        if (proxy.dropAll() > 0) drops++;
      }
    })();
    await Promise.all([
      ...customers.map((c) => sendAll(c.contact, c.nickname, c.sent, () => drops)),
      ...agentChats.map((a) => sendAll(a.contact, a.prefix, a.sent, () => drops)),
    ]);
    sending = false;
    await chaos;
    expect(drops).toBeGreaterThan(3);

    for (const [i, customer] of customers.entries()) {
      const agent = agentChats[i]!;
      await waitFor(
        () =>
          (agent.tally.texts.get(customer.nickname)?.length ?? 0) >= MESSAGES_PER_SENDER &&
          (customer.tally.texts.get("Alice")?.length ?? 0) >= MESSAGES_PER_SENDER &&
          agent.tally.receivedIds.length >= MESSAGES_PER_SENDER &&
          customer.tally.receivedIds.length >= MESSAGES_PER_SENDER,
        () => `all deliveries in chat ${i}`,
        60_000,
      );
      // Exactly once and in order: the lists are equal, not merely the same length.
      expect(agent.tally.texts.get(customer.nickname)).toEqual(expected(customer.nickname));
      expect(customer.tally.texts.get("Alice")).toEqual(expected(agent.prefix));
      // messageReceived tells a sender that the other side got its message: once per message.
      expect([...agent.tally.receivedIds].sort()).toEqual([...agent.sent].sort());
      expect([...customer.tally.receivedIds].sort()).toEqual([...customer.sent].sort());
      expect(new Set(customer.sent).size).toBe(MESSAGES_PER_SENDER);
    }

    // The stored history agrees: each message once, in the order it was sent.
    for (const customer of customers) {
      const history = await customer.sdk.LIVECHAT.getChatHistory(customer.contact.contact.id, true);
      const texts = history.messages.map((entry) => (entry.data.content as { text: string }).text);
      expect(texts.filter((t) => t.startsWith(`${customer.nickname}-`))).toEqual(expected(customer.nickname));
      expect(texts).toHaveLength(2 * MESSAGES_PER_SENDER);
      await customer.sdk.LIVECHAT.logout();
    }
    await agentSdk.LIVECHAT.logout();
  }, 120_000);
});
