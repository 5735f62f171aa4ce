/**
 * A resolved promise means committed: SIGKILL the server while both sides send,
 * start it again on the same data, and count that every acknowledged message
 * is stored once and reached the other side once, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk } from "@parley/sdk";
import { addAgent, freePort, loginAgent, ServerProcess, tempDataDir } from "./support/server.js";
import { waitFor } from "./support/wait.js";

const MESSAGES = 80;
const KILL_AFTER = 25;

let data: { dir: string; remove: () => Promise<void> };
let server: ServerProcess;

beforeAll(async () => {
  data = await tempDataDir();
  await addAgent(data.dir, "alice", "alice-password");
  server = new ServerProcess(await freePort(), data.dir);
  await server.start();
});

afterAll(async () => {
  await server.stop();
  await data.remove();
});

describe("server killed with SIGKILL during sends", () => {
  it("keeps every acknowledged message, exactly once, and both sides resume", async () => {
    const customerSdk = createLiveChatSdk();
    customerSdk.init({ serverUrl: server.url });
    const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
    const chatId = customer.contact.id;

    const agentSdk = createLiveChatSdk();
    agentSdk.init({ serverUrl: server.url });
    await agentSdk.LIVECHAT.login(await loginAgent(server.url, "alice", "alice-password"), false, false, () => {});
    const agent = await agentSdk.LIVECHAT.joinContact(chatId, "Alice");

    const atAgent: string[] = [];
    const atCustomer: string[] = [];
    agent.on("message", (event) => atAgent.push(event.content.text));
    customer.on("message", (event) => atCustomer.push(event.content.text));

    const acknowledged: string[] = [];
    let killed: Promise<void> | undefined;
    const send = async (contact: typeof customer, prefix: string) => {
      for (let i = 0; i < MESSAGES; i++) {
        await contact.sendMessage(`${prefix}-${i}`);
        acknowledged.push(`${prefix}-${i}`);
        // Kill while sends are in flight on both sides; restart at once so the outboxes drain.
        if (prefix === "c" && i === KILL_AFTER) {
          killed = server.kill().then(() => server.start());
        }
      }
    };
    await Promise.all([send(customer, "c"), send(agent, "a")]);
    await killed;
    expect(acknowledged).toHaveLength(2 * MESSAGES);

    const inOrder = (prefix: string) => Array.from({ length: MESSAGES }, (_, i) => `${prefix}-${i}`);
    await waitFor(
      () => atAgent.length >= MESSAGES && atCustomer.length >= MESSAGES,
      () => `deliveries: agent ${atAgent.length}, customer ${atCustomer.length}`,
      60_000,
    );
    expect(atAgent).toEqual(inOrder("c"));
    expect(atCustomer).toEqual(inOrder("a"));

    // A fresh session reads the store after the crash: every acknowledged message, once.
    const readerSdk = createLiveChatSdk();
    readerSdk.init({ serverUrl: server.url });
    await readerSdk.LIVECHAT.login(await loginAgent(server.url, "alice", "alice-password"), false, false, () => {});
    await readerSdk.LIVECHAT.joinContact(chatId, "Auditor");
    const history = await readerSdk.LIVECHAT.getChatHistory(chatId, true);
    const stored = history.messages.map((entry) => (entry.data.content as { text: string }).text);
    expect([...stored].sort()).toEqual([...acknowledged].sort());
    expect(stored.filter((t) => t.startsWith("c-"))).toEqual(inOrder("c"));
    expect(stored.filter((t) => t.startsWith("a-"))).toEqual(inOrder("a"));

    await Promise.all([customerSdk, agentSdk, readerSdk].map((sdk) => sdk.LIVECHAT.logout()));
  }, 120_000);
});
