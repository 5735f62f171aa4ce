/**
 * A customer's data in one tenant: finding their chats (by e-mail, customer
 * id or chat id), listing a chat's files for an export, and erasing a chat.
 * Every function takes a {@link TenantDb}: a customer of another tenant with
 * the same e-mail is never found.
 * @module
 */
import { sql } from "kysely";
import { ERASED, ERASED_FILE_NAME, redactEventData } from "./redaction.js";
import { toMedia } from "./sql-common.js";
import type { TenantDb } from "./tenant-db.js";
import type { MediaRecord } from "./types.js";
import { deletePrechat } from "./prechat-queries.js";

/** Whose data: one of the three. */
export type CustomerSelector = { email: string } | { customerId: string } | { chatId: string };

/** What erasing one chat did. */
export interface ErasedChat {
  chatId: string;
  /** Events whose payload was rewritten (0 when the chat had been erased before). */
  events: number;
  /** Files erased by this call. */
  files: number;
  /** Blob keys those files named: reclaim each once no file of any tenant names it. */
  blobKeys: string[];
}

/** The ids of the customer's chats, oldest first, at most `limit`. */
export async function selectCustomerChats(db: TenantDb, selector: CustomerSelector, limit: number): Promise<string[]> {
  let query = db.selectFrom("contacts").select("contacts.id");
  if ("email" in selector) {
    // Addresses are compared without regard to case, as mail servers do in practice.
    query = query.where(sql<string>`lower(contacts.email)`, "=", selector.email.toLowerCase());
  } else if ("customerId" in selector) {
    query = query.where("contacts.customer_user_id", "=", selector.customerId);
  } else {
    query = query.where("contacts.id", "=", selector.chatId);
  }
  const rows = await query.orderBy("contacts.created_at").orderBy("contacts.id").limit(limit).execute();
  return rows.map((row) => row.id);
}

/** Every file of the chat that still has its bytes, oldest first. */
export async function selectChatMedia(db: TenantDb, chatId: string): Promise<MediaRecord[]> {
  const rows = await db
    .selectFrom("media")
    .selectAll()
    .where("media.chat_id", "=", chatId)
    .where("media.erased_at", "is", null)
    .orderBy("media.created_at")
    .orderBy("media.id")
    .execute();
  return rows.map(toMedia);
}

/** When the chat's customer data was erased, or null; undefined when there is no such chat. */
export async function selectChatErasedAt(db: TenantDb, chatId: string): Promise<string | null | undefined> {
  const row = await db.selectFrom("contacts").select("contacts.erased_at").where("contacts.id", "=", chatId).executeTakeFirst();
  return row?.erased_at;
}

/**
 * Erases the chat's personal content in one transaction: every event's
 * payload redacted (see redaction.ts), the customer's details cleared from the
 * chat and its participant row, every file's row stripped of its blob keys
 * and file name and marked erased. The chat itself stays, marked
 * `erased_at`, so reports still count it. Running it again changes nothing.
 * @returns undefined when there is no such chat
 */
export async function eraseChat(db: TenantDb, chatId: string, at: string): Promise<ErasedChat | undefined> {
  return db.transaction(async (trx) => {
    const chat = await trx
      .selectFrom("contacts")
      .select(["contacts.customer_user_id", "contacts.erased_at"])
      .where("contacts.id", "=", chatId)
      .executeTakeFirst();
    if (chat === undefined) return undefined;
    const customer = chat.customer_user_id;

    const events = await trx.selectFrom("events").select(["events.seq", "events.name", "events.payload"]).where("events.chat_id", "=", chatId).execute();
    let rewritten = 0;
    for (const event of events) {
      const payload = JSON.stringify(redactEventData(event.name, JSON.parse(event.payload), customer));
      if (payload === event.payload) continue;
      await trx.updateTable("events").set({ payload }).where("events.chat_id", "=", chatId).where("events.seq", "=", event.seq).execute();
      rewritten += 1;
    }

    // Agents' notes may quote the customer: their text goes with the rest (who wrote one, and when, stays).
    await trx.updateTable("chat_notes").set({ text: "" }).where("chat_notes.chat_id", "=", chatId).execute();

    const files = await trx
      .selectFrom("media")
      .select(["media.blob_key", "media.thumb_blob_key"])
      .where("media.chat_id", "=", chatId)
      .where("media.erased_at", "is", null)
      .execute();
    await trx
      .updateTable("media")
      .set({
        blob_key: "",
        thumb_blob_key: null,
        thumb_mime_type: null,
        thumb_size: null,
        thumb_width: null,
        thumb_height: null,
        file_name: ERASED_FILE_NAME,
        erased_at: at,
      })
      .where("media.chat_id", "=", chatId)
      .where("media.erased_at", "is", null)
      .execute();

    await trx.deleteFrom("call_data").where("call_data.chat_id", "=", chatId).execute();
    // The browser's language, time zone and visitor id are the customer's too.
    await trx.deleteFrom("visitor_contexts").where("visitor_contexts.chat_id", "=", chatId).execute();
    await deletePrechat(trx, [chatId]);
    // The survey's rating stays for the reports; what the customer wrote goes.
    await trx.updateTable("surveys").set({ comment: null, answers: "{}" }).where("surveys.chat_id", "=", chatId).execute();
    await trx.updateTable("participants").set({ nickname: ERASED }).where("participants.chat_id", "=", chatId).where("participants.user_id", "=", customer).execute();
    // Webhook deliveries carry the chat's events as they were: erased with them, even those not sent yet.
    await trx.deleteFrom("webhook_deliveries").where("webhook_deliveries.chat_id", "=", chatId).execute();
    await trx
      .updateTable("contacts")
      .set({ nickname: ERASED, email: null, page_uri: null, page_title: null, user_agent: null, client_ip: null, erased_at: chat.erased_at ?? at })
      .where("contacts.id", "=", chatId)
      .execute();

    const blobKeys = new Set<string>();
    for (const file of files) {
      if (file.blob_key !== "") blobKeys.add(file.blob_key);
      if (file.thumb_blob_key !== null) blobKeys.add(file.thumb_blob_key);
    }
    return { chatId, events: rewritten, files: files.length, blobKeys: [...blobKeys] };
  });
}
