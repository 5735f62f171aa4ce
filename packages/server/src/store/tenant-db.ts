/**
 * The one door to tenant-owned rows. Every read and write of agents, chats,
 * participants, events and files goes through a {@link TenantDb}, which is
 * bound to one tenant and adds `tenant = ?` to every query it builds (and the
 * tenant to every row it inserts). Query functions take a `TenantDb`, never
 * the raw Kysely instance, so a query that forgets its tenant cannot be
 * written in them: the builder they get is already scoped.
 *
 * Install-level code (tenants, meta, migrations, blobs, and the background
 * jobs that visit every tenant in turn) uses the raw instance; the files
 * allowed to do so are listed in `tests/tenant-scope.test.ts`.
 * @module
 */
import {
  sql,
  type DeleteQueryBuilder,
  type DeleteResult,
  type Insertable,
  type InsertQueryBuilder,
  type InsertResult,
  type Kysely,
  type QueryResult,
  type RawBuilder,
  type SelectQueryBuilder,
  type Transaction,
  type UpdateQueryBuilder,
  type UpdateResult,
} from "kysely";
import { TENANT_PATTERN } from "@parley/protocol";
import type { Database } from "./schema.js";

/** The tables whose rows belong to one tenant (each has a `tenant` column). */
export type TenantTable =
  | "agents"
  | "contacts"
  | "participants"
  | "events"
  | "media"
  | "message_media"
  | "audit_log"
  | "job_leases"
  | "api_keys"
  | "agent_presence"
  | "webhook_endpoints"
  | "webhook_deliveries"
  | "call_data"
  | "queue_settings"
  | "prechat_forms"
  | "chat_prechat"
  | "surveys"
  | "offline_messages"
  | "chat_notes"
  | "queues"
  | "queue_members"
  | "chat_routing"
  | "canned_responses"
  | "visitor_contexts"
  | "invitations";

/** A row to insert into a tenant-owned table, without its tenant: the scope adds it. */
export type TenantRow<T extends TenantTable> = Omit<Insertable<Database[T]>, "tenant">;

/** A tenant name as stored: lowercase letters, digits and dashes, 1 to 63 characters. */
export const TENANT_NAME = new RegExp(TENANT_PATTERN);

/** The tenant of an install that never named one. */
export const DEFAULT_TENANT = "default";

type Db = Kysely<Database> | Transaction<Database>;

/** Queries of one tenant. Cheap to create: one per request is fine. */
export class TenantDb {
  constructor(
    private readonly db: Db,
    /** The tenant every query is scoped to. */
    readonly tenant: string,
  ) {}

  /** `select … from table where table.tenant = ?`; joins must match `tenant` too. */
  selectFrom<T extends TenantTable>(table: T): SelectQueryBuilder<Database, T, object> {
    const query = this.db.selectFrom(table as TenantTable) as unknown as SelectQueryBuilder<Database, T, object>;
    return query.where(sql.ref(`${table}.tenant`), "=", this.tenant);
  }

  /** `insert into table` with the tenant set on every row. */
  insertInto<T extends TenantTable>(
    table: T,
    rows: TenantRow<T> | readonly TenantRow<T>[],
  ): InsertQueryBuilder<Database, T, InsertResult> {
    const list = (Array.isArray(rows) ? rows : [rows]) as readonly TenantRow<T>[];
    const values = list.map((row) => ({ ...row, tenant: this.tenant })) as unknown as Insertable<Database[T]>[];
    return (this.db.insertInto(table) as InsertQueryBuilder<Database, T, InsertResult>).values(values as never);
  }

  /** `update table … where table.tenant = ?`. */
  updateTable<T extends TenantTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult> {
    const query = this.db.updateTable(table as TenantTable) as unknown as UpdateQueryBuilder<Database, T, T, UpdateResult>;
    return query.where(sql.ref(`${table}.tenant`), "=", this.tenant);
  }

  /** `delete from table where table.tenant = ?`. */
  deleteFrom<T extends TenantTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult> {
    const query = this.db.deleteFrom(table as TenantTable) as unknown as DeleteQueryBuilder<Database, T, DeleteResult>;
    return query.where(sql.ref(`${table}.tenant`), "=", this.tenant);
  }

  /**
   * Runs a raw statement on this scope's connection or transaction, for the
   * hot paths where a built query costs too much. It must name its tenant
   * itself: tests/tenant-scope.test.ts fails raw SQL on a tenant table that
   * does not mention `tenant`.
   */
  run<R>(query: RawBuilder<R>): Promise<QueryResult<R>> {
    return query.execute(this.db);
  }

  /** Runs `work` in one transaction, with queries scoped to the same tenant. */
  transaction<R>(work: (trx: TenantDb) => Promise<R>): Promise<R> {
    if (this.db.isTransaction) return work(this);
    return (this.db as Kysely<Database>).transaction().execute((trx) => work(new TenantDb(trx, this.tenant)));
  }
}
