/**
 * Administration of a tenant's agents: listing them with their desk row, and
 * changing an account (role, name, capacity, disabled, password) under the
 * rule that a tenant keeps at least one enabled admin. Every function takes a
 * {@link TenantDb}, so each reads and writes one tenant's rows only.
 * @module
 */
import type { TenantDb } from "./tenant-db.js";
import type { AgentRole } from "./types.js";

/** An agent as admins see them: the account without its hash, with its desk row. */
export interface AgentAccount {
  id: string;
  username: string;
  nickname: string;
  role: AgentRole;
  /** Their own capacity; null when the install's default applies. */
  capacity: number | null;
  disabledAt: string | null;
  createdAt: string;
  /** The status they set (`available`/`away`); null before their first socket. */
  deskStatus: string | null;
  /** When a socket of theirs was last seen open; null before their first. */
  lastSeenAt: string | null;
}

/** What may change on an account; the fields left out stay. */
export interface AgentChange {
  role?: AgentRole;
  nickname?: string;
  /** null: back to the install's default. */
  capacity?: number | null;
  /** A time disables the account; null enables it. */
  disabledAt?: string | null;
  passwordHash?: string;
}

/** How a change went: `lastAdmin` when it would leave the tenant without an enabled admin (nothing changed). */
export type AgentChangeOutcome = "changed" | "notFound" | "lastAdmin";

/** The agent administration methods of a tenant's store (see `TenantStore`). */
export interface AgentAdminStore {
  /** Every agent of the tenant, by username. */
  listAgentAccounts(): Promise<AgentAccount[]>;
  /** One agent by id. */
  findAgentAccount(agentId: string): Promise<AgentAccount | undefined>;
  /** Changes an account in one transaction, refused when no enabled admin would be left. */
  changeAgent(agentId: string, change: AgentChange): Promise<AgentChangeOutcome>;
}

/** Thrown inside the transaction to roll it back. */
class NoAdminLeft extends Error {}

function accountQuery(db: TenantDb) {
  return db
    .selectFrom("agents")
    .leftJoin("agent_presence", (join) => join.onRef("agent_presence.agent_id", "=", "agents.id").onRef("agent_presence.tenant", "=", "agents.tenant"))
    .select([
      "agents.id",
      "agents.username",
      "agents.nickname",
      "agents.role",
      "agents.capacity",
      "agents.disabled_at",
      "agents.created_at",
      "agent_presence.status",
      "agent_presence.last_seen_at",
    ]);
}

type AccountRow = Awaited<ReturnType<ReturnType<typeof accountQuery>["executeTakeFirstOrThrow"]>>;

function toAccount(row: AccountRow): AgentAccount {
  return {
    id: row.id,
    username: row.username,
    nickname: row.nickname,
    role: row.role as AgentRole,
    capacity: row.capacity === null ? null : Number(row.capacity),
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
    deskStatus: row.status ?? null,
    lastSeenAt: row.last_seen_at ?? null,
  };
}

export function agentAdminQueries(db: TenantDb): AgentAdminStore {
  return {
    async listAgentAccounts() {
      return (await accountQuery(db).orderBy("agents.username").execute()).map(toAccount);
    },

    async findAgentAccount(agentId) {
      const row = await accountQuery(db).where("agents.id", "=", agentId).executeTakeFirst();
      return row === undefined ? undefined : toAccount(row);
    },

    async changeAgent(agentId, change) {
      const set: Record<string, unknown> = {};
      if (change.role !== undefined) set.role = change.role;
      if (change.nickname !== undefined) set.nickname = change.nickname;
      if (change.capacity !== undefined) set.capacity = change.capacity;
      if (change.disabledAt !== undefined) set.disabled_at = change.disabledAt;
      if (change.passwordHash !== undefined) set.password_hash = change.passwordHash;
      const mayRemoveAdmin = (change.role !== undefined && change.role !== "admin") || (change.disabledAt !== undefined && change.disabledAt !== null);
      try {
        return await db.transaction(async (trx) => {
          if (mayRemoveAdmin) {
            // Locks the enabled admins' rows first (PostgreSQL row locks; SQLite's writer lock): two admins
            // demoting each other at once are serialised, and the second finds the first's change.
            await trx.updateTable("agents").set((eb) => ({ role: eb.ref("role") })).where("role", "=", "admin").where("disabled_at", "is", null).execute();
          }
          const result = await trx.updateTable("agents").set(set).where("id", "=", agentId).executeTakeFirst();
          if (Number(result.numUpdatedRows) !== 1) return "notFound" as const;
          if (mayRemoveAdmin) {
            const left = await trx.selectFrom("agents").select((eb) => eb.fn.countAll<number>().as("n")).where("role", "=", "admin").where("disabled_at", "is", null).executeTakeFirstOrThrow();
            if (Number(left.n) === 0) throw new NoAdminLeft();
          }
          return "changed" as const;
        });
      } catch (error) {
        if (error instanceof NoAdminLeft) return "lastAdmin";
        throw error;
      }
    },
  };
}
