/**
 * The front door's queries: a queue's survey and business hours (by queue
 * name), answered surveys, and offline messages. Every function takes a
 * {@link TenantDb}, so each reads and writes one tenant's rows only.
 * @module
 */
import { sql } from "kysely";
import type { BusinessHours, OfflineMessage, OfflineMessageState, SurveyConfig, SurveyResult } from "@parley/protocol";
import { randomUUID } from "node:crypto";
import type { TenantDb } from "./tenant-db.js";
import { recordWebhookEvent } from "./webhook-queries.js";

/** A page of offline messages: newest first, before a `(createdAt, id)` when given. */
export interface OfflineMessageQuery {
  state?: OfflineMessageState;
  before?: { createdAt: string; id: string };
  limit: number;
}

/** A new offline message as stored. */
export interface NewOfflineMessage {
  id: string;
  queue: string;
  name: string;
  email: string;
  message: string;
  consent: boolean;
  createdAt: string;
  clientIp: string | null;
}

/** What survey ratings are averaged by. */
export type SurveyGrouping = "day" | "queue" | "agent";

/** Surveys submitted in `[from, to)` (ISO times), averaged by one grouping. */
export interface SurveyAverageQuery {
  from: string;
  to: string;
  by: SurveyGrouping;
}

/** One group's average rating: `key` is the day (`YYYY-MM-DD`, UTC), the queue, or the agent id (`""` for none). */
export interface SurveyAverage {
  key: string;
  count: number;
  average: number;
}

/** The front door's methods of a tenant's store (see `TenantStore`). */
export interface FrontDoorStore {
  /** The queue's survey as an admin set it; undefined when never set (the default applies). */
  surveyConfig(queue: string): Promise<SurveyConfig | undefined>;
  setSurveyConfig(queue: string, config: SurveyConfig, at: string): Promise<void>;
  /** The queue's business hours; undefined when none are set (always open). */
  businessHours(queue: string): Promise<BusinessHours | undefined>;
  /** Sets (or, with null, removes) the queue's business hours. */
  setBusinessHours(queue: string, hours: BusinessHours | null, at: string): Promise<void>;
  /** Stores a chat's survey; false when the chat already has one (the first stays). */
  insertSurvey(result: SurveyResult): Promise<boolean>;
  surveyOf(chatId: string): Promise<SurveyResult | undefined>;
  /** Average ratings by day, queue or agent, for reports. */
  surveyAverages(query: SurveyAverageQuery): Promise<SurveyAverage[]>;
  insertOfflineMessage(message: NewOfflineMessage): Promise<void>;
  /** Offline messages not yet answered (the tenant's cap counts them). */
  countOpenOfflineMessages(): Promise<number>;
  listOfflineMessages(query: OfflineMessageQuery): Promise<OfflineMessage[]>;
  /**
   * Marks a message read or answered. An answered message stays answered
   * (a late "read" changes nothing). Undefined when there is no such message.
   */
  updateOfflineMessage(id: string, state: "read" | "answered", by: string, at: string): Promise<OfflineMessage | undefined>;
  /** Deletes the offline messages left with this e-mail address (a customer's erasure); how many. */
  eraseOfflineMessages(email: string): Promise<number>;
}

const OFFLINE_COLUMNS = ["id", "queue", "name", "email", "message", "consent", "state", "created_at", "answered_at", "answered_by"] as const;

interface OfflineRow {
  id: string;
  queue: string;
  name: string;
  email: string;
  message: string;
  consent: number;
  state: string;
  created_at: string;
  answered_at: string | null;
  answered_by: string | null;
}

function toOfflineMessage(row: OfflineRow): OfflineMessage {
  return {
    id: row.id,
    queue: row.queue,
    name: row.name,
    email: row.email,
    message: row.message,
    consent: Number(row.consent) === 1,
    state: row.state as OfflineMessageState,
    createdAt: row.created_at,
    answeredAt: row.answered_at,
    answeredBy: row.answered_by,
  };
}

