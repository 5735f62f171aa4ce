/**
 * The pre-chat form's queries: a queue's form (by queue name), and the
 * answers a chat started with, written in the chat's own transaction. Every
 * function takes a {@link TenantDb}, so each reads and writes one tenant's rows.
 * @module
 */
import type { PrechatAnswers, PrechatForm } from "@parley/protocol";
import type { TenantDb } from "./tenant-db.js";

/** What a chat's customer answered before the chat, as stored with it. */
export interface PrechatRecord {
  queue: string;
  /** Every answer by field key, hidden ones included. */
  answers: PrechatAnswers;
  /** The keys of the answers agents do not see (they are not in the call data). */
  hidden: string[];
  /** Whether the customer consented; null when the form asked for no consent. */
  consent: boolean | null;
  /** The privacy policy the customer consented to, as the form linked it then. */
  privacyUrl: string | null;
  submittedAt: string;
}

/** The pre-chat methods of a tenant's store (see `TenantStore`). */
export interface PrechatStore {
  /** The queue's pre-chat form; undefined when it asks nothing. */
  prechatForm(queue: string): Promise<PrechatForm | undefined>;
  /** Sets (or, with null, removes) the queue's pre-chat form. */
  setPrechatForm(queue: string, form: PrechatForm | null, at: string): Promise<void>;
  /** The answers a chat started with; undefined when it started without a form. */
  prechatOf(chatId: string): Promise<PrechatRecord | undefined>;
}

/** Stores a chat's answers; run inside the transaction that creates the chat. */
export async function insertPrechat(trx: TenantDb, chatId: string, record: PrechatRecord): Promise<void> {
  await trx
    .insertInto("chat_prechat", {
      chat_id: chatId,
      queue: record.queue,
      answers: JSON.stringify(record.answers),
      hidden: JSON.stringify(record.hidden),
      consent: record.consent === null ? null : record.consent ? 1 : 0,
      privacy_url: record.privacyUrl,
      submitted_at: record.submittedAt,
    })
    .execute();
}

/** Deletes the answers of chats being erased; run inside the erasure's transaction. */
export async function deletePrechat(trx: TenantDb, chatIds: readonly string[]): Promise<void> {
  if (chatIds.length > 0) await trx.deleteFrom("chat_prechat").where("chat_prechat.chat_id", "in", chatIds).execute();
}

/** The pre-chat queries over one tenant's rows. */
export function prechatQueries(db: TenantDb): PrechatStore {
  return {
    async prechatForm(queue) {
      const row = await db.selectFrom("prechat_forms").select("form").where("queue", "=", queue).executeTakeFirst();
      return row === undefined ? undefined : (JSON.parse(row.form) as PrechatForm);
    },

    async setPrechatForm(queue, form, at) {
      if (form === null) {
        await db.deleteFrom("prechat_forms").where("queue", "=", queue).execute();
        return;
      }
      const text = JSON.stringify(form);
      await db
        .insertInto("prechat_forms", { queue, form: text, updated_at: at })
        .onConflict((oc) => oc.columns(["tenant", "queue"]).doUpdateSet({ form: text, updated_at: at }))
        .execute();
    },

    async prechatOf(chatId) {
      const row = await db.selectFrom("chat_prechat").selectAll().where("chat_id", "=", chatId).executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        queue: row.queue,
        answers: JSON.parse(row.answers) as PrechatAnswers,
        hidden: JSON.parse(row.hidden) as string[],
        consent: row.consent === null ? null : Number(row.consent) === 1,
        privacyUrl: row.privacy_url,
        submittedAt: row.submitted_at,
      };
    },
  };
}
