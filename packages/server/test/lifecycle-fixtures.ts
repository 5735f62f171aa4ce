/** Chats with dates, files and tenants made straight in a store, for the retention and erasure tests. @module */
import { randomBytes, randomUUID } from "node:crypto";
import type { BlobStore } from "../src/blobs/types.js";
import type { MediaRecord, Store, TenantStore } from "../src/store/types.js";
import { participant, stub } from "./store-fixtures.js";

export const DAY = 24 * 3600 * 1000;

/** The time `days` days before `now`, ISO. */
export function daysAgo(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY).toISOString();
}

/** Creates a tenant with a retention setting (null: keep forever), or sets it on an existing one. */
export async function tenantWithRetention(store: Store, name: string, retentionDays: number | null): Promise<TenantStore> {
  if ((await store.getTenant(name)) === undefined) {
    await store.createTenant({
      name,
      displayName: name,
      status: "active",
      limits: { maxAgents: null, maxActiveChats: null, maxStorageBytes: null },
      retentionDays,
      createdAt: new Date().toISOString(),
    });
  } else {
    await store.updateTenant(name, { retentionDays });
  }
  return store.tenant(name);
}

/** A file's row whose bytes are put in the blob store (`bytes` random unless given). */
export async function storedFile(blobs: BlobStore, chatId: string, userId: string, createdAt: string, bytes: Buffer = randomBytes(2000)): Promise<MediaRecord> {
  const { key, size } = await blobs.put(bytes);
  return {
    id: `UPLOAD_${randomUUID()}`,
    chatId,
    userId,
    messageType: "DOCUMENT",
    documentType: "PDF",
    fileName: "statement.pdf",
    originalSize: size,
    resized: false,
    fullsize: { blobKey: key, mimeType: "application/pdf", size, width: null, height: null },
    thumbnail: null,
    createdAt,
    state: "stored",
    failure: null,
  };
}

export interface SeededChat {
  chatId: string;
  customer: string;
  /** Blob keys of the chat's files. */
  blobKeys: string[];
}

/**
 * A chat created at `createdAt`, with a message and (unless `files` is 0) a
 * sent file at `lastAt`, ended at `endedAt` when given.
 */
export async function datedChat(
  tenant: TenantStore,
  blobs: BlobStore,
  dates: { createdAt: string; lastAt: string; endedAt?: string },
  options: { files?: Buffer[]; email?: string; nickname?: string } = {},
): Promise<SeededChat> {
  const chatId = `CHAT_${randomUUID()}`;
  const customer = `USER_${randomUUID()}`;
  const nickname = options.nickname ?? "Dana";
  const user = { id: customer, nickname, isAgent: false };
  await tenant.createContact({
    contact: {
      id: chatId,
      createdAt: dates.createdAt,
      customerUserId: customer,
      nickname,
      email: options.email ?? null,
      pageUri: "https://shop.example/help",
      pageTitle: "Help",
      userAgent: "Mozilla/5.0 (Test)",
      clientIp: "203.0.113.9",
    },
    customer: { ...participant(customer), nickname, joinedAt: dates.createdAt },
    firstEvent: {
      id: `EVT_${randomUUID()}`,
      name: "userAdded",
      userId: customer,
      ts: dates.createdAt,
      data: stub({ chatId, user: { ...user, userAgent: "Mozilla/5.0 (Test)", firstIP: "203.0.113.9", firstUri: "https://shop.example/help", firstTitle: "Help" }, ts: dates.createdAt }),
    },
  });
  const id = `MSG_${randomUUID()}`;
  await tenant.append({
    chatId,
    id,
    name: "message",
    userId: customer,
    ts: dates.lastAt,
    data: stub({ id, chatId, messageType: "TEXT", content: { text: `my account is 4711 (${nickname})`, user }, ts: dates.lastAt }),
  });
  const blobKeys: string[] = [];
  for (const bytes of options.files ?? [randomBytes(3000)]) {
    const file = await storedFile(blobs, chatId, customer, dates.lastAt, bytes);
    await tenant.createMedia(file);
    const messageId = `MSG_${randomUUID()}`;
    await tenant.append({
      chatId,
      id: messageId,
      name: "multimediaMessage",
      userId: customer,
      ts: dates.lastAt,
      change: { kind: "mediaAttached", mediaId: file.id, messageId },
      data: stub({
        id: messageId,
        chatId,
        messageType: "DOCUMENT",
        content: { caption: "my statement", fileName: file.fileName, documentType: "PDF", mimeType: "application/pdf", size: file.fullsize.size, inline: false, user },
        ts: dates.lastAt,
      }),
    });
    blobKeys.push(file.fullsize.blobKey);
  }
  if (dates.endedAt !== undefined) {
    await tenant.append({
      chatId,
      id: `EVT_${randomUUID()}`,
      name: "contactEnded",
      userId: customer,
      ts: dates.endedAt,
      change: { kind: "contactEnded", at: dates.endedAt },
      data: stub({ chatId, user, reason: "endedByParticipant", ts: dates.endedAt }),
    });
  }
  return { chatId, customer, blobKeys };
}

/** An upload never sent: a file's row with no message, created at `createdAt`, in an existing chat. */
export async function unsentFile(tenant: TenantStore, blobs: BlobStore, chat: SeededChat, createdAt: string): Promise<MediaRecord> {
  const file = await storedFile(blobs, chat.chatId, chat.customer, createdAt);
  await tenant.createMedia(file);
  return file;
}
