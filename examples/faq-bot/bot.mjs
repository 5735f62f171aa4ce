/**
 * A FAQ bot on Parley's Node SDK. It logs in as an agent (a bot account),
 * watches the agents' chat feed, joins every chat waiting for an agent,
 * greets the customer with quick replies, answers a few FAQ entries, and
 * hands the chat over to a human when asked: it says so and leaves, so the
 * chat waits again in the queue and a person picks it up.
 *
 * Run: PARLEY_URL=http://127.0.0.1:8080 PARLEY_BOT_USER=faq-bot PARLEY_BOT_PASSWORD=… node examples/faq-bot/bot.mjs
 */
/* global fetch */
import { createLiveChatSdk } from "@parley/sdk";

/** The FAQ: one quick reply per entry, and its answer. */
export const DEFAULT_FAQ = [
  { id: "hours", text: "Opening hours", answer: "We are open Monday to Friday, 9:00 to 18:00." },
  { id: "delivery", text: "Delivery times", answer: "Orders ship within 2 working days." },
  { id: "returns", text: "Returns", answer: "You can return any item within 30 days." },
];

/** The option that asks for a person. */
export const HUMAN_OPTION = { id: "human", text: "Talk to a person" };

/** Words in a typed message that ask for a person. */
const HUMAN_WORDS = /\b(human|person|agent|operator)\b/i;

/**
 * Starts the bot. Resolves once it watches the feed; `stop()` logs it out.
 * @param {{ serverUrl: string, token: string, nickname?: string, faq?: typeof DEFAULT_FAQ, log?: (line: string) => void }} options
 */
export async function startFaqBot({ serverUrl, token, nickname = "FAQ bot", faq = DEFAULT_FAQ, log = () => {} }) {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl });
  await sdk.LIVECHAT.login(token, false, false, () => {});
  const answers = new Map(faq.map((entry) => [entry.id, entry.answer]));
  const options = [...faq.map(({ id, text }) => ({ id, text, command: `faq:${id}` })), HUMAN_OPTION];
  // Chats the bot took once: never taken again, so a chat handed over waits for a person.
  const taken = new Set();

  const offer = (contact, text) => contact.sendQuickReply(options, text);

  const handOver = async (contact) => {
    await contact.sendMessage("Connecting you to a person: please wait a moment.");
    await sdk.LIVECHAT.leave(contact.contact.id);
    log(`handed over ${contact.contact.id}`);
  };

  const take = async (chat) => {
    if (chat.status !== "waiting" || taken.has(chat.id)) return;
    taken.add(chat.id);
    const contact = await sdk.LIVECHAT.joinContact(chat.id, nickname);
    log(`joined ${chat.id}`);
    contact.on("richMessage", (event) => {
      if (event.messageType !== "QUICK_REPLY_RESPONSE") return;
      const choice = event.content.option.id;
      if (choice === HUMAN_OPTION.id) return void handOver(contact).catch(report);
      const answer = answers.get(choice);
      if (answer !== undefined) void contact.sendMessage(answer).then(() => offer(contact, "Anything else?")).catch(report);
    });
    contact.on("message", (event) => {
      if (event.content.user.isAgent) return;
      if (HUMAN_WORDS.test(event.content.text)) return void handOver(contact).catch(report);
      void offer(contact, "I can help with these:").catch(report);
    });
    const greeting = await offer(contact, `Hello ${chat.nickname}! I am ${nickname}. What can I help you with?`);
    log(`greeted ${chat.id} with ${greeting}`);
  };

  const report = (error) => log(`error: ${error?.code ?? error}`);
  await sdk.LIVECHAT.watchChats((event) => {
    const chats = event.change === "snapshot" ? event.chats : event.change === "started" ? [event.chat] : [];
    for (const chat of chats) void take(chat).catch(report);
  });
  return { stop: () => sdk.LIVECHAT.logout() };
}

/** Logs the bot account in over REST and returns its agent token. */
export async function loginBot(serverUrl, username, password) {
  const response = await fetch(`${serverUrl}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
  return (await response.json()).token;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const serverUrl = process.env.PARLEY_URL ?? "http://127.0.0.1:8080";
  const token = await loginBot(serverUrl, process.env.PARLEY_BOT_USER ?? "faq-bot", process.env.PARLEY_BOT_PASSWORD ?? "");
  const log = (line) => process.stdout.write(`${line}\n`);
  await startFaqBot({ serverUrl, token, log });
  log(`FAQ bot watching ${serverUrl}`);
}
