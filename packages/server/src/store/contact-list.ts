/**
 * The agents' chat list, one query for both SQL stores (SQLite and
 * PostgreSQL share tables and column types, see schema.ts).
 * @module
 */
import { sql, type ExpressionBuilder, type Selectable } from "kysely";
import type { ContactsTable, Database } from "./schema.js";
import { selectCallDataOf } from "./call-data-queries.js";
import { toEvent, toParticipant } from "./sql-common.js";
import type { TenantDb } from "./tenant-db.js";
import { MESSAGE_EVENT_NAMES, type ContactListEntry, type ContactListQuery, type ContactRecord } from "./types.js";

export function toContact(row: Selectable<ContactsTable>): ContactRecord {
  return {
    id: row.id,
    status: row.status,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    lastSeq: row.last_seq,
    customerUserId: row.customer_user_id,
    nickname: row.nickname,
    email: row.email,
    pageUri: row.page_uri,
    pageTitle: row.page_title,
    userAgent: row.user_agent,
    clientIp: row.client_ip,
    erasedAt: row.erased_at,
  };
}

/** Escapes LIKE's wildcards and its escape character, so a search is plain text. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Whether an agent is in the chat now: what tells a waiting chat from a taken one. */
function agentPresent(eb: ExpressionBuilder<Database, "contacts">) {
  return eb.exists(
    eb
      .selectFrom("participants")
      .select("participants.user_id")
      .whereRef("participants.tenant", "=", "contacts.tenant")
      .whereRef("participants.chat_id", "=", "contacts.id")
      .where("participants.is_agent", "=", 1)
      .where("participants.left_at", "is", null),
  );
}

/** Chats newest first (created_at, then id), filtered and keyset-paged as {@link ContactListQuery} says. */
export async function listContacts(db: TenantDb, query: ContactListQuery): Promise<ContactListEntry[]> {
  const { status, search, before, callData, customerUserId, createdSince } = query;
  const rows = await db
    .selectFrom("contacts")
    .selectAll()
    .$if(status === "ended", (qb) => qb.where("status", "=", "ended"))
    .$if(status === "waiting", (qb) => qb.where("status", "=", "active").where((eb) => eb.not(agentPresent(eb))))
    .$if(status === "active", (qb) => qb.where("status", "=", "active").where((eb) => agentPresent(eb)))
    .$if(search !== undefined, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb("id", "=", search as string),
          eb(sql`lower(nickname)`, "like", sql`${`%${escapeLike((search as string).toLowerCase())}%`} escape '\\'`),
        ]),
      ),
    )
    .$if(customerUserId !== undefined, (qb) => qb.where("customer_user_id", "=", customerUserId as string))
    .$if(createdSince !== undefined, (qb) => qb.where("created_at", ">=", createdSince as string))
    .$if(callData !== undefined, (qb) =>
      qb.where((eb) =>
        eb.and(
          Object.entries(callData as Record<string, string>).map(([key, value]) =>
            eb.exists(
              eb
                .selectFrom("call_data")
                .select("call_data.key")
                .whereRef("call_data.tenant", "=", "contacts.tenant")
                .whereRef("call_data.chat_id", "=", "contacts.id")
                .where("call_data.key", "=", key)
                .where("call_data.value", "=", value),
            ),
          ),
        ),
      ),
    )
    .$if(before !== undefined, (qb) =>
      qb.where((eb) => {
        const { createdAt, id } = before as { createdAt: string; id: string };
        return eb.or([eb("created_at", "<", createdAt), eb.and([eb("created_at", "=", createdAt), eb("id", "<", id)])]);
      }),
    )
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(query.limit)
    .execute();
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const participants = await db.selectFrom("participants").selectAll().where("chat_id", "in", ids).orderBy("joined_at").execute();
  const callDataOf = await selectCallDataOf(db, ids);
  const entries: ContactListEntry[] = [];
  for (const row of rows) {
    // One indexed probe per chat on (chat_id, seq): the first message is near the start of the log.
    const first = await db
      .selectFrom("events")
      .selectAll()
      .where("chat_id", "=", row.id)
      .where("name", "in", MESSAGE_EVENT_NAMES)
      .orderBy("seq")
      .limit(1)
      .executeTakeFirst();
    entries.push({
      ...toContact(row),
      participants: participants.filter((p) => p.chat_id === row.id).map(toParticipant),
      callData: callDataOf.get(row.id) ?? {},
      firstMessage: first === undefined ? null : toEvent(first),
    });
  }
  return entries;
}
