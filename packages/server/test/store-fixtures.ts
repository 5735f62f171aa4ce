/** Chats and messages made straight in a store, for tests below the chat domain. @module */
import { randomUUID } from "node:crypto";
import type { AppendRequest, ParticipantRecord, StoredEvent, Store } from "../src/store/types.js";

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

/** A participant record joining now: the customer, or an agent. */
export function participant(userId: string, isAgent = false): ParticipantRecord {
  return { userId, nickname: isAgent ? "Agent" : "Customer", isAgent, channel: isAgent ? "agent" : "web", joinedAt: ts(), leftAt: null };
}

/** Creates a chat with its customer, as `POST /v1/contacts` would. */
export async function newChat(
  store: Store,
  createdAt = ts(),
  nickname = "Customer",
  chatId = `CHAT_${randomUUID()}`,
): Promise<{ chatId: string; customer: string }> {
  const customer = `USER_${randomUUID()}`;
  await store.createContact({
    contact: { id: chatId, createdAt, customerUserId: customer, nickname, email: null, pageUri: null, pageTitle: null, userAgent: null, clientIp: "127.0.0.1" },
    customer: participant(customer),
    firstEvent: { id: `EVT_${randomUUID()}`, name: "userAdded", userId: customer, ts: ts(), data: stub({ chatId, who: customer }) },
  });
  return { chatId, customer };
}

/** A text message append (a stand-in payload); with a clientId it is idempotent (a repeat answers the original). */
export function textMessage(chatId: string, userId: string, text: string, clientId?: string): AppendRequest {
  const id = `MSG_${randomUUID()}`;
  const request: AppendRequest = { chatId, id, name: "message", userId, ts: ts(), data: stub({ id, chatId, text }) };
  if (clientId !== undefined) request.clientId = clientId;
  return request;
}

/** A text message append whose text is its clientId. */
export function message(chatId: string, userId: string, clientId: string): AppendRequest {
  return textMessage(chatId, userId, clientId, clientId);
}
