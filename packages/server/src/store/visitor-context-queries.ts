/**
 * The visitor context of a tenant's chats (language, time zone, visitor id:
 * one `visitor_contexts` row per chat, written with the chat), and the
 * customer's previous chats, found by e-mail address or visitor id. One set
 * of queries for both SQL stores.
 * @module
 */
import { sql } from "kysely";
import type { PreviousChat, VisitorContext } from "@parley/protocol";
import type { TenantDb } from "./tenant-db.js";

/** The stored visitor context of a chat: each field null when the browser did not send it. */
export interface StoredVisitorContext {
  visitorId: string | null;
  language: string | null;
  timeZone: string | null;
}

/** What the queries of this file add to a tenant's store. */
export interface VisitorContextStore {
  /** The chat's visitor context; undefined when its browser sent none (or there is no such chat). */
  getVisitorContext(chatId: string): Promise<StoredVisitorContext | undefined>;
  /**
   * Other chats of the chat's customer, by the same e-mail address (without
   * regard to case) or the same visitor id; newest first, at most `limit`.
   * Erased chats are left out. Empty when there is no such chat.
   */
  previousChats(chatId: string, limit: number): Promise<PreviousChat[]>;
}

/** Stores the chat's visitor context; run inside the transaction that creates the chat. */
export async function insertVisitorContext(trx: TenantDb, chatId: string, context: VisitorContext, createdAt: string): Promise<void> {
  await trx
    .insertInto("visitor_contexts", {
      chat_id: chatId,
      visitor_id: context.visitorId ?? null,
      language: context.language ?? null,
      time_zone: context.timeZone ?? null,
      created_at: createdAt,
    })
    .execute();
}

export function visitorContextQueries(db: TenantDb): VisitorContextStore {
  const getVisitorContext = async (chatId: string): Promise<StoredVisitorContext | undefined> => {
    const row = await db.selectFrom("visitor_contexts").select(["visitor_id", "language", "time_zone"]).where("chat_id", "=", chatId).executeTakeFirst();
    return row === undefined ? undefined : { visitorId: row.visitor_id, language: row.language, timeZone: row.time_zone };
  };
  return {
    getVisitorContext,

    async previousChats(chatId, limit) {
      const chat = await db.selectFrom("contacts").select(["email"]).where("id", "=", chatId).executeTakeFirst();
      if (chat === undefined) return [];
      const visitorId = (await getVisitorContext(chatId))?.visitorId ?? null;
      const byVisitor = new Set<string>();
      if (visitorId !== null) {
        const rows = await db
          .selectFrom("visitor_contexts")
          .select("chat_id")
          .where("visitor_id", "=", visitorId)
          .where("chat_id", "!=", chatId)
          .orderBy("created_at", "desc")
          .limit(limit)
          .execute();
        for (const row of rows) byVisitor.add(row.chat_id);
      }
      const byEmail = new Set<string>();
      if (chat.email !== null && chat.email !== "") {
        const rows = await db
          .selectFrom("contacts")
          .select("id")
          .where(sql<string>`lower(email)`, "=", chat.email.toLowerCase())
          .where("id", "!=", chatId)
          .orderBy("created_at", "desc")
          .limit(limit)
          .execute();
        for (const row of rows) byEmail.add(row.id);
      }
      const ids = [...new Set([...byVisitor, ...byEmail])];
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom("contacts")
        .select(["id", "status", "created_at", "ended_at", "nickname", "queue"])
        .where("id", "in", ids)
        .where("erased_at", "is", null)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map((row) => {
        const matchedBy: PreviousChat["matchedBy"] = [];
        if (byEmail.has(row.id)) matchedBy.push("email");
        if (byVisitor.has(row.id)) matchedBy.push("visitor");
        return { id: row.id, status: row.status, createdAt: row.created_at, endedAt: row.ended_at, nickname: row.nickname, queue: row.queue, matchedBy };
      });
    },
  };
}
