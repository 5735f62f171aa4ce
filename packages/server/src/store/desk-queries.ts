/**
 * The desk's queries: agents' status and last sighting (`agent_presence`),
 * their capacity, and the chats they are in now. Every function takes a
 * {@link TenantDb}, so each reads and writes one tenant's rows only.
 * @module
 */
import type { ManualAgentStatus } from "@parley/protocol";
import type { TenantDb } from "./tenant-db.js";

/** An agent's desk row as stored. */
export interface AgentDeskRecord {
  agentId: string;
  status: ManualAgentStatus;
  statusAt: string;
  lastSeenAt: string;
}

/** An agent not seen since a moment, whose chats may be due to return. */
export interface GoneAgent {
  agentId: string;
  lastSeenAt: string;
}

/** The desk's methods of a tenant's store (see `TenantStore`). */
export interface DeskStore {
  /** Sockets of these agents are open at `at`: their rows are created (available) or their `lastSeenAt` moved on. */
  agentsSeen(agentIds: readonly string[], at: string): Promise<void>;
  /** Records the status an agent set (creating the row when none). */
  setAgentStatus(agentId: string, status: ManualAgentStatus, at: string): Promise<void>;
  /** The agent's desk row, undefined before their first socket. */
  agentDesk(agentId: string): Promise<AgentDeskRecord | undefined>;
  /** Most chats the agent handles at once; null when not set for them (the install's default applies). */
  agentCapacity(agentId: string): Promise<number | null>;
  /** Sets the agent's own capacity (null: the install's default); false when there is no such agent. */
  setAgentCapacity(agentId: string, capacity: number | null): Promise<boolean>;
  /** Active chats the user is in now (joined and not left), newest first. */
  activeChatsOf(userId: string): Promise<string[]>;
  /** Up to `limit` agents not seen since `seenBefore` whose chats were not yet returned for that absence, and not being returned now. */
  goneAgents(seenBefore: string, now: string, limit: number): Promise<GoneAgent[]>;
  /**
   * Takes the lease on returning a gone agent's chats until `leaseUntil`.
   * @returns false when another node holds it, already returned them, or the agent was seen since: do nothing then
   */
  leaseReturn(agent: GoneAgent, now: string, leaseUntil: string): Promise<boolean>;
  /** The chats of this absence are returned: the lease goes, and this absence is not visited again. */
  finishReturn(agent: GoneAgent): Promise<void>;
}

const MANUAL: readonly string[] = ["available", "away"];

/** The desk's queries over one tenant's rows. */
export function deskQueries(db: TenantDb): DeskStore {
  return {
    async agentsSeen(agentIds, at) {
      if (agentIds.length === 0) return;
      const rows = agentIds.map((agentId) => ({ agent_id: agentId, status: "available", status_at: at, last_seen_at: at, returned_for: null, lease_until: null }));
      await db
        .insertInto("agent_presence", rows)
        .onConflict((oc) => oc.columns(["tenant", "agent_id"]).doUpdateSet({ last_seen_at: at }))
        .execute();
    },

    async setAgentStatus(agentId, status, at) {
      await db
        .insertInto("agent_presence", { agent_id: agentId, status, status_at: at, last_seen_at: at, returned_for: null, lease_until: null })
        .onConflict((oc) => oc.columns(["tenant", "agent_id"]).doUpdateSet({ status, status_at: at }))
        .execute();
    },

    async agentDesk(agentId) {
      const row = await db.selectFrom("agent_presence").select(["agent_id", "status", "status_at", "last_seen_at"]).where("agent_id", "=", agentId).executeTakeFirst();
      if (row === undefined) return undefined;
      const status = (MANUAL.includes(row.status) ? row.status : "available") as ManualAgentStatus;
      return { agentId: row.agent_id, status, statusAt: row.status_at, lastSeenAt: row.last_seen_at };
    },

    async agentCapacity(agentId) {
      const row = await db.selectFrom("agents").select("capacity").where("id", "=", agentId).executeTakeFirst();
      return row === undefined || row.capacity === null ? null : Number(row.capacity);
    },

    async setAgentCapacity(agentId, capacity) {
      const result = await db.updateTable("agents").set({ capacity }).where("id", "=", agentId).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async activeChatsOf(userId) {
      const rows = await db
        .selectFrom("participants")
        .innerJoin("contacts", (join) => join.onRef("contacts.id", "=", "participants.chat_id").onRef("contacts.tenant", "=", "participants.tenant"))
        .select("participants.chat_id as chatId")
        .where("participants.user_id", "=", userId)
        .where("participants.left_at", "is", null)
        .where("contacts.status", "=", "active")
        .orderBy("contacts.created_at", "desc")
        .orderBy("contacts.id", "desc")
        .execute();
      return rows.map((row) => row.chatId);
    },

    async goneAgents(seenBefore, now, limit) {
      const rows = await db
        .selectFrom("agent_presence")
        .select(["agent_id", "last_seen_at"])
        .where("last_seen_at", "<", seenBefore)
        .where((eb) => eb.or([eb("returned_for", "is", null), eb("returned_for", "<>", eb.ref("last_seen_at"))]))
        .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
        .orderBy("last_seen_at")
        .limit(limit)
        .execute();
      return rows.map((row) => ({ agentId: row.agent_id, lastSeenAt: row.last_seen_at }));
    },

    async leaseReturn(agent, now, leaseUntil) {
      // One conditional update: of two nodes sweeping at once, one changes the row and the other finds it taken.
      const result = await db
        .updateTable("agent_presence")
        .set({ lease_until: leaseUntil })
        .where("agent_id", "=", agent.agentId)
        .where("last_seen_at", "=", agent.lastSeenAt)
        .where((eb) => eb.or([eb("returned_for", "is", null), eb("returned_for", "<>", eb.ref("last_seen_at"))]))
        .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async finishReturn(agent) {
      await db.updateTable("agent_presence").set({ returned_for: agent.lastSeenAt, lease_until: null }).where("agent_id", "=", agent.agentId).execute();
    },
  };
}
