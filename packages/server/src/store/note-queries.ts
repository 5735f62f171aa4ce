/**
 * Internal notes (`chat_notes`): notes, whispers and transfer notes of a
 * chat, which only agents see, and the facts supervision reads beside them —
 * an agent by id, and the chats waiting or handled now with their agents'
 * join times. Every function takes a {@link TenantDb}.
 * @module
 */
import type { InternalNote, NoteKind, TransferTarget } from "@parley/protocol";
import type { AgentRole } from "./types.js";
import type { TenantDb } from "./tenant-db.js";

/** An agent as a transfer looks them up. */
export interface AgentSummary {
  id: string;
  nickname: string;
  role: AgentRole;
  disabledAt: string | null;
}

/** An active chat with its agents now, as the supervision view starts from. */
export interface OpenChatRow {
  id: string;
  nickname: string;
  createdAt: string;
  /** Agents in it now. */
  agents: { id: string; nickname: string; joinedAt: string }[];
  /** When its last agent left, null when none ever did. */
  lastAgentLeftAt: string | null;
  /** The chat's queue (a transfer to a queue moves it there). */
  queue: string | null;
}

/** The note methods of a tenant's store (see `TenantStore`). */
export interface NoteStore {
  /** Stores a note. */
  addNote(note: InternalNote): Promise<void>;
  /** The chat's newest `limit` notes, oldest first. */
  notesOf(chatId: string, limit: number): Promise<InternalNote[]>;
  /** The agent of that id, undefined when the tenant has none. */
  agentById(agentId: string): Promise<AgentSummary | undefined>;
  /** Up to `limit` active chats, oldest first, with their agents now. */
  openChats(limit: number): Promise<OpenChatRow[]>;
}

const KINDS: readonly string[] = ["note", "whisper", "transfer"];

interface NoteRow {
  id: string;
  chat_id: string;
  kind: string;
  author_id: string;
  author_nickname: string;
  text: string;
  ts: string;
  target_agent_id: string | null;
  target_nickname: string | null;
  target_queue: string | null;
}

function toNote(row: NoteRow): InternalNote {
  const note: InternalNote = {
    id: row.id,
    chatId: row.chat_id,
    kind: (KINDS.includes(row.kind) ? row.kind : "note") as NoteKind,
    text: row.text,
    author: { id: row.author_id, nickname: row.author_nickname, isAgent: true },
    ts: row.ts,
  };
  let target: TransferTarget | undefined;
  if (row.target_agent_id !== null) target = { agentId: row.target_agent_id, nickname: row.target_nickname ?? "" };
  else if (row.target_queue !== null) target = { queue: row.target_queue };
  if (target !== undefined) note.transfer = target;
  return note;
}

/** The note queries over one tenant's rows. */
export function noteQueries(db: TenantDb): NoteStore {
  return {
    async addNote(note) {
      const target = note.transfer;
      await db
        .insertInto("chat_notes", {
          id: note.id,
          chat_id: note.chatId,
          kind: note.kind,
          author_id: note.author.id,
          author_nickname: note.author.nickname,
          text: note.text,
          ts: note.ts,
          target_agent_id: target !== undefined && "agentId" in target ? target.agentId : null,
          target_nickname: target !== undefined && "agentId" in target ? target.nickname : null,
          target_queue: target !== undefined && "queue" in target ? target.queue : null,
        })
        .execute();
    },

    async notesOf(chatId, limit) {
      const rows = await db
        .selectFrom("chat_notes")
        .selectAll()
        .where("chat_notes.chat_id", "=", chatId)
        .orderBy("chat_notes.ts", "desc")
        .orderBy("chat_notes.id", "desc")
        .limit(limit)
        .execute();
      return rows.reverse().map(toNote);
    },

    async agentById(agentId) {
      const row = await db.selectFrom("agents").select(["id", "nickname", "role", "disabled_at"]).where("agents.id", "=", agentId).executeTakeFirst();
      if (row === undefined) return undefined;
      return { id: row.id, nickname: row.nickname, role: row.role as AgentRole, disabledAt: row.disabled_at };
    },

    async openChats(limit) {
      const chats = await db
        .selectFrom("contacts")
        .select(["contacts.id", "contacts.nickname", "contacts.created_at", "contacts.queue"])
        .where("contacts.status", "=", "active")
        .orderBy("contacts.created_at")
        .orderBy("contacts.id")
        .limit(limit)
        .execute();
      if (chats.length === 0) return [];
      const ids = chats.map((chat) => chat.id);
      const agents = await db
        .selectFrom("participants")
        .select(["participants.chat_id", "participants.user_id", "participants.nickname", "participants.joined_at", "participants.left_at"])
        .where("participants.chat_id", "in", ids)
        .where("participants.is_agent", "=", 1)
        .execute();
      const rows = new Map<string, OpenChatRow>(
        chats.map((chat) => [chat.id, { id: chat.id, nickname: chat.nickname, createdAt: chat.created_at, agents: [], lastAgentLeftAt: null, queue: chat.queue }]),
      );
      for (const agent of agents) {
        const row = rows.get(agent.chat_id);
        if (row === undefined) continue;
        if (agent.left_at === null) row.agents.push({ id: agent.user_id, nickname: agent.nickname, joinedAt: agent.joined_at });
        else if (row.lastAgentLeftAt === null || agent.left_at > row.lastAgentLeftAt) row.lastAgentLeftAt = agent.left_at;
      }
      return [...rows.values()];
    },
  };
}
