/**
 * The reads and writes that SQLite and PostgreSQL run alike (they share
 * tables and column types, see schema.ts). Each store calls these with its
 * own Kysely instance; PostgreSQL wraps them to turn an outage into
 * STORE_UNAVAILABLE. Appends differ per dialect and live in each store.
 * @module
 */
import type { Kysely } from "kysely";
import { toContact } from "./contact-list.js";
import type { Database } from "./schema.js";
import { applyChange, payloadOf, toEvent, toMedia, toParticipant } from "./sql-common.js";
import {
  DuplicateUsernameError,
  MESSAGE_EVENT_NAMES,
  type AgentRecord,
  type ContactWithParticipants,
  type MediaRecord,
  type PendingMedia,
  type ProcessedMedia,
  type MessagePage,
  type NewContact,
  type CommittedEvent,
} from "./types.js";

type Db = Kysely<Database>;

/** A new chat, its customer and its first event (seq 1), in one transaction. */
export function insertContact(db: Db, input: NewContact): Promise<CommittedEvent> {
  const { contact, customer, firstEvent } = input;
  const payload = payloadOf(firstEvent);
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto("contacts")
      .values({
        id: contact.id,
        status: "active",
        created_at: contact.createdAt,
        ended_at: null,
        last_seq: 1,
        customer_user_id: contact.customerUserId,
        nickname: contact.nickname,
        email: contact.email,
        page_uri: contact.pageUri,
        page_title: contact.pageTitle,
        user_agent: contact.userAgent,
        client_ip: contact.clientIp,
      })
      .execute();
    await applyChange(trx, contact.id, { kind: "participantJoined", participant: customer });
    await trx
      .insertInto("events")
      .values({
        chat_id: contact.id,
        seq: 1,
        id: firstEvent.id,
        name: firstEvent.name,
        user_id: firstEvent.userId,
        client_id: null,
        ref_id: null,
        payload,
        ts: firstEvent.ts,
      })
      .execute();
    const { id, name, userId, ts, data } = firstEvent;
    return { chatId: contact.id, seq: 1, id, name, userId, ts, data, payload };
  });
}

export async function selectContact(db: Db, chatId: string): Promise<ContactWithParticipants | undefined> {
  const row = await db.selectFrom("contacts").selectAll().where("id", "=", chatId).executeTakeFirst();
  if (row === undefined) return undefined;
  const participants = await db.selectFrom("participants").selectAll().where("chat_id", "=", chatId).orderBy("joined_at").execute();
  return { ...toContact(row), participants: participants.map(toParticipant) };
}

export async function selectEvent(db: Db, chatId: string, id: string): Promise<CommittedEvent | undefined> {
  const row = await db.selectFrom("events").selectAll().where("chat_id", "=", chatId).where("id", "=", id).executeTakeFirst();
  return row === undefined ? undefined : toEvent(row);
}

export async function selectEventsAfter(db: Db, chatId: string, afterSeq: number, limit: number): Promise<CommittedEvent[]> {
  const rows = await db
    .selectFrom("events")
    .selectAll()
    .where("chat_id", "=", chatId)
    .where("seq", ">", afterSeq)
    .orderBy("seq", "asc")
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}

export async function selectMessagesBefore(db: Db, chatId: string, beforeSeq: number | undefined, limit: number): Promise<MessagePage> {
  // One row more than asked tells whether older messages exist.
  const rows = await db
    .selectFrom("events")
    .selectAll()
    .where("chat_id", "=", chatId)
    .where("name", "in", MESSAGE_EVENT_NAMES)
    .$if(beforeSeq !== undefined, (qb) => qb.where("seq", "<", beforeSeq ?? 0))
    .orderBy("seq", "desc")
    .limit(limit + 1)
    .execute();
  const hasMore = rows.length > limit;
  return { events: rows.slice(0, limit).reverse().map(toEvent), hasMore };
}

