/**
 * The reads and writes of one tenant's data that SQLite and PostgreSQL run
 * alike (they share tables and column types, see schema.ts). Each takes a
 * {@link TenantDb}, so every query is scoped to its tenant. Appends differ
 * per dialect and live in each store.
 * @module
 */
import { sql } from "kysely";
import { selectCallData, writeCallData } from "./call-data-queries.js";
import { insertVisitorContext } from "./visitor-context-queries.js";
import { toContact } from "./contact-list.js";
import { insertPrechat } from "./prechat-queries.js";
import { applyChange, payloadOf, toAgent, toEvent, toMedia, toParticipant } from "./sql-common.js";
import type { TenantDb } from "./tenant-db.js";
import { chatOutboxRows, insertOutboxRows, type WebhookSubscriber } from "./webhook-queries.js";
import {
  DuplicateUsernameError,
  MESSAGE_EVENT_NAMES,
  type AgentRecord,
  type ContactWithParticipants,
  type MediaRecord,
  type ProcessedMedia,
  type MessagePage,
  type NewAgent,
  type NewContact,
  type CommittedEvent,
} from "./types.js";

type Db = TenantDb;

/** A new chat, its customer and its first event (seq 1), in one transaction. */
export function insertContact(db: Db, input: NewContact, subscribers: readonly WebhookSubscriber[] = []): Promise<CommittedEvent> {
  const { contact, customer, firstEvent } = input;
  const payload = payloadOf(firstEvent);
  return db.transaction(async (trx) => {
    await trx
      .insertInto("contacts", {
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
        queue: contact.queue ?? "default",
        first_wait_at: contact.createdAt,
      })
      .execute();
    await applyChange(trx, contact.id, { kind: "participantJoined", participant: customer });
    if (input.callData !== undefined && Object.keys(input.callData).length > 0) await writeCallData(trx, contact.id, input.callData);
    if (input.visitorContext !== undefined) await insertVisitorContext(trx, contact.id, input.visitorContext, contact.createdAt);
    if (input.prechat !== undefined) await insertPrechat(trx, contact.id, input.prechat);
    await trx
      .insertInto("events", {
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
    // The outbox: the chat's start is announced with it, or not at all.
    await insertOutboxRows(trx, await chatOutboxRows(trx, subscribers, { chatId: contact.id, id, name, data, seq: 1, ts }));
    return { chatId: contact.id, seq: 1, id, name, userId, ts, data, payload };
  });
}

export async function selectContact(db: Db, chatId: string): Promise<ContactWithParticipants | undefined> {
  const row = await db.selectFrom("contacts").selectAll().where("id", "=", chatId).executeTakeFirst();
  if (row === undefined) return undefined;
  const participants = await db.selectFrom("participants").selectAll().where("chat_id", "=", chatId).orderBy("joined_at").execute();
  return { ...toContact(row), participants: participants.map(toParticipant), callData: await selectCallData(db, chatId) };
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
    .insertInto("media", {
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
    .innerJoin("media", (join) => join.onRef("media.id", "=", "message_media.media_id").onRef("media.tenant", "=", "message_media.tenant"))
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

/** A new agent of the tenant; a username taken in it is `DuplicateUsernameError`. */
export async function insertAgent(db: Db, agent: NewAgent): Promise<void> {
  if (agent.tenant !== undefined && agent.tenant !== db.tenant) {
    throw new Error(`agent ${agent.username} of tenant ${agent.tenant} cannot be created in tenant ${db.tenant}`);
  }
  const result = await db
    .insertInto("agents", {
      id: agent.id,
      username: agent.username,
      nickname: agent.nickname,
      password_hash: agent.passwordHash,
      role: agent.role ?? "agent",
      disabled_at: agent.disabledAt ?? null,
      created_at: agent.createdAt,
    })
    // A taken username is an answer, not a failed statement: nodes starting together each try to create the demo agent.
    .onConflict((oc) => oc.columns(["tenant", "username"]).doNothing())
    .executeTakeFirstOrThrow();
  if (result.numInsertedOrUpdatedRows === 0n) throw new DuplicateUsernameError(agent.username);
}

export async function selectAgentByUsername(db: Db, username: string): Promise<AgentRecord | undefined> {
  const row = await db.selectFrom("agents").selectAll().where("username", "=", username).executeTakeFirst();
  return row === undefined ? undefined : toAgent(row);
}

export function selectAgentNames(db: Db): Promise<Array<Pick<AgentRecord, "username" | "nickname">>> {
  return db.selectFrom("agents").select(["username", "nickname"]).execute();
}

export async function countAgents(db: Db): Promise<number> {
  const row = await db
    .selectFrom("agents")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  // count(*) is a bigint, which `pg` returns as a string.
  return Number(row.n);
}

/** The sum of the tenant's files' stored sizes, full size and thumbnail. */
export async function sumStoredBytes(db: Db): Promise<number> {
  const row = await db
    .selectFrom("media")
    .select(sql<number | string | null>`sum(size + coalesce(thumb_size, 0))`.as("bytes"))
    .executeTakeFirstOrThrow();
  // sum() of integers is a bigint (text from `pg`), or null when there are none.
  return Number(row.bytes ?? 0);
}

export async function countContactsByState(db: Db): Promise<Record<"active" | "ended", number>> {
  const rows = await db
    .selectFrom("contacts")
    .select((eb) => ["status", eb.fn.countAll<number | string>().as("n")])
    .groupBy("status")
    .execute();
  const counts = { active: 0, ended: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}
