/**
 * The supervision view: every waiting and active chat of a tenant with how
 * long it has waited for an agent and how long its agent has handled it.
 * @module
 */
import type { SupervisedChat, SupervisionChatsQuery } from "@parley/protocol";
import type { OpenChatRow } from "../store/note-queries.js";
import type { Store } from "../store/types.js";

/** The most chats one answer lists. */
export const MAX_SUPERVISED_CHATS = 500;

const secondsBetween = (from: string, now: number): number => Math.max(0, Math.floor((now - Date.parse(from)) / 1000));

/** A chat of the view, its times measured at `now` (ms since the epoch). */
export function supervisedChat(row: OpenChatRow, now: number): SupervisedChat {
  const isWaiting = row.agents.length === 0;
  const firstJoin = row.agents.reduce<string | undefined>((first, agent) => (first === undefined || agent.joinedAt < first ? agent.joinedAt : first), undefined);
  return {
    id: row.id,
    status: isWaiting ? "waiting" : "active",
    nickname: row.nickname,
    createdAt: row.createdAt,
    agents: row.agents,
    waitSeconds: isWaiting ? secondsBetween(row.lastAgentLeftAt ?? row.createdAt, now) : 0,
    handleSeconds: firstJoin === undefined ? 0 : secondsBetween(firstJoin, now),
    queue: row.queue,
  };
}

/** Waiting chats first, the longest wait first; then active ones, the longest handled first. */
export async function supervisedChats(store: Store, tenant: string, query: SupervisionChatsQuery, now = Date.now()): Promise<SupervisedChat[]> {
  const rows = await store.tenant(tenant).openChats(Math.min(query.limit === undefined ? MAX_SUPERVISED_CHATS : Number(query.limit), MAX_SUPERVISED_CHATS));
  const chats = rows.map((row) => supervisedChat(row, now)).filter((chat) => query.status === undefined || chat.status === query.status);
  return chats.sort((a, b) => (a.status === b.status ? (a.status === "waiting" ? b.waitSeconds - a.waitSeconds : b.handleSeconds - a.handleSeconds) : a.status === "waiting" ? -1 : 1));
}