/** The front door's queries over one tenant's rows. */
export function frontDoorQueries(db: TenantDb): FrontDoorStore {
  const setting = async (queue: string, column: "survey" | "hours"): Promise<string | null | undefined> => {
    const row = await db.selectFrom("queue_settings").select(column).where("queue", "=", queue).executeTakeFirst();
    return row?.[column];
  };
  const upsert = async (queue: string, column: "survey" | "hours", value: string | null, at: string): Promise<void> => {
    await db
      .insertInto("queue_settings", { queue, survey: null, hours: null, updated_at: at, [column]: value })
      .onConflict((oc) => oc.columns(["tenant", "queue"]).doUpdateSet({ [column]: value, updated_at: at }))
      .execute();
  };

  return {
    async surveyConfig(queue) {
      const text = await setting(queue, "survey");
      return typeof text === "string" ? (JSON.parse(text) as SurveyConfig) : undefined;
    },

    setSurveyConfig: (queue, config, at) => upsert(queue, "survey", JSON.stringify(config), at),

    async businessHours(queue) {
      const text = await setting(queue, "hours");
      return typeof text === "string" ? (JSON.parse(text) as BusinessHours) : undefined;
    },

    setBusinessHours: (queue, hours, at) => upsert(queue, "hours", hours === null ? null : JSON.stringify(hours), at),

    async insertSurvey(result) {
      // The answer and its webhook delivery commit together: a crash never loses the announcement.
      return db.transaction(async (trx) => {
      const inserted = await trx
        .insertInto("surveys", {
          chat_id: result.chatId,
          queue: result.queue,
          agent_id: result.agentId,
          rating: result.rating,
          comment: result.comment,
          answers: JSON.stringify(result.answers),
          submitted_at: result.submittedAt,
        })
        .onConflict((oc) => oc.columns(["tenant", "chat_id"]).doNothing())
        .executeTakeFirst();
      const stored = Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
      if (stored) {
        await recordWebhookEvent(trx, { id: `EVT_${randomUUID()}`, type: "survey.submitted", chatId: result.chatId, createdAt: result.submittedAt, data: result });
      }
      return stored;
      });
    },

    async surveyOf(chatId) {
      const row = await db.selectFrom("surveys").selectAll().where("chat_id", "=", chatId).executeTakeFirst();
      if (row === undefined) return undefined;
      return {
        chatId: row.chat_id,
        queue: row.queue,
        agentId: row.agent_id,
        rating: Number(row.rating),
        comment: row.comment,
        answers: JSON.parse(row.answers) as Record<string, number | string>,
        submittedAt: row.submitted_at,
      };
    },

    async surveyAverages({ from, to, by }) {
      // substr works alike in SQLite and PostgreSQL; ISO times start with their UTC date.
      const key = by === "day" ? sql<string>`substr(surveys.submitted_at, 1, 10)` : by === "queue" ? sql<string>`surveys.queue` : sql<string>`coalesce(surveys.agent_id, '')`;
      const rows = await db
        .selectFrom("surveys")
        .select([key.as("key"), sql<number | string>`count(*)`.as("count"), sql<number | string>`avg(surveys.rating)`.as("average")])
        .where("submitted_at", ">=", from)
        .where("submitted_at", "<", to)
        .groupBy(key)
        .orderBy(key)
        .execute();
      return rows.map((row) => ({ key: row.key, count: Number(row.count), average: Number(row.average) }));
    },

    async insertOfflineMessage(message) {
      // The message and its webhook delivery commit together. The client address is not announced.
      await db.transaction(async (trx) => {
      await trx
        .insertInto("offline_messages", {
          id: message.id,
          queue: message.queue,
          name: message.name,
          email: message.email,
          message: message.message,
          consent: message.consent ? 1 : 0,
          state: "new",
          created_at: message.createdAt,
          answered_at: null,
          answered_by: null,
          client_ip: message.clientIp,
        })
        .execute();
      const { clientIp: _clientIp, ...announced } = message;
      await recordWebhookEvent(trx, { id: `EVT_${randomUUID()}`, type: "offline_message.created", chatId: null, createdAt: message.createdAt, data: announced });
      });
    },

    async countOpenOfflineMessages() {
      const row = await db
        .selectFrom("offline_messages")
        .select(sql<number | string>`count(*)`.as("count"))
        .where("state", "!=", "answered")
        .executeTakeFirst();
      return Number(row?.count ?? 0);
    },

    async listOfflineMessages({ state, before, limit }) {
      let query = db.selectFrom("offline_messages").select([...OFFLINE_COLUMNS]);
      if (state !== undefined) query = query.where("state", "=", state);
      if (before !== undefined) {
        query = query.where((eb) =>
          eb.or([eb("created_at", "<", before.createdAt), eb.and([eb("created_at", "=", before.createdAt), eb("id", "<", before.id)])]),
        );
      }
      const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
      return rows.map(toOfflineMessage);
    },

    async updateOfflineMessage(id, state, by, at) {
      return db.transaction(async (trx) => {
        if (state === "answered") {
          await trx.updateTable("offline_messages").set({ state, answered_at: at, answered_by: by }).where("id", "=", id).where("state", "!=", "answered").execute();
        } else {
          await trx.updateTable("offline_messages").set({ state }).where("id", "=", id).where("state", "=", "new").execute();
        }
        const row = await trx.selectFrom("offline_messages").select([...OFFLINE_COLUMNS]).where("id", "=", id).executeTakeFirst();
        return row === undefined ? undefined : toOfflineMessage(row);
      });
    },

    async eraseOfflineMessages(email) {
      // Addresses are compared without case, as mail servers treat domains (and most, local parts).
      const result = await db
        .deleteFrom("offline_messages")
        .where(sql<string>`lower(offline_messages.email)`, "=", email.trim().toLowerCase())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
