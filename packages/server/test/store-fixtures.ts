/** Chats and messages made straight in a store, for tests below the chat domain. @module */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach } from "vitest";
import type { StoreFactory } from "./store.contract.js";
import type { AppendRequest, MediaRecord, ParticipantRecord, StoredEvent, Store, TenantStore } from "../src/store/types.js";

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

/** Creates a chat with its customer, as `POST /v1/contacts` would: in the given tenant's view, or in `default`. */
export async function newChat(
  store: Store | TenantStore,
  createdAt = ts(),
  nickname = "Customer",
  chatId = `CHAT_${randomUUID()}`,
): Promise<{ chatId: string; customer: string }> {
  const customer = `USER_${randomUUID()}`;
  const scoped = "tenant" in store ? store.tenant("default") : store;
  await scoped.createContact({
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

/** A stored file of the chat, by the user: an image with a thumbnail, or a document. */
export function media(chat: string, user: string, withThumbnail: boolean): MediaRecord {
  const blob = (n: number) => n.toString(16).padStart(64, "0");
  return {
    id: `UPLOAD_${randomUUID()}`,
    chatId: chat,
    userId: user,
    messageType: withThumbnail ? "IMAGE" : "DOCUMENT",
    documentType: withThumbnail ? "PNG" : "PDF",
    fileName: withThumbnail ? "photo.png" : "contract.pdf",
    originalSize: 5_000_000,
    resized: withThumbnail,
    fullsize: { blobKey: blob(1), mimeType: withThumbnail ? "image/png" : "application/pdf", size: 900_000, width: withThumbnail ? 2048 : null, height: withThumbnail ? 1536 : null },
    thumbnail: withThumbnail ? { blobKey: blob(2), mimeType: "image/png", size: 20_000, width: 320, height: 240 } : null,
    createdAt: ts(),
    state: "stored",
    failure: null,
  };
}

/** An image sent inline, recorded before its processing: its clean original only. */
export function pendingImage(chat: string, user: string): MediaRecord {
  return { ...media(chat, user, true), resized: false, thumbnail: null, state: "pending" };
}

export function mediaMessage(chat: string, user: string, mediaId: string, clientId: string): AppendRequest {
  const id = `MSG_${randomUUID()}`;
  return {
    chatId: chat,
    id,
    name: "multimediaMessage",
    userId: user,
    ts: ts(),
    data: stub({ id, chatId: chat }),
    clientId,
    change: { kind: "mediaAttached", mediaId, messageId: id },
  };
}

/**
 * A fresh, migrated store for each test of a contract, with the named tenants
 * created (active, no limits); closed and removed after each test.
 * @returns the current test's store
 */
export function freshStoreEachTest(factory: StoreFactory, tenants: readonly string[]): () => Store {
  let store: Store | undefined;
  let location: Awaited<ReturnType<StoreFactory["create"]>> | undefined;
  beforeEach(async () => {
    location = await factory.create();
    store = await location.open();
    await store.migrate();
    for (const name of tenants) {
      const limits = { maxAgents: null, maxActiveChats: null, maxStorageBytes: null };
      await store.createTenant({ name, displayName: name, status: "active", limits, retentionDays: null, createdAt: new Date().toISOString() });
    }
  });
  afterEach(async () => {
    await store?.close();
    await location?.cleanup();
  });
  return () => {
    if (store === undefined) throw new Error("the store is opened before each test");
    return store;
  };
}

/** {@link freshStoreEachTest} with one active tenant `acme` besides `default`. */
export function storeWithAcme(factory: StoreFactory): () => Store {
  return freshStoreEachTest(factory, ["acme"]);
}
