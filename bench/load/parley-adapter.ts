/** Parley driven through its real Node SDK, as an integrator's code would use it. @module */
import { createLiveChatSdk, type Contact } from "@parley/sdk";
import type { ChatHandle, ChatListener, Session, TargetAdapter } from "./adapter.js";

/** The SDK waits longer than its default before giving up a login: 20,000 sockets connect at once in the idle test. */
const REQUEST_TIMEOUT_MS = 60_000;

function listen(contact: Contact, listener: ChatListener): ChatHandle {
  contact.on("message", (event) => listener.message(event.id, event.content.text, "text"));
  contact.on("multimediaMessage", (event) => listener.message(event.id, event.content.caption ?? "", "image"));
  contact.on("isWriting", () => listener.typing());
  contact.on("messageReceived", () => listener.received());
  contact.on("messageSeen", () => listener.seen());
  return {
    chatId: contact.contact.id,
    async send(text, image) {
      if (image === undefined) await contact.sendMessage(text);
      else await contact.SendMultimediaMessage("IMAGE", { img: image, caption: text, fileName: "photo.png" });
    },
    typing: (bwrite) => contact.isWriting(bwrite),
    markSeen: (messageId) => {
      contact.markSeen(messageId).catch(() => {
        // A read receipt that fails shows as a missing messageSeen in the counts.
      });
    },
  };
}

function session(sdk: ReturnType<typeof createLiveChatSdk>): Session {
  return { close: () => sdk.LIVECHAT.logout() };
}

export const parleyAdapter: TargetAdapter = {
  async startCustomer(serverUrl, nickname, listener) {
    const sdk = createLiveChatSdk({ requestTimeoutMs: REQUEST_TIMEOUT_MS });
    sdk.init({ serverUrl });
    const contact = await sdk.LIVECHAT.startContact({ nickname });
    return { session: session(sdk), chat: listen(contact, listener) };
  },

  async startAgent(serverUrl, token, chats) {
    const sdk = createLiveChatSdk({ requestTimeoutMs: REQUEST_TIMEOUT_MS });
    sdk.init({ serverUrl });
    await sdk.LIVECHAT.login(token, false, false, () => {});
    const handles: ChatHandle[] = [];
    for (const { chatId, listener } of chats) handles.push(listen(await sdk.LIVECHAT.joinContact(chatId, "Agent"), listener));
    return { session: session(sdk), chats: handles };
  },
};

/** A customer socket of the idle test: a chat already started over REST, joined with its token. */
export async function joinAsCustomer(serverUrl: string, token: string, chatId: string): Promise<Session> {
  const sdk = createLiveChatSdk({ requestTimeoutMs: REQUEST_TIMEOUT_MS });
  sdk.init({ serverUrl });
  await sdk.LIVECHAT.login(token, false, false, () => {});
  await sdk.LIVECHAT.joinContact(chatId);
  return session(sdk);
}