/** A file's renditions as the media table's columns (a thumbnail's are null when it has none). */
function renditionColumns({ fullsize, thumbnail, resized }: ProcessedMedia) {
  return {
    resized: resized ? 1 : 0,
    blob_key: fullsize.blobKey,
    mime_type: fullsize.mimeType,
    size: fullsize.size,
    width: fullsize.width,
    height: fullsize.height,
    thumb_blob_key: thumbnail?.blobKey ?? null,
    thumb_mime_type: thumbnail?.mimeType ?? null,
    thumb_size: thumbnail?.size ?? null,
    thumb_width: thumbnail?.width ?? null,
    thumb_height: thumbnail?.height ?? null,
  };
}

/** Records a file once per id: a retried upload finds the row already there. */
export async function insertMedia(db: Db, media: MediaRecord): Promise<void> {
  await db
    .insertInto("media")
    .values({
      id: media.id,
      chat_id: media.chatId,
      user_id: media.userId,
      message_type: media.messageType,
      document_type: media.documentType,
      file_name: media.fileName,
      original_size: media.originalSize,
      ...renditionColumns(media),
      created_at: media.createdAt,
      state: media.state,
      failure: media.failure,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

export async function selectMedia(db: Db, mediaId: string): Promise<MediaRecord | undefined> {
  const row = await db.selectFrom("media").selectAll().where("id", "=", mediaId).executeTakeFirst();
  return row === undefined ? undefined : toMedia(row);
}

export async function selectMediaOfMessage(db: Db, chatId: string, messageId: string): Promise<MediaRecord | undefined> {
  const row = await db
    .selectFrom("message_media")
    .innerJoin("media", "media.id", "message_media.media_id")
    .selectAll("media")
    .where("message_media.chat_id", "=", chatId)
    .where("message_media.message_id", "=", messageId)
    // A message refers to a file of its own chat only, whatever the caller asks.
    .whereRef("media.chat_id", "=", "message_media.chat_id")
    .executeTakeFirst();
  return row === undefined ? undefined : toMedia(row);
}

export async function updateMediaFinished(db: Db, mediaId: string, processed: ProcessedMedia): Promise<boolean> {
  const result = await db
    .updateTable("media")
    .set({
      state: "stored",
      ...renditionColumns(processed),
    })
    // Only a pending file: the node whose update lands first finishes it, the others change nothing.
    .where("id", "=", mediaId)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function updateMediaFailed(db: Db, mediaId: string, failure: string): Promise<boolean> {
  const result = await db
    .updateTable("media")
    .set({ state: "failed", failure })
    .where("id", "=", mediaId)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function selectPendingMedia(db: Db, limit: number): Promise<PendingMedia[]> {
  const rows = await db
    .selectFrom("media")
    .leftJoin("message_media", (join) => join.onRef("message_media.media_id", "=", "media.id").onRef("message_media.chat_id", "=", "media.chat_id"))
    .selectAll("media")
    .select("message_media.message_id")
    .where("media.state", "=", "pending")
    .orderBy("media.created_at")
    .orderBy("media.id")
    .limit(limit)
    .execute();
  return rows.map((row) => ({ media: toMedia(row), messageId: row.message_id }));
}

/** A new agent; a taken username is `DuplicateUsernameError`. */
export async function insertAgent(db: Db, agent: AgentRecord): Promise<void> {
  const result = await db
    .insertInto("agents")
    .values({
      id: agent.id,
      username: agent.username,
      nickname: agent.nickname,
      password_hash: agent.passwordHash,
      created_at: agent.createdAt,
    })
    // A taken username is an answer, not a failed statement: nodes starting together each try to create the demo agent.
    .onConflict((oc) => oc.column("username").doNothing())
    .executeTakeFirstOrThrow();
  if (result.numInsertedOrUpdatedRows === 0n) throw new DuplicateUsernameError(agent.username);
}

/** Sets one install-wide value. */
export async function upsertMeta(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto("meta")
    .values({ key, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
}
