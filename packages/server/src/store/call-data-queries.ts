/**
 * Call data of a tenant's chats: one row per key in `call_data`, written in
 * the transaction of the event that records the change. One set of queries
 * for both SQL stores.
 * @module
 */
import type { CallData } from "@parley/protocol";
import type { TenantDb } from "./tenant-db.js";

/** One chat's call data (`{}` when none). */
export async function selectCallData(db: TenantDb, chatId: string): Promise<CallData> {
  const rows = await db.selectFrom("call_data").select(["key", "value"]).where("chat_id", "=", chatId).orderBy("key").execute();
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

/** The call data of several chats at once, by chat id (chats without any are absent). */
export async function selectCallDataOf(db: TenantDb, chatIds: readonly string[]): Promise<Map<string, CallData>> {
  const byChat = new Map<string, CallData>();
  if (chatIds.length === 0) return byChat;
  const rows = await db.selectFrom("call_data").select(["chat_id", "key", "value"]).where("chat_id", "in", chatIds).orderBy("key").execute();
  for (const row of rows) {
    let data = byChat.get(row.chat_id);
    if (data === undefined) byChat.set(row.chat_id, (data = {}));
    data[row.key] = row.value;
  }
  return byChat;
}

/** Sets (string) and removes (null) keys of a chat's call data; run inside the event's transaction. */
export async function writeCallData(trx: TenantDb, chatId: string, changes: Record<string, string | null>): Promise<void> {
  const removed = Object.keys(changes).filter((key) => changes[key] === null);
  if (removed.length > 0) await trx.deleteFrom("call_data").where("chat_id", "=", chatId).where("key", "in", removed).execute();
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) continue;
    await trx
      .insertInto("call_data", { chat_id: chatId, key, value })
      .onConflict((oc) => oc.columns(["chat_id", "key"]).doUpdateSet({ value }).where("call_data.tenant", "=", trx.tenant))
      .execute();
  }
}
