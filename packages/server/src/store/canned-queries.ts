/**
 * Canned responses (`canned_responses`): the tenant's shared ones and each
 * agent's personal ones. A row's `scope` is `shared` or the owner's user id,
 * and its shortcut is unique within that scope (a unique index backs the
 * check). Every function takes a {@link TenantDb}.
 * @module
 */
import type { CannedResponse } from "@parley/protocol";
import type { TenantDb } from "./tenant-db.js";

/** Whose responses: the tenant's shared ones, or one agent's (by user id). */
export type CannedOwner = { scope: "shared" } | { scope: "personal"; agentId: string };

/** A response to store; its scope's count must stay within `max`. */
export interface NewCanned {
  id: string;
  owner: CannedOwner;
  title: string;
  shortcut: string;
  text: string;
  at: string;
}

/** The fields a change may set. */
export interface CannedChange {
  title?: string;
  shortcut?: string;
  text?: string;
}

/** What a create or change came to. */
export type CannedWrite =
  | { status: "done"; response: CannedResponse }
  | { status: "taken" }
  | { status: "limit"; limit: number }
  | { status: "missing" };

/** The canned response methods of a tenant's store (see `TenantStore`). */
export interface CannedStore {
  /** The shared responses, then the agent's own, each ordered by shortcut. */
  listCanned(agentId: string): Promise<CannedResponse[]>;
  /** One response by id, whoever owns it; undefined when the tenant has none. */
  getCanned(id: string): Promise<CannedResponse | undefined>;
  /** Stores a response unless its shortcut is taken in its scope or the scope holds `max` already. */
  createCanned(response: NewCanned, max: number): Promise<CannedWrite>;
  /** Changes some fields of a response (`missing` when there is none; `taken` when the new shortcut is). */
  updateCanned(id: string, change: CannedChange, at: string): Promise<CannedWrite>;
  /** Removes a response; false when there was none. */
  deleteCanned(id: string): Promise<boolean>;
}

const SHARED = "shared";

interface CannedRow {
  id: string;
  scope: string;
  title: string;
  shortcut: string;
  text: string;
  created_at: string;
  updated_at: string;
}

function toCanned(row: CannedRow): CannedResponse {
  const isShared = row.scope === SHARED;
  return {
    id: row.id,
    scope: isShared ? "shared" : "personal",
    ownerId: isShared ? null : row.scope,
    title: row.title,
    shortcut: row.shortcut,
    text: row.text,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The stored scope of an owner. */
export function scopeOf(owner: CannedOwner): string {
  return owner.scope === "shared" ? SHARED : owner.agentId;
}

/** A unique index refused the write (SQLite and PostgreSQL word it differently): another request took the shortcut. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

/** The canned response queries over one tenant's rows. */
export function cannedQueries(db: TenantDb): CannedStore {
  const byId = (trx: TenantDb, id: string) => trx.selectFrom("canned_responses").selectAll().where("canned_responses.id", "=", id).executeTakeFirst();
  const shortcutTaken = async (trx: TenantDb, scope: string, shortcut: string, except?: string) => {
    let query = trx.selectFrom("canned_responses").select("id").where("scope", "=", scope).where("shortcut", "=", shortcut);
    if (except !== undefined) query = query.where("id", "!=", except);
    return (await query.executeTakeFirst()) !== undefined;
  };

  async function write(work: () => Promise<CannedWrite>): Promise<CannedWrite> {
    try {
      return await work();
    } catch (error) {
      // Two requests took the same shortcut at once (PostgreSQL): the index kept one, the other is told.
      if (isUniqueViolation(error)) return { status: "taken" };
      throw error;
    }
  }

  return {
    async listCanned(agentId) {
      const rows = await db.selectFrom("canned_responses").selectAll().where("scope", "in", [SHARED, agentId]).execute();
      // Sorted here: PostgreSQL's collation would order dashes and digits unlike SQLite's.
      rows.sort((a, b) => (a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : 0));
      return [...rows.filter((row) => row.scope === SHARED), ...rows.filter((row) => row.scope !== SHARED)].map(toCanned);
    },

    async getCanned(id) {
      const row = await byId(db, id);
      return row === undefined ? undefined : toCanned(row);
    },

    createCanned(response, max) {
      const scope = scopeOf(response.owner);
      return write(() =>
        db.transaction(async (trx): Promise<CannedWrite> => {
          if (await shortcutTaken(trx, scope, response.shortcut)) return { status: "taken" };
          const { count } = await trx
            .selectFrom("canned_responses")
            .select((eb) => eb.fn.countAll<number | string>().as("count"))
            .where("scope", "=", scope)
            .executeTakeFirstOrThrow();
          if (Number(count) >= max) return { status: "limit", limit: max };
          const row: CannedRow = {
            id: response.id,
            scope,
            title: response.title,
            shortcut: response.shortcut,
            text: response.text,
            created_at: response.at,
            updated_at: response.at,
          };
          await trx.insertInto("canned_responses", row).execute();
          return { status: "done", response: toCanned(row) };
        }),
      );
    },

    updateCanned(id, change, at) {
      return write(() =>
        db.transaction(async (trx): Promise<CannedWrite> => {
          const row = await byId(trx, id);
          if (row === undefined) return { status: "missing" };
          if (change.shortcut !== undefined && (await shortcutTaken(trx, row.scope, change.shortcut, id))) return { status: "taken" };
          const next: CannedRow = { ...row, ...change, updated_at: at };
          await trx
            .updateTable("canned_responses")
            .set({ title: next.title, shortcut: next.shortcut, text: next.text, updated_at: at })
            .where("canned_responses.id", "=", id)
            .execute();
          return { status: "done", response: toCanned(next) };
        }),
      );
    },

    async deleteCanned(id) {
      const result = await db.deleteFrom("canned_responses").where("canned_responses.id", "=", id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
