/**
 * Rich messages (menus and quick replies) against a real server: the SDK round
 * trip with history, and the raw-socket refusals (a customer offering a menu,
 * an answer to no menu, an option the menu did not offer, malformed offers).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk, type RichMessageEvent } from "@parley/sdk";
import { RawSocket } from "./support/raw-socket.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

let server: InProcessServer;
let agentToken: string;
let clientIds = 0;

beforeAll(async () => {
  let tokens: Record<string, string>;
  ({ server, tokens } = await startServerWithAgents(["alice"]));
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

const OPTIONS = [
  { id: "hours", text: "Opening hours", command: "faq:hours" },
  { id: "site", text: "Our site", targetUrl: "https://example.com/help", params: { lang: "en" } },
];

async function startChat(): Promise<{ chatId: string; token: string }> {
  const response = await fetch(`${server.url}/v1/contacts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nickname: "Olga" }),
  });
  const body = (await response.json()) as { contact: { id: string }; token: string };
  return { chatId: body.contact.id, token: body.token };
}

function send(chatId: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { t: "send", chatId, clientId: `rich-${++clientIds}`, ...fields };
}

async function errorCode(socket: RawSocket, frame: Record<string, unknown>): Promise<string | undefined> {
  const reply = (await socket.request(frame)) as unknown as { ok: boolean; error?: { code: string } };
  return reply.ok ? undefined : reply.error?.code;
}

describe("rich messages", () => {
  it("round-trips a menu and a quick reply through the SDK, with history", async () => {
    const customerSdk = sdk();
    const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Olga" });
    const agentSdk = sdk();
    await agentSdk.LIVECHAT.login(agentToken, false, false, () => {});
    const agent = await agentSdk.LIVECHAT.joinContact(customer.contact.id, "Alice");
    const toCustomer: RichMessageEvent[] = [];
    const toAgent: RichMessageEvent[] = [];
    customer.on("richMessage", (event) => toCustomer.push(event));
    agent.on("richMessage", (event) => toAgent.push(event));

    const menuId = await agent.sendMenu(OPTIONS, "How can we help?");
    const quickId = await agent.sendQuickReply([{ id: "yes", text: "Yes" }, { id: "no", text: "No" }]);
    await waitFor(() => toCustomer.length === 2, () => "the menu and the quick reply at the customer");
    expect(toCustomer.map((event) => [event.id, event.messageType])).toEqual([
      [menuId, "MENU"],
      [quickId, "QUICK_REPLY"],
    ]);
    expect(toCustomer[0]!.content).toMatchObject({ text: "How can we help?", options: OPTIONS, user: { nickname: "Alice", isAgent: true } });

    const menuAnswer = await customer.answerMenu(menuId, "site");
    const quickAnswer = await customer.answerQuickReply(quickId, "no");
    await waitFor(() => toAgent.length === 2, () => "both answers at the agent");
    expect(toAgent.map((event) => [event.id, event.messageType, event.content])).toEqual([
      [menuAnswer, "MENU_RESPONSE", { menuId, option: OPTIONS[1], user: expect.objectContaining({ nickname: "Olga", isAgent: false }) }],
      [quickAnswer, "QUICK_REPLY_RESPONSE", { menuId: quickId, option: { id: "no", text: "No" }, user: expect.objectContaining({ isAgent: false }) }],
    ]);

    // The SDK refuses before sending what the server would refuse.
    await expect(agent.sendMenu([])).rejects.toMatchObject({ code: "MENU_INVALID" });
    await expect(agent.sendMenu([{ id: "x", text: "X", targetUrl: "javascript:alert(1)" }])).rejects.toMatchObject({ code: "INVALID_URL" });
    await expect(customer.answerMenu(quickId, "no")).rejects.toMatchObject({ code: "MENU_NOT_FOUND" });
    await expect(customer.sendMenu(OPTIONS)).rejects.toMatchObject({ code: "ROLE_FORBIDDEN" });

    const history = await agentSdk.LIVECHAT.getChatHistory(customer.contact.id, true);
    const rich = history.messages.map((entry) => entry.data).filter((data) => data.messageType !== "TEXT");
    expect(rich.map((data) => [data.id, data.messageType])).toEqual([
      [menuId, "MENU"],
      [quickId, "QUICK_REPLY"],
      [menuAnswer, "MENU_RESPONSE"],
      [quickAnswer, "QUICK_REPLY_RESPONSE"],
    ]);
    await agentSdk.LIVECHAT.logout();
    await customerSdk.LIVECHAT.logout();
  });

  it("refuses bad rich frames on a raw socket and stores nothing", async () => {
    const { chatId, token } = await startChat();
    const customer = await RawSocket.connect(server.url, token);
    const agent = await RawSocket.connect(server.url, agentToken);
    expect((await customer.request({ t: "join", chatId })).ok).toBe(true);
    expect((await agent.request({ t: "join", chatId, nickname: "Alice" })).ok).toBe(true);
    const text = (await agent.request(send(chatId, { kind: "text", text: "hello" }))) as unknown as { result: { id: string } };

    // A customer may not offer a menu; an agent may not answer one.
    expect(await errorCode(customer, send(chatId, { kind: "menu", messageType: "MENU", options: [{ id: "a", text: "A" }] }))).toBe("ROLE_FORBIDDEN");
    // Malformed offers: too many options, a duplicate id, a javascript: link, an unknown field, an empty text.
    const eleven = Array.from({ length: 11 }, (_, i) => ({ id: `o${i}`, text: `Option ${i}` }));
    expect(await errorCode(agent, send(chatId, { kind: "menu", messageType: "MENU", options: eleven }))).toBe("INVALID_FRAME");
    expect(await errorCode(agent, send(chatId, { kind: "menu", messageType: "MENU", options: [{ id: "a", text: "A" }, { id: "a", text: "B" }] }))).toBe("MENU_INVALID");
    expect(await errorCode(agent, send(chatId, { kind: "menu", messageType: "MENU", options: [{ id: "a", text: "A", targetUrl: "javascript:alert(1)" }] }))).toBe("INVALID_URL");
    expect(await errorCode(agent, send(chatId, { kind: "menu", messageType: "MENU", options: [{ id: "a", text: "A", onclick: "x" }] }))).toBe("INVALID_FRAME");
    expect(await errorCode(agent, send(chatId, { kind: "menu", messageType: "MENU", options: [{ id: "a", text: "   " }] }))).toBe("MENU_INVALID");
    expect(await errorCode(agent, send(chatId, { kind: "menu", messageType: "TEXT", options: [{ id: "a", text: "A" }] }))).toBe("INVALID_FRAME");

    const menu = (await agent.request(send(chatId, { kind: "menu", messageType: "QUICK_REPLY", text: "Pick", options: [{ id: "a", text: "A" }] }))) as unknown as {
      ok: boolean;
      result: { id: string };
    };
    expect(menu.ok).toBe(true);
    const answer = (fields: Record<string, unknown>) => send(chatId, { kind: "menuResponse", messageType: "QUICK_REPLY_RESPONSE", menuId: menu.result.id, optionId: "a", ...fields });
    expect(await errorCode(agent, answer({}))).toBe("ROLE_FORBIDDEN");
    // An answer to a message that is no menu, to a menu that does not exist, of the wrong type, with an option not offered.
    expect(await errorCode(customer, answer({ menuId: text.result.id }))).toBe("MENU_NOT_FOUND");
    expect(await errorCode(customer, answer({ menuId: "MSG_00000000-0000-4000-8000-000000000000" }))).toBe("MENU_NOT_FOUND");
    expect(await errorCode(customer, answer({ messageType: "MENU_RESPONSE" }))).toBe("MENU_NOT_FOUND");
    expect(await errorCode(customer, answer({ optionId: "b" }))).toBe("MENU_OPTION_NOT_FOUND");
    expect(await errorCode(customer, send(chatId, { kind: "carousel", items: [] }))).toBe("INVALID_FRAME");

    const good = (await customer.request(answer({}))) as unknown as { ok: boolean };
    expect(good.ok).toBe(true);
    const history = (await agent.request({ t: "history", chatId })) as unknown as { result: { messages: { data: { messageType: string } }[] } };
    expect(history.result.messages.map((entry) => entry.data.messageType)).toEqual(["TEXT", "QUICK_REPLY", "QUICK_REPLY_RESPONSE"]);
    customer.ws.close();
    agent.ws.close();
  });
});
