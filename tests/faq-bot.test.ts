/**
 * The FAQ bot example against a real server: a customer on the SDK is
 * greeted with quick replies, gets an answer, asks for a person, and the bot
 * leaves the chat to wait for a human agent, who takes it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLiveChatSdk, type RichMessageEvent } from "@parley/sdk";
// @ts-expect-error -- a plain JavaScript example, without type declarations.
import { startFaqBot } from "../examples/faq-bot/bot.mjs";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

let server: InProcessServer;
let tokens: Record<string, string>;
let bot: { stop(): Promise<void> };

beforeAll(async () => {
  ({ server, tokens } = await startServerWithAgents(["faqbot", "alice"]));
  bot = (await startFaqBot({ serverUrl: server.url, token: tokens.faqbot! })) as { stop(): Promise<void> };
});

afterAll(async () => {
  await bot.stop();
  await server.close();
});

describe("FAQ bot example", () => {
  it("greets, answers an FAQ entry, and hands over to a person", async () => {
    const customerSdk = createLiveChatSdk();
    customerSdk.init({ serverUrl: server.url });
    const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Olga" });
    // The bot may greet before startContact resolves: read what it sent from the history, where nothing is missed.
    const history = async () => (await customerSdk.LIVECHAT.getChatHistory(customer.contact.id, true)).messages.map((entry) => entry.data);
    const offers = async () => (await history()).filter((data) => data.messageType === "QUICK_REPLY") as unknown as RichMessageEvent[];
    const texts = async () => (await history()).flatMap((data) => (data.messageType === "TEXT" && "text" in data.content ? [data.content.text] : []));
    const left: string[] = [];
    customer.on("userLeft", (event) => left.push(event.user.nickname));

    await waitFor(async () => (await offers()).length === 1, () => "the bot's greeting");
    const greeting = (await offers())[0]!;
    expect("options" in greeting.content && greeting.content.options.map((option) => option.id)).toEqual(["hours", "delivery", "returns", "human"]);

    await customer.answerQuickReply(greeting.id, "hours");
    await waitFor(async () => (await offers()).length === 2, () => "the answer and the replies again");
    expect((await texts())[0]).toMatch(/Monday to Friday/);

    await customer.answerQuickReply((await offers())[1]!.id, "human");
    await waitFor(() => left.includes("FAQ bot"), () => "the bot to leave");
    expect((await texts())[1]).toMatch(/Connecting you to a person/);

    // A person takes the chat it left waiting; the bot does not take it again.
    const agentSdk = createLiveChatSdk();
    agentSdk.init({ serverUrl: server.url });
    await agentSdk.LIVECHAT.login(tokens.alice!, false, false, () => {});
    const agent = await agentSdk.LIVECHAT.joinContact(customer.contact.id, "Alice");
    const atAgent: string[] = [];
    agent.on("message", (event) => atAgent.push(event.content.text));
    await customer.sendMessage("Hello Alice");
    await waitFor(() => atAgent.includes("Hello Alice"), () => "the customer's message at the human agent");
    expect(await offers()).toHaveLength(2);
    await agentSdk.LIVECHAT.logout();
    await customerSdk.LIVECHAT.logout();
  });
});
