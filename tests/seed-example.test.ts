/**
 * The seed page's "Join an existing chat" example, run as written against a
 * real server over real sockets: an agent runs the example, a customer started
 * with `startContact` talks to it, and the example's callbacks print the
 * documented fields.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk } from "@parley/sdk";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { recordingConsole, sameCode, seedExample, seedExampleFor, seedPageExample } from "./support/seed.js";
import { waitFor } from "./support/wait.js";

let server: InProcessServer;
let agentToken: string;
let supervisorToken: string;

beforeAll(async () => {
  let tokens: Record<string, string>;
  ({ server, tokens } = await startServerWithAgents(["alice", "sam"]));
  agentToken = tokens.alice!;
  supervisorToken = tokens.sam!;
});

afterAll(async () => {
  await server.close();
});

describe("the seed page's example", () => {
  it("is the page's code token for token", () => {
    expect(sameCode(seedExample, seedPageExample())).toBe(true);
  });

  it("joins a customer's chat and its callbacks print the documented fields", async () => {
    const customerSdk = createLiveChatSdk();
    customerSdk.init({ serverUrl: server.url });
    const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
    const chatId = customer.contact.id;
    expect(chatId).toMatch(/^CHAT_[0-9a-f-]{36}$/);
    // The customer will see the agent join.
    const agentsSeen: string[] = [];
    customer.on("userAdded", (event) => agentsSeen.push(event.user.nickname));

    // The agent's page: init and login, then the example exactly as the page gives it.
    const agentSdk = createLiveChatSdk();
    agentSdk.init({ serverUrl: server.url });
    const loginCallbackReasons: string[] = [];
    await agentSdk.LIVECHAT.login(agentToken, false, false, (reason: string) => loginCallbackReasons.push(reason));
    const MY_ACTIVE_CHAT: Record<string, ReturnType<typeof Object>> = {};
    const { console: pageConsole, lines } = recordingConsole();
    new Function("LIVECHATSDK", "MY_ACTIVE_CHAT", "console", seedExampleFor(chatId))(agentSdk, MY_ACTIVE_CHAT, pageConsole);
    await waitFor(() => MY_ACTIVE_CHAT[chatId] !== undefined, () => "the example to store the contact");
    expect(lines[0]).toBe("[CTLive] Contact JOINED [object]");

    const textId = await customer.sendMessage("Hello, my order has not arrived");
    await waitFor(() => lines.includes(`Msg ID........${textId}`), () => `message ${textId} in:\n${lines.join("\n")}`);
    const at = lines.indexOf("[CTLIVE] On [message] event");
    expect(lines.slice(at, at + 5)).toEqual([
      "[CTLIVE] On [message] event",
      "Nickname......Carla",
      "Text..........Hello, my order has not arrived",
      "Is Agent......false",
      `Msg ID........${textId}`,
    ]);

    const linkId = await customer.SendLink("https://example.com/orders/42");
    await waitFor(() => lines.includes(`Msg ID.............${linkId}`), () => `link ${linkId}`);
    const linkAt = lines.indexOf("[CTLIVE] On [link] event");
    expect(lines.slice(linkAt, linkAt + 7)).toEqual([
      "[CTLIVE] On [link] event",
      "URL................ https://example.com/orders/42",
      "Is Agent...........false",
      "User Nickname......Carla",
      `User ID............${customer.user.id}`,
      `Chat ID............${chatId}`,
      `Msg ID.............${linkId}`,
    ]);

    customer.isWriting(true);
    await waitFor(() => lines.includes("Started/Stopped writing........ true"), () => "typing started");
    customer.isWriting(false);
    await waitFor(() => lines.includes("Started/Stopped writing........ false"), () => "typing stopped");

    // The agent answers through the stored contact; the customer's SDK confirms delivery by
    // itself, and the customer's app marks the message seen.
    const agentContact = MY_ACTIVE_CHAT[chatId] as { sendMessage(text: string): Promise<string> };
    const received: string[] = [];
    customer.on("message", (event) => received.push(event.id));
    const replyId = await agentContact.sendMessage("Let me check that for you");
    await waitFor(() => received.includes(replyId), () => "the customer to get the reply");
    await waitFor(
      () => lines.join("\n").includes(`[CTLIVE] On [messageReceived] event\nMsg ID........${replyId}`),
      () => "messageReceived",
    );
    await customer.markSeen(replyId);
    await waitFor(
      () => lines.join("\n").includes(`[CTLIVE] On [messageSeen] event\nMsg ID........${replyId}`),
      () => "messageSeen",
    );
    expect(agentsSeen).toEqual(["alice"]);

    // A supervisor joins: the example's userAdded fires.
    const supervisorSdk = createLiveChatSdk();
    supervisorSdk.init({ serverUrl: server.url });
    await supervisorSdk.LIVECHAT.login(supervisorToken, false, false, () => {});
    await supervisorSdk.LIVECHAT.joinContact(chatId, "Sam (supervisor)");
    await waitFor(() => lines.includes("[CTLIVE] On [userAdded] event"), () => "userAdded");

    // The customer ends the chat: everyone gets contactEnded and nothing more is accepted.
    const customerEnded = new Promise((resolve) => customer.on("contactEnded", resolve));
    await customerSdk.LIVECHAT.endContact(customer);
    await waitFor(() => lines.includes("[CTLIVE] On [contactEnded] event"), () => "contactEnded");
    await customerEnded;
    await expect(agentContact.sendMessage("anyone there?")).rejects.toMatchObject({ code: "CONTACT_ENDED" });

    // Every message event printed exactly once.
    expect(lines.filter((line) => line === "[CTLIVE] On [message] event")).toHaveLength(1);
    expect(lines.filter((line) => line === "[CTLIVE] On [link] event")).toHaveLength(1);

    await agentSdk.LIVECHAT.logout();
    expect(loginCallbackReasons).toEqual(["explicitLogout"]);
    await supervisorSdk.LIVECHAT.logout();
    await customerSdk.LIVECHAT.logout();
  });

  it("getChatHistory returns the messages with the documented fields", async () => {
    const customerSdk = createLiveChatSdk();
    customerSdk.init({ serverUrl: server.url });
    const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Dora" });
    const first = await customer.sendMessage("first");
    const second = await customer.SendLink("https://example.com/");

    const agentSdk = createLiveChatSdk();
    agentSdk.init({ serverUrl: server.url });
    await agentSdk.LIVECHAT.login(agentToken, false, false, () => {});
    await agentSdk.LIVECHAT.joinContact(customer.contact.id, "Alice");
    const history = await agentSdk.LIVECHAT.getChatHistory(customer.contact.id, true);
    const messages = history.messages.map((entry) => entry.data);
    expect(messages.map((m) => [m.id, m.messageType])).toEqual([
      [first, "TEXT"],
      [second, "LINK"],
    ]);
    expect(messages[0]).toMatchObject({
      content: { text: "first", user: { id: customer.user.id, nickname: "Dora", isAgent: false } },
      replyTo: null,
      deliverySuccess: true,
      deliveryErrorReason: null,
    });
    expect(typeof messages[0]?.ts).toBe("string");
    expect(messages[1]?.content).toMatchObject({ url: "https://example.com/" });
    await agentSdk.LIVECHAT.logout();
    await customerSdk.LIVECHAT.logout();
  });
});
