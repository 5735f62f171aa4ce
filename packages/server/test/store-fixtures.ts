/** Chats and messages made straight in a store, for tests below the chat domain. @module */
import { randomUUID } from "node:crypto";
import type { AppendRequest, StoredEvent, Store } from "../src/store/types.js";

const ts = () => new Date().toISOString();

/**
 * A placeholder payload. The store keeps payloads as opaque JSON, so tests
 * below the chat domain store stand-ins rather than full events.
 */
export function stub(data: object): never {
  return data as never;
}

/** The `text` of a stand-in payload made by {@link message}. */
export function stubText(event: StoredEvent | undefined): string | undefined {
  return (event?.data as { text?: string } | undefined)?.text;
}

/** Creates a chat with its customer, as `POST /v1/contacts` would. */
export async function newChat(store: Store): Promise<{ chatId: string; customer: string }> {
  const chatId = `CHAT_${randomUUID()}`;
  const customer = `USER_${randomUUID()}`;
  await store.createContact({
    contact: { id: chatId, createdAt: ts(), customerUserId: customer, nickname: "Customer", email: null, pageUri: null, pageTitle: null, userAgent: null, clientIp: null },
    customer: { userId: customer, nickname: "Customer", isAgent: false, channel: "web", joinedAt: ts(), leftAt: null },
    firstEvent: { id: `EVT_${randomUUID()}`, name: "userAdded", userId: customer, ts: ts(), data: stub({}) },
  });
  return { chatId, customer };
}

/** A text message append whose text is its clientId. */
export function message(chatId: string, userId: string, clientId: string): AppendRequest {
  const id = `MSG_${randomUUID()}`;
  return { chatId, id, name: "message", userId, ts: ts(), data: stub({ id, chatId, text: clientId }), clientId };
}
