/**
 * Queues and the routing state of waiting chats. Every function takes a
 * {@link TenantDb}, so each reads and writes one tenant's rows only.
 *
 * The database is the arbiter of routing: an offer is a conditional upsert
 * of the chat's `chat_routing` row that succeeds only while no live offer is
 * open, and an accept a conditional update that succeeds only for the agent
 * offered, before the offer lapses. Of several nodes, exactly one wins each
 * step; offers lapse by their stored time, so a node dying mid-offer strands
 * nothing.
 * @module
 */
import { DEFAULT_OFFER_SECONDS, DEFAULT_QUEUE, type QueueInfo, type RoutingMode, type WaitLimitAction } from "@parley/protocol";
import { sql, type ExpressionBuilder } from "kysely";
import type { Database } from "./schema.js";
import type { TenantDb } from "./tenant-db.js";
import { recordOfferWebhook, webhookTakes } from "./webhook-queries.js";

/** A queue's settings as created or changed (members apart). */
export type QueueSettings = Omit<QueueInfo, "name" | "members">;

/** The `default` queue of a tenant that never configured it. */
export const IMPLICIT_DEFAULT_QUEUE: QueueInfo = {
  name: DEFAULT_QUEUE,
  mode: "manual",
  offerSeconds: DEFAULT_OFFER_SECONDS,
  waitLimitSeconds: null,
  waitLimitAction: "keep",
  waitLimitMessage: "",
  members: [],
};

/** A chat waiting for an agent (active, no agent present), with its routing state. */
export interface WaitingChat {
  chatId: string;
  queue: string;
  nickname: string;
  firstWaitAt: string;
  /** When the current waiting spell began: the chat's start, or the last agent's leave. */
  spell: string;
  /** The open offer, if the row holds one (it may have lapsed: compare `expiresAt`). */
  offer: { agentId: string; expiresAt: string; acceptedAt: string | null } | null;
  /** Agents who declined or let lapse an offer of this spell. */
  passed: string[];
  /** Whether the waiting limit of this spell was handled. */
  limitHandled: boolean;
}

/** The queue queries of a tenant's store (see `TenantStore`). */
export interface QueueStore {
  /** Every queue of the tenant by name, the `default` one included (configured or not). */
  listQueues(): Promise<QueueInfo[]>;
  /** One queue; the `default` one always exists. */
  getQueue(name: string): Promise<QueueInfo | undefined>;
  /** Creates a queue; false when one of that name exists. */
  createQueue(queue: QueueInfo, at: string): Promise<boolean>;
  /** Changes a queue's settings and, when given, replaces its members; false when there is no such queue. */
  updateQueue(name: string, settings: Partial<QueueSettings>, members: string[] | undefined, at: string): Promise<boolean>;
  /** Removes a queue and its members; false when there was none. Its chats keep its name and route as `default`. */
  deleteQueue(name: string): Promise<boolean>;
  /** Makes the agent a member of exactly these queues (unknown ones are created `manual`). */
  setAgentQueues(agentId: string, queues: readonly string[], at: string): Promise<void>;
  /** The waiting chats of the tenant, first waiting first, at most `limit`. */
  waitingChats(limit: number): Promise<WaitingChat[]>;
  /** Active chats per agent present in them now. */
  agentLoads(): Promise<Map<string, number>>;
  /** When auto routing last gave each agent a chat (agents never given one are absent). */
  lastAssigned(): Promise<Map<string, string>>;
  /**
   * Offers a waiting chat to an agent until `expiresAt`: succeeds only when the
   * chat has no offer still open at `now`. `passed` is stored with it.
   */
  offerChat(chat: Pick<WaitingChat, "chatId" | "queue" | "spell">, agentId: string, passed: readonly string[], now: string, expiresAt: string): Promise<boolean>;
  /** The offered agent accepts: succeeds only for them, before the offer lapsed; the offer then holds until `holdUntil`. */
  acceptOffer(chatId: string, agentId: string, now: string, holdUntil: string): Promise<boolean>;
  /** The offered agent declines: the offer closes and they are passed over for this spell. False when not offered to them. */
  declineOffer(chatId: string, agentId: string): Promise<boolean>;
  /**
   * An agent joined the chat: any open offer closes, the wait of the spell is
   * recorded once (the queue's estimated wait), and the agent's last assignment
   * moves. Resolves with the agent the offer was open to, if any.
   */
  agentJoined(chatId: string, agentId: string, at: string): Promise<{ offeredTo: string | null }>;
  /** Whom the chat is offered to now (lapsed or not), and who let it pass; undefined when it was never routed. */
  offerState(chatId: string): Promise<{ offeredTo: string | null; passed: string[] } | undefined>;
  /** The queue's most recent assignments' times, newest first. */
  recentAssignments(queue: string, limit: number): Promise<string[]>;
  /** Takes the handling of the spell's waiting limit: true for the one caller that does it. */
  takeWaitLimit(chat: Pick<WaitingChat, "chatId" | "queue" | "spell">): Promise<boolean>;
  /**
   * Moves an active chat to another queue (a transfer): it waits and is routed
   * there from then on, its first wait kept. Any open offer of the old queue
   * closes. False when there is no such active chat.
   */
  moveToQueue(chatId: string, queue: string): Promise<boolean>;
}

