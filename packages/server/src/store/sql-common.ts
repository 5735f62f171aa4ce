/**
 * Row mappers and state changes shared by the SQL stores (SQLite and
 * PostgreSQL use the same tables and column types, see schema.ts).
 * @module
 */
import { writeCallData } from "./call-data-queries.js";
import type { Selectable } from "kysely";
import type { NamedEvent } from "@parley/protocol";
import type { AgentsTable, EventsTable, MediaTable, ParticipantsTable } from "./schema.js";
import type { TenantDb } from "./tenant-db.js";
import type { AgentRecord, AppendRequest, AppendResult, CommittedEvent, MediaRecord, NewContact, ParticipantRecord, StateChange } from "./types.js";

export function toAgent(row: Selectable<AgentsTable>): AgentRecord {
  return {
    tenant: row.tenant,
    id: row.id,
    username: row.username,
    nickname: row.nickname,
    passwordHash: row.password_hash,
    role: row.role as AgentRecord["role"],
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
  };
}

/** A row of the events table. Its name and payload were written together from one typed event, so they match. */
export function toEvent(row: Selectable<EventsTable>): CommittedEvent {
  const event = {
    chatId: row.chat_id,
    seq: row.seq,
    id: row.id,
    name: row.name,
    userId: row.user_id,
    ts: row.ts,
    data: JSON.parse(row.payload),
    payload: row.payload,
  };
  return event as CommittedEvent;
}

/** An append with the tenant whose chat it is for, as the group committer queues it. */
export interface TenantAppend {
  tenant: string;
  request: AppendRequest;
}

/** The answer to an append whose client id was committed before: the original event, from its row. */
export function duplicateOf(row: { seq: number; id: string; ts: string; name: string; payload: string }): AppendResult {
  const { seq, id, ts, name, payload } = row;
  const original = { name, data: JSON.parse(payload) };
  return { status: "duplicate", seq, id, ts, ...(original as NamedEvent) };
}

/** The text of an appended event's payload: the one serialised at commit, else serialised here. */
export function payloadOf(request: AppendRequest | NewContact["firstEvent"]): string {
  return request.payload ?? JSON.stringify(request.data);
}

export function toParticipant(row: Selectable<ParticipantsTable>): ParticipantRecord {
  return {
    userId: row.user_id,
    nickname: row.nickname,
    isAgent: row.is_agent === 1,
    channel: row.channel,
    joinedAt: row.joined_at,
    leftAt: row.left_at,
  };
}

export function toMedia(row: Selectable<MediaTable>): MediaRecord {
  const thumbnail =
    row.thumb_blob_key === null
      ? null
      : {
          blobKey: row.thumb_blob_key,
          mimeType: row.thumb_mime_type ?? "application/octet-stream",
          size: row.thumb_size ?? 0,
          width: row.thumb_width,
          height: row.thumb_height,
        };
  return {
    id: row.id,
    chatId: row.chat_id,
    userId: row.user_id,
    messageType: row.message_type as MediaRecord["messageType"],
    documentType: row.document_type as MediaRecord["documentType"],
    fileName: row.file_name,
    originalSize: row.original_size,
    resized: row.resized === 1,
    fullsize: { blobKey: row.blob_key, mimeType: row.mime_type, size: row.size, width: row.width, height: row.height },
    thumbnail,
    createdAt: row.created_at,
    state: row.state as MediaRecord["state"],
    failure: row.failure,
    // Present only on an erased file: a file as recorded reads back as it was given.
    ...(row.erased_at === null ? {} : { erasedAt: row.erased_at }),
  };
}

/** Applies an event's state change inside the event's transaction (`trx` is a transaction's scope). */
export async function applyChange(trx: TenantDb, chatId: string, change: StateChange): Promise<void> {
  switch (change.kind) {
    case "participantJoined": {
      const p = change.participant;
      // A participant who left and comes back keeps one row: rejoining clears left_at.
      await trx
        .insertInto("participants", {
          chat_id: chatId,
          user_id: p.userId,
          nickname: p.nickname,
          is_agent: p.isAgent ? 1 : 0,
          channel: p.channel,
          joined_at: p.joinedAt,
          left_at: p.leftAt,
        })
        .onConflict((oc) =>
          oc
            .columns(["chat_id", "user_id"])
            .doUpdateSet({ nickname: p.nickname, joined_at: p.joinedAt, left_at: null })
            // Chat ids are unique across tenants, so the row found is this tenant's; said again so it cannot be otherwise.
            .where("participants.tenant", "=", trx.tenant),
        )
        .execute();
      return;
    }
    case "participantLeft":
      await trx
        .updateTable("participants")
        .set({ left_at: change.at })
        .where("chat_id", "=", chatId)
        .where("user_id", "=", change.userId)
        .execute();
      return;
    case "contactEnded":
      await trx
        .updateTable("contacts")
        .set({ status: "ended", ended_at: change.at })
        .where("id", "=", chatId)
        .execute();
      return;
    case "mediaAttached":
      await trx.insertInto("message_media", { chat_id: chatId, message_id: change.messageId, media_id: change.mediaId }).execute();
      return;
    case "callDataChanged":
      await writeCallData(trx, chatId, change.changes);
      return;
  }
}
