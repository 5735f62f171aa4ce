/**
 * Bad input through the real SDK against a real server: every promise rejects
 * with the registry's code, nothing changes, and the server keeps serving
 * everyone else. (Raw-frame cases are in packages/server/test/socket.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { randomUUID } from "node:crypto";
import { createLiveChatSdk } from "@parley/sdk";
import { startServerWithAgents, TEST_SECRET, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

let server: InProcessServer;
let agentToken: string;

beforeAll(async () => {
  let tokens: Record<string, string>;
  ({ server, tokens } = await startServerWithAgents(["alice"], { limits: { messagesPerSecond: 2, messagesBurst: 3 } }));
  agentToken = tokens.alice!;
});

afterAll(async () => {
  await server.close();
});

function sdk() {
  const instance = createLiveChatSdk();
  instance.init({ serverUrl: server.url });
  return instance;
}

async function agentToken2(secret: string, expiresInSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: "agent", nickname: "Mallory", username: "mallory" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(`USER_${randomUUID()}`)
    .setIssuedAt(now - 3600)
    .setExpirationTime(now + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** The server still works for others: a new customer and the agent exchange a message. */
async function stillServesOthers(): Promise<void> {
  const customerSdk = sdk();
  const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Olga" });
  const agentSdk = sdk();
  await agentSdk.LIVECHAT.login(agentToken, false, false, () => {});
  const agent = await agentSdk.LIVECHAT.joinContact(customer.contact.id, "Alice");
  const got: string[] = [];
  agent.on("message", (event) => got.push(event.content.text));
  await customer.sendMessage("still there?");
  await waitFor(() => got.includes("still there?"), () => "the message to arrive");
  await agentSdk.LIVECHAT.logout();
  await customerSdk.LIVECHAT.logout();
}