interface QueueRow {
  name: string;
  mode: string;
  offer_seconds: number;
  wait_limit_seconds: number | null;
  wait_limit_action: string;
  wait_limit_message: string;
}

function toQueue(row: QueueRow, members: string[]): QueueInfo {
  return {
    name: row.name,
    mode: row.mode as RoutingMode,
    offerSeconds: Number(row.offer_seconds),
    waitLimitSeconds: row.wait_limit_seconds === null ? null : Number(row.wait_limit_seconds),
    waitLimitAction: row.wait_limit_action as WaitLimitAction,
    waitLimitMessage: row.wait_limit_message,
    members,
  };
}

function parsePassed(text: string | null | undefined): string[] {
  if (text === null || text === undefined) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
  } catch {
    return [];
  }
}

/** Whether an agent is in the chat now. */
function agentPresent(eb: ExpressionBuilder<Database, "contacts">) {
  return eb.exists(
    eb
      .selectFrom("participants")
      .select("participants.user_id")
      .whereRef("participants.tenant", "=", "contacts.tenant")
      .whereRef("participants.chat_id", "=", "contacts.id")
      .where("participants.is_agent", "=", 1)
      .where("participants.left_at", "is", null),
  );
}

/** An empty routing row for a chat (inserted by the first offer or recorded wait). */
function freshRow(chat: Pick<WaitingChat, "chatId" | "queue" | "spell">) {
  return {
    chat_id: chat.chatId,
    queue: chat.queue,
    offered_to: null,
    offer_expires_at: null,
    accepted_at: null,
    spell: chat.spell,
    passed: "[]",
    limit_spell: null,
    assigned_at: null,
    wait_ms: null,
  };
}

