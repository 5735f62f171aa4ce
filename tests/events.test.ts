/**
 * Events beyond the seed example, end to end: leaving, typing that expires or
 * stops with its socket, one socket carrying many chats, and the agents' chat
 * feed on that same socket.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk, type ChatFeedEvent } from "@parley/sdk";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { TcpProxy } from "./support/tcp-proxy.js";
import { waitFor } from "./support/wait.js";

let server: InProcessServer;
let agentToken: string;
let bobToken: string;

beforeAll(async () => {
  let tokens: Record<string, string>;
  // A short typing timeout, so the server's own "stopped writing" is observable quickly.
  ({ server, tokens } = await startServerWithAgents(["alice", "bob"], { limits: { typingTimeoutMs: 300 } }));
  agentToken = tokens.alice!;
  bobToken = tokens.bob!;
});

afterAll(async () => {
  await server.close();
});

async function agent(token: string, serverUrl = server.url) {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl });
  await sdk.LIVECHAT.login(token, false, false, () => {});
  return sdk;
}

async function customer(nickname: string) {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: server.url });
  const contact = await sdk.LIVECHAT.startContact({ nickname });
  return { sdk, contact };
}

describe("leaving a chat", () => {
  it("tells the others with userLeft; the leaver gets nothing more; the chat goes on", async () => {
    const carla = await customer("Carla");
    const aliceSdk = await agent(agentToken);
    const bobSdk = await agent(bobToken);
    const alice = await aliceSdk.LIVECHAT.joinContact(carla.contact.contact.id, "Alice");
    const bob = await bobSdk.LIVECHAT.joinContact(carla.contact.contact.id, "Bob");

    const left: string[] = [];
    carla.contact.on("userLeft", (event) => left.push(event.user.nickname));
    const atAlice: string[] = [];
    alice.on("message", (event) => atAlice.push(event.content.text));
    const atBob: string[] = [];
    bob.on("message", (event) => atBob.push(event.content.text));

    await carla.contact.sendMessage("before");
    await waitFor(() => atAlice.includes("before") && atBob.includes("before"), () => "both agents to get 'before'");
    await aliceSdk.LIVECHAT.leave(carla.contact.contact.id);
    await waitFor(() => left.includes("Alice"), () => "userLeft for Alice");

    await carla.contact.sendMessage("after");
    await waitFor(() => atBob.includes("after"), () => "Bob to get 'after'");
    // Alice left before "after" was committed; Bob received it, so it was delivered to everyone present.
    expect(atAlice).toEqual(["before"]);
    await expect(alice.sendMessage("still here?")).rejects.toMatchObject({ code: expect.stringMatching(/^(NOT_JOINED|NOT_A_PARTICIPANT)$/) });

    // Leaving is not ending: Alice may come back.
    const again = await aliceSdk.LIVECHAT.joinContact(carla.contact.contact.id, "Alice");
    const back: string[] = [];
    again.on("message", (event) => back.push(event.content.text));
    await carla.contact.sendMessage("welcome back");
    await waitFor(() => back.includes("welcome back"), () => "Alice to get 'welcome back'");
    await Promise.all([carla.sdk, aliceSdk, bobSdk].map((s) => s.LIVECHAT.logout()));
  });
});

describe("typing", () => {
  it("the server reports a silent writer as stopped after the typing timeout", async () => {
    const carla = await customer("Carla");
    const aliceSdk = await agent(agentToken);
    const alice = await aliceSdk.LIVECHAT.joinContact(carla.contact.contact.id, "Alice");
    const seen: { nickname: string; bwrite: boolean }[] = [];
    alice.on("isWriting", (event) => seen.push({ nickname: event.user.nickname, bwrite: event.bwrite }));
    carla.contact.isWriting(true);
    // Carla never says she stopped: the server does it for her.
    await waitFor(() => seen.length === 2, () => `started then stopped, got ${JSON.stringify(seen)}`);
    expect(seen).toEqual([
      { nickname: "Carla", bwrite: true },
      { nickname: "Carla", bwrite: false },
    ]);
    await Promise.all([carla.sdk, aliceSdk].map((s) => s.LIVECHAT.logout()));
  });

  it("the server reports a writer as stopped when its socket closes", async () => {
    const carla = await customer("Carla");
    const aliceSdk = await agent(agentToken);
    const alice = await aliceSdk.LIVECHAT.joinContact(carla.contact.contact.id, "Alice");
    const seen: boolean[] = [];
    alice.on("isWriting", (event) => seen.push(event.bwrite));
    carla.contact.isWriting(true);
    await waitFor(() => seen.length === 1, () => "started");
    await carla.sdk.LIVECHAT.logout();
    await waitFor(() => seen.length === 2, () => "stopped on disconnect");
    expect(seen).toEqual([true, false]);
    await aliceSdk.LIVECHAT.logout();
  });
});

describe("one socket per SDK session", () => {
  it("carries every chat an agent has joined", async () => {
    const proxy = await TcpProxy.start(server.port);
    try {
      const customers = await Promise.all(["Ann", "Ben", "Cid", "Dee"].map(customer));
      const aliceSdk = await agent(agentToken, proxy.url);
      const chats = await Promise.all(customers.map((c) => aliceSdk.LIVECHAT.joinContact(c.contact.contact.id, "Alice")));
      const got = new Map<string, string[]>();
      for (const chat of chats) chat.on("message", (event) => got.set(chat.contact.id, [...(got.get(chat.contact.id) ?? []), event.content.text]));
      await Promise.all(customers.map((c) => c.contact.sendMessage(`hello from ${c.contact.user.nickname}`)));
      await waitFor(() => [...got.values()].flat().length === 4, () => "four messages");
      for (const c of customers) expect(got.get(c.contact.contact.id)).toEqual([`hello from ${c.contact.user.nickname}`]);
      // Everything above went through the agent's single connection.
      expect(proxy.connections).toBe(1);
      await aliceSdk.LIVECHAT.logout();
      await Promise.all(customers.map((c) => c.sdk.LIVECHAT.logout()));
    } finally {
      await proxy.close();
    }
  });
});

describe("the agents' chat feed", () => {
  it("follows a chat from start to end on the session's one socket, and starts afresh after a reconnect", async () => {
    const proxy = await TcpProxy.start(server.port);
    try {
      const aliceSdk = createLiveChatSdk({ minReconnectDelayMs: 20, maxReconnectDelayMs: 100 });
      aliceSdk.init({ serverUrl: proxy.url });
      await aliceSdk.LIVECHAT.login(agentToken);
      const events: ChatFeedEvent[] = [];
      const feed = await aliceSdk.LIVECHAT.watchChats((event) => events.push(event));
      const changesOf = (chatId: string) =>
        events.flatMap((event) => (event.change !== "snapshot" && event.chat.id === chatId ? [`${event.change}:${event.chat.status}`] : []));

      const carla = await customer("Carla");
      const chatId = carla.contact.contact.id;
      await waitFor(() => feed.chats.get(chatId)?.status === "waiting", () => `Carla's chat in the feed, got ${JSON.stringify(events)}`);
      await carla.contact.sendMessage("Is anyone there?");
      await waitFor(() => feed.chats.get(chatId)?.firstMessage !== null, () => "Carla's first message in the feed");
      expect(feed.chats.get(chatId)?.firstMessage).toMatchObject({ kind: "text", text: "Is anyone there?" });

      // The socket drops: the SDK reconnects, asks again, and the feed starts from a fresh snapshot.
      const snapshots = () => events.filter((event) => event.change === "snapshot").length;
      proxy.dropAll();
      await waitFor(() => snapshots() === 2 && feed.isLive, () => "a second snapshot after the reconnect");
      expect(feed.chats.get(chatId)).toMatchObject({ status: "waiting", nickname: "Carla", firstMessage: { text: "Is anyone there?" } });

      const alice = await aliceSdk.LIVECHAT.joinContact(chatId, "Alice");
      await waitFor(() => feed.chats.get(chatId)?.status === "active", () => "the chat taken");
      await aliceSdk.LIVECHAT.endContact(alice);
      await waitFor(() => !feed.chats.has(chatId), () => "the chat gone from the feed");
      expect(changesOf(chatId)).toEqual(["started:waiting", "message:waiting", "updated:active", "ended:ended"]);
      expect(proxy.connections).toBe(2); // one socket at a time, the feed on it: none of its own

      feed.stop();
      await Promise.all([carla.sdk, aliceSdk].map((s) => s.LIVECHAT.logout()));
    } finally {
      await proxy.close();
    }
  });
});