describe("bad input through the SDK", () => {
  it("refuses forged, malformed and expired tokens", async () => {
    await expect(sdk().LIVECHAT.login(await agentToken2("another-secret-of-at-least-32-chars!", 3600))).rejects.toMatchObject({
      code: "AUTH_INVALID_TOKEN",
    });
    await expect(sdk().LIVECHAT.login("not-a-jwt")).rejects.toMatchObject({ code: "AUTH_INVALID_TOKEN" });
    await expect(sdk().LIVECHAT.login(await agentToken2(TEST_SECRET, -60))).rejects.toMatchObject({ code: "AUTH_TOKEN_EXPIRED" });
    await stillServesOthers();
  });

  it("refuses calls before init and login", async () => {
    const bare = createLiveChatSdk();
    await expect(bare.LIVECHAT.login(agentToken)).rejects.toMatchObject({ code: "NOT_INITIALIZED" });
    await expect(sdk().LIVECHAT.joinContact(`CHAT_${randomUUID()}`, "x")).rejects.toMatchObject({ code: "NOT_LOGGED_IN" });
  });

  it("keeps a customer token to its own chat, and refuses unknown chats", async () => {
    const first = sdk();
    const mine = await first.LIVECHAT.startContact({ nickname: "Carla" });
    const other = await sdk().LIVECHAT.startContact({ nickname: "Dora" });
    await expect(first.LIVECHAT.joinContact(other.contact.id, "Carla")).rejects.toMatchObject({ code: "FORBIDDEN" });

    const agentSdk = sdk();
    await agentSdk.LIVECHAT.login(agentToken, false, false, () => {});
    await expect(agentSdk.LIVECHAT.joinContact(`CHAT_${randomUUID()}`, "Alice")).rejects.toMatchObject({
      code: "CONTACT_NOT_FOUND",
    });
    // The refused join changed nothing: Dora's chat has one participant and no events from Carla.
    const agentInOther = await agentSdk.LIVECHAT.joinContact(other.contact.id, "Alice");
    expect(agentInOther.participants.map((p) => p.nickname).sort()).toEqual(["Alice", "Dora"]);
    expect(mine.contact.id).not.toBe(other.contact.id);
    await agentSdk.LIVECHAT.logout();
  });

  it("refuses empty and over-long text and links that are not http(s)", async () => {
    const customer = await sdk().LIVECHAT.startContact({ nickname: "Carla" });
    await expect(customer.sendMessage("")).rejects.toMatchObject({ code: "TEXT_EMPTY" });
    await expect(customer.sendMessage("   ")).rejects.toMatchObject({ code: "TEXT_EMPTY" });
    await expect(customer.sendMessage("x".repeat(10_001))).rejects.toMatchObject({ code: "TEXT_TOO_LONG" });
    for (const url of ["javascript:alert(1)", "ftp://example.com/file", "example.com", "data:text/html,<b>x</b>"]) {
      await expect(customer.SendLink(url), url).rejects.toMatchObject({ code: "INVALID_URL" });
    }
    // Exactly 10,000 characters is allowed; nothing refused above was stored.
    await customer.sendMessage("x".repeat(10_000));
    const history = await sdkHistory(customer.contact.id, customer);
    expect(history).toHaveLength(1);
  });

  it("refuses nicknames that are empty, too long or carry control characters", async () => {
    for (const nickname of ["", "   ", "x".repeat(65), "bad\u0000name", "line\nbreak"]) {
      await expect(sdk().LIVECHAT.startContact({ nickname }), JSON.stringify(nickname)).rejects.toMatchObject({
        code: expect.stringMatching(/^(NICKNAME_INVALID|VALIDATION_FAILED)$/),
      });
    }
  });

  it("paces a burst above the rate limit instead of losing it: all stored once, in order", async () => {
    // The server refuses the excess with RATE_LIMITED (packages/server/test/socket.test.ts);
    // the SDK mirrors the limit announced in `welcome` and holds sends until they fit.
    const customer = await sdk().LIVECHAT.startContact({ nickname: "Speedy" });
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => customer.sendMessage(`burst ${i}`)));
    expect(new Set(ids).size).toBe(8);
    const stored = await sdkHistory(customer.contact.id, customer);
    expect(stored.map((m) => m.id)).toEqual(ids);
    expect(stored.map((m) => (m.content as { text: string }).text)).toEqual(Array.from({ length: 8 }, (_, i) => `burst ${i}`));
  });

  it("refuses sends, typing and new joins once the chat has ended", async () => {
    const customerSdk = sdk();
    const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
    const agentSdk = sdk();
    await agentSdk.LIVECHAT.login(agentToken, false, false, () => {});
    const agent = await agentSdk.LIVECHAT.joinContact(customer.contact.id, "Alice");
    const ended = new Promise((resolve) => customer.on("contactEnded", resolve));
    await agentSdk.LIVECHAT.endContact(agent);
    await ended;
    await expect(customer.sendMessage("hello?")).rejects.toMatchObject({ code: "CONTACT_ENDED" });
    await expect(customer.SendLink("https://example.com")).rejects.toMatchObject({ code: "CONTACT_ENDED" });
    const lateAgent = sdk();
    await lateAgent.LIVECHAT.login(agentToken, false, false, () => {});
    await expect(lateAgent.LIVECHAT.joinContact(customer.contact.id, "Bob")).rejects.toMatchObject({ code: "CONTACT_ENDED" });
    await stillServesOthers();
    await Promise.all([customerSdk, agentSdk, lateAgent].map((s) => s.LIVECHAT.logout()));
  });
});

/** The chat's stored messages as a participant reads them. */
async function sdkHistory(chatId: string, _contact: unknown) {
  const reader = sdk();
  await reader.LIVECHAT.login(agentToken, false, false, () => {});
  await reader.LIVECHAT.joinContact(chatId, "Auditor");
  const history = await reader.LIVECHAT.getChatHistory(chatId, true);
  await reader.LIVECHAT.logout();
  return history.messages.map((entry) => entry.data);
}