/** The queue queries over one tenant's rows. */
export function queueQueries(db: TenantDb): QueueStore {
  async function membersByQueue(): Promise<Map<string, string[]>> {
    const rows = await db.selectFrom("queue_members").select(["queue", "agent_id"]).orderBy("queue").orderBy("agent_id").execute();
    const byQueue = new Map<string, string[]>();
    for (const row of rows) byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row.agent_id]);
    return byQueue;
  }

  async function setMembers(trx: TenantDb, queue: string, members: readonly string[]): Promise<void> {
    await trx.deleteFrom("queue_members").where("queue", "=", queue).execute();
    if (members.length > 0) await trx.insertInto("queue_members", members.map((agentId) => ({ queue, agent_id: agentId }))).execute();
  }

  function queueRow(queue: QueueInfo, at: string) {
    return {
      name: queue.name,
      mode: queue.mode,
      offer_seconds: queue.offerSeconds,
      wait_limit_seconds: queue.waitLimitSeconds,
      wait_limit_action: queue.waitLimitAction,
      wait_limit_message: queue.waitLimitMessage,
      created_at: at,
    };
  }

  return {
    async listQueues() {
      const [rows, members] = await Promise.all([db.selectFrom("queues").selectAll().orderBy("name").execute(), membersByQueue()]);
      const queues = rows.map((row) => toQueue(row, members.get(row.name) ?? []));
      if (!queues.some((queue) => queue.name === DEFAULT_QUEUE)) {
        queues.unshift({ ...IMPLICIT_DEFAULT_QUEUE, members: members.get(DEFAULT_QUEUE) ?? [] });
      }
      return queues.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async getQueue(name) {
      const row = await db.selectFrom("queues").selectAll().where("name", "=", name).executeTakeFirst();
      if (row === undefined && name !== DEFAULT_QUEUE) return undefined;
      const members = await db.selectFrom("queue_members").select("agent_id").where("queue", "=", name).orderBy("agent_id").execute();
      const ids = members.map((member) => member.agent_id);
      return row === undefined ? { ...IMPLICIT_DEFAULT_QUEUE, members: ids } : toQueue(row, ids);
    },

    async createQueue(queue, at) {
      return db.transaction(async (trx) => {
        const inserted = await trx
          .insertInto("queues", queueRow(queue, at))
          .onConflict((oc) => oc.columns(["tenant", "name"]).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) return false;
        await setMembers(trx, queue.name, queue.members);
        return true;
      });
    },

    async updateQueue(name, settings, members, at) {
      return db.transaction(async (trx) => {
        const row = await trx.selectFrom("queues").selectAll().where("name", "=", name).executeTakeFirst();
        if (row === undefined && name !== DEFAULT_QUEUE) return false;
        // The default queue gets its row the first time it is configured.
        const current = row === undefined ? IMPLICIT_DEFAULT_QUEUE : toQueue(row, []);
        const next: QueueInfo = { ...current, ...settings, name, members: [] };
        if (row === undefined) await trx.insertInto("queues", queueRow(next, at)).execute();
        else {
          const { created_at: _createdAt, name: _name, ...changes } = queueRow(next, at);
          await trx.updateTable("queues").set(changes).where("name", "=", name).execute();
        }
        if (members !== undefined) await setMembers(trx, name, members);
        return true;
      });
    },

    async deleteQueue(name) {
      return db.transaction(async (trx) => {
        const deleted = await trx.deleteFrom("queues").where("name", "=", name).executeTakeFirst();
        await trx.deleteFrom("queue_members").where("queue", "=", name).execute();
        return Number(deleted.numDeletedRows) === 1;
      });
    },

    async setAgentQueues(agentId, queues, at) {
      await db.transaction(async (trx) => {
        await trx.deleteFrom("queue_members").where("agent_id", "=", agentId).execute();
        for (const queue of queues) {
          if (queue !== DEFAULT_QUEUE) {
            await trx
              .insertInto("queues", queueRow({ ...IMPLICIT_DEFAULT_QUEUE, name: queue }, at))
              .onConflict((oc) => oc.columns(["tenant", "name"]).doNothing())
              .execute();
          }
          await trx.insertInto("queue_members", { queue, agent_id: agentId }).execute();
        }
      });
    },

    async waitingChats(limit) {
      const rows = await db
        .selectFrom("contacts")
        .leftJoin("chat_routing", (join) => join.onRef("chat_routing.tenant", "=", "contacts.tenant").onRef("chat_routing.chat_id", "=", "contacts.id"))
        .select([
          "contacts.id",
          "contacts.queue",
          "contacts.nickname",
          "contacts.created_at",
          "contacts.first_wait_at",
          "chat_routing.offered_to",
          "chat_routing.offer_expires_at",
          "chat_routing.accepted_at",
          "chat_routing.spell",
          "chat_routing.passed",
          "chat_routing.limit_spell",
        ])
        .select((eb) =>
          eb
            .selectFrom("participants")
            .select((inner) => inner.fn.max("participants.left_at").as("left"))
            .whereRef("participants.tenant", "=", "contacts.tenant")
            .whereRef("participants.chat_id", "=", "contacts.id")
            .where("participants.is_agent", "=", 1)
            .as("last_agent_left_at"),
        )
        .where("contacts.status", "=", "active")
        .where((eb) => eb.not(agentPresent(eb)))
        .orderBy(sql`coalesce(contacts.first_wait_at, contacts.created_at)`)
        .orderBy("contacts.id")
        .limit(limit)
        .execute();
      return rows.map((row) => {
        const left = row.last_agent_left_at as string | null;
        const spell = left !== null && left > row.created_at ? left : row.created_at;
        const sameSpell = row.spell === spell;
        return {
          chatId: row.id,
          queue: row.queue,
          nickname: row.nickname,
          firstWaitAt: row.first_wait_at ?? row.created_at,
          spell,
          offer: row.offered_to === null || row.offer_expires_at === null ? null : { agentId: row.offered_to, expiresAt: row.offer_expires_at, acceptedAt: row.accepted_at },
          passed: sameSpell ? parsePassed(row.passed) : [],
          limitHandled: row.limit_spell === spell,
        };
      });
    },

    async agentLoads() {
      const rows = await db
        .selectFrom("participants")
        .innerJoin("contacts", (join) => join.onRef("contacts.id", "=", "participants.chat_id").onRef("contacts.tenant", "=", "participants.tenant"))
        .select(["participants.user_id"])
        .select((eb) => eb.fn.countAll<number | string>().as("chats"))
        .where("participants.is_agent", "=", 1)
        .where("participants.left_at", "is", null)
        .where("contacts.status", "=", "active")
        .groupBy("participants.user_id")
        .execute();
      return new Map(rows.map((row) => [row.user_id, Number(row.chats)]));
    },

    async lastAssigned() {
      const rows = await db.selectFrom("agent_presence").select(["agent_id", "last_assigned_at"]).where("last_assigned_at", "is not", null).execute();
      return new Map(rows.map((row) => [row.agent_id, row.last_assigned_at as string]));
    },

    async offerChat(chat, agentId, passed, now, expiresAt) {
      const offer = { offered_to: agentId, offer_expires_at: expiresAt, accepted_at: null, spell: chat.spell, passed: JSON.stringify(passed) };
      // One statement: of two nodes offering the same chat, only the one that finds no open offer changes the row.
      const take = async (trx: TenantDb): Promise<boolean> => {
        const result = await trx
          .insertInto("chat_routing", { ...freshRow(chat), ...offer })
          .onConflict((oc) =>
            oc
              .columns(["tenant", "chat_id"])
              .doUpdateSet(offer)
              .where((eb) => eb.or([eb("chat_routing.offered_to", "is", null), eb("chat_routing.offer_expires_at", "<", now)])),
          )
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
      };
      // Announced (chat.offered) in the offer's transaction; without an endpoint that takes it, the offer stays one statement.
      if (!(await webhookTakes(db, "chat.offered"))) return take(db);
      return db.transaction(async (trx) => {
        const offered = await take(trx);
        if (offered) await recordOfferWebhook(trx, { chatId: chat.chatId, queue: chat.queue, agentId, at: now, expiresAt });
        return offered;
      });
    },

    async acceptOffer(chatId, agentId, now, holdUntil) {
      const result = await db
        .updateTable("chat_routing")
        .set({ accepted_at: now, offer_expires_at: holdUntil })
        .where("chat_id", "=", chatId)
        .where("offered_to", "=", agentId)
        .where("accepted_at", "is", null)
        .where("offer_expires_at", ">=", now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async declineOffer(chatId, agentId) {
      return db.transaction(async (trx) => {
        const row = await trx.selectFrom("chat_routing").select(["passed", "offer_expires_at"]).where("chat_id", "=", chatId).where("offered_to", "=", agentId).executeTakeFirst();
        if (row === undefined) return false;
        const passed = [...new Set([...parsePassed(row.passed), agentId])];
        const result = await trx
          .updateTable("chat_routing")
          .set({ offered_to: null, offer_expires_at: null, accepted_at: null, passed: JSON.stringify(passed) })
          .where("chat_id", "=", chatId)
          .where("offered_to", "=", agentId)
          .where("accepted_at", "is", null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      });
    },

    async agentJoined(chatId, agentId, at) {
      return db.transaction(async (trx) => {
        const chat = await trx
          .selectFrom("contacts")
          .select(["contacts.queue", "contacts.created_at"])
          .select((eb) =>
            eb
              .selectFrom("participants")
              .select((inner) => inner.fn.max("participants.left_at").as("left"))
              .whereRef("participants.tenant", "=", "contacts.tenant")
              .whereRef("participants.chat_id", "=", "contacts.id")
              .where("participants.is_agent", "=", 1)
              .as("last_agent_left_at"),
          )
          .where("contacts.id", "=", chatId)
          .executeTakeFirst();
        if (chat === undefined) return { offeredTo: null };
        const left = chat.last_agent_left_at as string | null;
        const spell = left !== null && left > chat.created_at ? left : chat.created_at;
        const before = await trx.selectFrom("chat_routing").select(["offered_to", "assigned_at"]).where("chat_id", "=", chatId).executeTakeFirst();
        const closed = { offered_to: null, offer_expires_at: null, accepted_at: null, passed: "[]" };
        if (before === undefined) {
          await trx.insertInto("chat_routing", { ...freshRow({ chatId, queue: chat.queue, spell }), assigned_at: at, wait_ms: Math.max(0, Date.parse(at) - Date.parse(spell)) }).execute();
        } else if (before.assigned_at === null || before.assigned_at < spell) {
          // The first agent of this waiting spell: its wait counts toward the queue's estimate.
          await trx.updateTable("chat_routing").set({ ...closed, spell, assigned_at: at, wait_ms: Math.max(0, Date.parse(at) - Date.parse(spell)) }).where("chat_id", "=", chatId).execute();
        } else {
          await trx.updateTable("chat_routing").set(closed).where("chat_id", "=", chatId).execute();
        }
        await trx.updateTable("agent_presence").set({ last_assigned_at: at }).where("agent_id", "=", agentId).execute();
        return { offeredTo: before?.offered_to ?? null };
      });
    },

    async offerState(chatId) {
      const row = await db.selectFrom("chat_routing").select(["offered_to", "passed"]).where("chat_id", "=", chatId).executeTakeFirst();
      return row === undefined ? undefined : { offeredTo: row.offered_to, passed: parsePassed(row.passed) };
    },

    async recentAssignments(queue, limit) {
      const rows = await db
        .selectFrom("chat_routing")
        .select("assigned_at")
        .where("queue", "=", queue)
        .where("assigned_at", "is not", null)
        .orderBy("assigned_at", "desc")
        .limit(limit)
        .execute();
      return rows.map((row) => row.assigned_at as string);
    },

    async moveToQueue(chatId, queue) {
      return db.transaction(async (trx) => {
        const moved = await trx.updateTable("contacts").set({ queue }).where("id", "=", chatId).where("status", "=", "active").executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) return false;
        // The wait in the new queue counts toward its estimate; an offer made by the old queue closes.
        await trx
          .updateTable("chat_routing")
          .set({ queue, offered_to: null, offer_expires_at: null, accepted_at: null, passed: "[]" })
          .where("chat_id", "=", chatId)
          .execute();
        return true;
      });
    },

    async takeWaitLimit(chat) {
      const result = await db
        .insertInto("chat_routing", { ...freshRow(chat), limit_spell: chat.spell })
        .onConflict((oc) =>
          oc
            .columns(["tenant", "chat_id"])
            .doUpdateSet({ limit_spell: chat.spell })
            .where((eb) => eb.or([eb("chat_routing.limit_spell", "is", null), eb("chat_routing.limit_spell", "<>", chat.spell)])),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  };
}
