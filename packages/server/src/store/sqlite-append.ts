/**
 * The SQLite append path on statements prepared once. Appends are the hot
 * path (every message, receipt and join); building each query with Kysely
 * and preparing it again cost more than running it, so this path speaks SQL
 * to better-sqlite3 directly and commits a whole group in one synchronous
 * transaction.
 *
 * The duplicate and receipt checks run before the sequence number is taken,
 * so a refused append leaves no gap. SQLite runs one write transaction at a
 * time, so check-then-insert is safe.
 *
 * Every statement names its tenant (`tenant = ?`, and the tenant column of
 * every row it inserts): a chat id of another tenant finds nothing, so an
 * append to it is `contactNotFound`. tests/tenant-scope.test.ts checks it.
 * @module
 */
import type BetterSqlite3 from "better-sqlite3";
import { duplicateOf, payloadOf, type TenantAppend } from "./sql-common.js";
import { outboxRows, toSubscriber, type OutboxRow, type WebhookSubscriber } from "./webhook-queries.js";
import type { WebhookSubscriberCache } from "./webhook-subscribers.js";
import type { ChatFacts } from "../webhooks/event-types.js";
import { MESSAGE_EVENT_NAMES, RECEIPT_EVENT_NAMES, type AppendRequest, type AppendResult, type StateChange } from "./types.js";

/** How many committed messages' authors are remembered for their receipts. */
const KNOWN_AUTHORS = 20_000;

const MESSAGE_NAMES_SQL = MESSAGE_EVENT_NAMES.map((name) => `'${name}'`).join(", ");

interface OriginalRow {
  seq: number;
  id: string;
  ts: string;
  name: string;
  payload: string;
}

export class SqliteAppender {
  private readonly findByClientId: BetterSqlite3.Statement<[string, string, string, string], OriginalRow>;
  private readonly findMessageAuthor: BetterSqlite3.Statement<[string, string, string], { user_id: string | null }>;
  private readonly findReceipt: BetterSqlite3.Statement<[string, string, string, string, string], { seq: number }>;
  private readonly takeSeqActive: BetterSqlite3.Statement<[string, string], { last_seq: number }>;
  private readonly takeSeqAny: BetterSqlite3.Statement<[string, string], { last_seq: number }>;
  private readonly contactStatus: BetterSqlite3.Statement<[string, string], { status: string }>;
  private readonly insertEvent: BetterSqlite3.Statement<
    [string, string, number, string, string, string | null, string | null, string | null, string, string]
  >;
  private readonly upsertParticipant: BetterSqlite3.Statement<[string, string, string, string, number, string, string, string | null]>;
  private readonly participantLeft: BetterSqlite3.Statement<[string, string, string, string]>;
  private readonly contactEnded: BetterSqlite3.Statement<[string, string, string]>;
  private readonly attachMedia: BetterSqlite3.Statement<[string, string, string, string]>;
  private readonly selectSubscribers: BetterSqlite3.Statement<[string], { id: string; events: string | null }>;
  private readonly insertDelivery: BetterSqlite3.Statement<
    [string, string, string, string, string, string | null, string, string, string, string, number, string, string]
  >;
  private readonly selectCallData: BetterSqlite3.Statement<[string, string], { key: string; value: string }>;
  private readonly findAgentPresent: BetterSqlite3.Statement<[string, string], { present: number }>;
  private readonly selectQueue: BetterSqlite3.Statement<[string, string], { queue: string }>;
  private readonly setCallData: BetterSqlite3.Statement<[string, string, string, string]>;
  private readonly removeCallData: BetterSqlite3.Statement<[string, string, string]>;
  /**
   * Authors of recently committed messages, by tenant, chat and message id, oldest
   * first. Receipts mostly name a message committed moments before, so they
   * find its author here without a query. Events are never deleted, so an
   * entry stays true; only committed messages are added.
   */
  private readonly authors = new Map<string, string | null>();
  /** Runs a batch in one transaction (BEGIN IMMEDIATE … COMMIT, rolled back on a throw). */
  private readonly inTransaction: (requests: TenantAppend[]) => AppendResult[];

  constructor(
    private readonly db: BetterSqlite3.Database,
    /** The tenants' webhook endpoints, so an append of a tenant without any costs no query. */
    private readonly webhooks: WebhookSubscriberCache,
  ) {
    this.findByClientId = db.prepare("SELECT seq, id, ts, name, payload FROM events WHERE tenant = ? AND chat_id = ? AND user_id = ? AND client_id = ?");
    this.findMessageAuthor = db.prepare(`SELECT user_id FROM events WHERE tenant = ? AND chat_id = ? AND id = ? AND name IN (${MESSAGE_NAMES_SQL})`);
    this.findReceipt = db.prepare("SELECT seq FROM events WHERE tenant = ? AND chat_id = ? AND ref_id = ? AND user_id = ? AND name = ?");
    this.takeSeqActive = db.prepare(
      "UPDATE contacts SET last_seq = last_seq + 1 WHERE tenant = ? AND id = ? AND status = 'active' RETURNING last_seq",
    );
    this.takeSeqAny = db.prepare("UPDATE contacts SET last_seq = last_seq + 1 WHERE tenant = ? AND id = ? RETURNING last_seq");
    this.contactStatus = db.prepare("SELECT status FROM contacts WHERE tenant = ? AND id = ?");
    this.insertEvent = db.prepare(
      "INSERT INTO events (tenant, chat_id, seq, id, name, user_id, client_id, ref_id, payload, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    // A participant who left and comes back keeps one row: rejoining clears left_at. Chat ids are unique
    // across tenants, so the row found is this tenant's; the WHERE says so again.
    this.upsertParticipant = db.prepare(
      "INSERT INTO participants (tenant, chat_id, user_id, nickname, is_agent, channel, joined_at, left_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (chat_id, user_id) DO UPDATE SET nickname = excluded.nickname, joined_at = excluded.joined_at, left_at = NULL " +
        "WHERE participants.tenant = excluded.tenant",
    );
    this.participantLeft = db.prepare("UPDATE participants SET left_at = ? WHERE tenant = ? AND chat_id = ? AND user_id = ?");
    this.contactEnded = db.prepare("UPDATE contacts SET status = 'ended', ended_at = ? WHERE tenant = ? AND id = ?");
    this.attachMedia = db.prepare("INSERT INTO message_media (tenant, chat_id, message_id, media_id) VALUES (?, ?, ?, ?)");
    this.selectSubscribers = db.prepare("SELECT id, events FROM webhook_endpoints WHERE tenant = ? AND enabled = 1 ORDER BY id");
    this.insertDelivery = db.prepare(
      "INSERT INTO webhook_deliveries (tenant, id, endpoint_id, event_id, type, chat_id, order_key, position, body, status, attempts, next_at, created_at) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    // What a webhook may need of its chat (its call data, whether it waits, where), asked only for the types some endpoint takes.
    this.selectCallData = db.prepare("SELECT key, value FROM call_data WHERE tenant = ? AND chat_id = ? ORDER BY key");
    this.findAgentPresent = db.prepare("SELECT 1 AS present FROM participants WHERE tenant = ? AND chat_id = ? AND is_agent = 1 AND left_at IS NULL LIMIT 1");
    this.selectQueue = db.prepare("SELECT queue FROM contacts WHERE tenant = ? AND id = ?");
    this.setCallData = db.prepare(
      "INSERT INTO call_data (tenant, chat_id, key, value) VALUES (?, ?, ?, ?) " +
        "ON CONFLICT (chat_id, key) DO UPDATE SET value = excluded.value WHERE call_data.tenant = excluded.tenant",
    );
    this.removeCallData = db.prepare("DELETE FROM call_data WHERE tenant = ? AND chat_id = ? AND key = ?");
    this.inTransaction = db.transaction((requests: TenantAppend[]) => requests.map(({ tenant, request }) => this.appendOne(tenant, request))).immediate;
  }

  /** Appends every request in one transaction; one result per request, in order. Throws (and rolls back) as a whole. */
  appendBatch(requests: TenantAppend[]): AppendResult[] {
    const results = this.inTransaction(requests);
    // Committed: only now may the messages' authors be remembered.
    results.forEach((result, i) => {
      const { tenant, request } = requests[i]!;
      if (result.status === "appended" && MESSAGE_EVENT_NAMES.includes(request.name)) {
        this.rememberAuthor(tenant, request.chatId, request.id, request.userId);
      }
    });
    return results;
  }

  private rememberAuthor(tenant: string, chatId: string, messageId: string, userId: string | null): void {
    this.authors.set(`${tenant} ${chatId} ${messageId}`, userId);
    if (this.authors.size > KNOWN_AUTHORS) this.authors.delete(this.authors.keys().next().value!);
  }

  /** The message's author (null for a system message), or undefined when the tenant's chat has no such message. */
  private messageAuthor(tenant: string, chatId: string, messageId: string): { user_id: string | null } | undefined {
    const known = this.authors.get(`${tenant} ${chatId} ${messageId}`);
    if (known !== undefined) return { user_id: known };
    return this.findMessageAuthor.get(tenant, chatId, messageId);
  }

  private appendOne(tenant: string, req: AppendRequest): AppendResult {
    if (req.clientId !== undefined && req.userId !== null) {
      const original = this.findByClientId.get(tenant, req.chatId, req.userId, req.clientId);
      if (original !== undefined) {
        return duplicateOf(original);
      }
    }
    const isReceipt = RECEIPT_EVENT_NAMES.includes(req.name);
    if (isReceipt) {
      if (req.refId === undefined) throw new Error("a receipt needs refId");
      const message = this.messageAuthor(tenant, req.chatId, req.refId);
      if (message === undefined) return { status: "messageNotFound" };
      // Nobody acknowledges their own message.
      if (message.user_id === req.userId) return { status: "receiptIgnored" };
      if (req.userId !== null && this.findReceipt.get(tenant, req.chatId, req.refId, req.userId, req.name) !== undefined) {
        return { status: "receiptIgnored" };
      }
    }
    // Receipts are still accepted after the end, so the last messages can be marked seen.
    const head = (isReceipt ? this.takeSeqAny : this.takeSeqActive).get(tenant, req.chatId);
    if (head === undefined) {
      return { status: this.contactStatus.get(tenant, req.chatId) === undefined ? "contactNotFound" : "contactEnded" };
    }
    this.insertEvent.run(
      tenant,
      req.chatId,
      head.last_seq,
      req.id,
      req.name,
      req.userId,
      req.clientId ?? null,
      req.refId ?? null,
      payloadOf(req),
      req.ts,
    );
    if (req.change !== undefined) this.applyChange(tenant, req.chatId, req.change);
    // The outbox: the event's webhook deliveries commit with it, or not at all.
    const rows = outboxRows(tenant, this.subscribersOf(tenant), { chatId: req.chatId, id: req.id, name: req.name, data: req.data, seq: head.last_seq, ts: req.ts }, this.factsOf(tenant, req.chatId));
    for (const row of rows) this.insertOutboxRow(tenant, row);
    return { status: "appended", seq: head.last_seq, id: req.id, ts: req.ts };
  }

  /** A chat's facts for its webhooks, read in the append's transaction when asked. */
  private factsOf(tenant: string, chatId: string): ChatFacts {
    return {
      callData: () => Object.fromEntries(this.selectCallData.all(tenant, chatId).map((row) => [row.key, row.value])),
      agentPresent: () => this.findAgentPresent.get(tenant, chatId) !== undefined,
      queue: () => this.selectQueue.get(tenant, chatId)?.queue ?? "default",
    };
  }

  /** The tenant's enabled endpoints: from the cache, else read here (synchronously, in the transaction). */
  private subscribersOf(tenant: string): readonly WebhookSubscriber[] {
    const known = this.webhooks.get(tenant);
    if (known !== undefined) return known;
    const startedAt = this.webhooks.current;
    const loaded = this.selectSubscribers.all(tenant).map(toSubscriber);
    return this.webhooks.fill(tenant, loaded, startedAt);
  }

  private insertOutboxRow(tenant: string, row: OutboxRow): void {
    this.insertDelivery.run(
      tenant,
      row.id,
      row.endpoint_id,
      row.event_id,
      row.type,
      row.chat_id ?? null,
      row.order_key,
      row.position,
      row.body,
      row.status,
      row.attempts,
      row.next_at,
      row.created_at,
    );
  }

  private applyChange(tenant: string, chatId: string, change: StateChange): void {
    switch (change.kind) {
      case "participantJoined": {
        const p = change.participant;
        this.upsertParticipant.run(tenant, chatId, p.userId, p.nickname, p.isAgent ? 1 : 0, p.channel, p.joinedAt, p.leftAt);
        return;
      }
      case "participantLeft":
        this.participantLeft.run(change.at, tenant, chatId, change.userId);
        return;
      case "contactEnded":
        this.contactEnded.run(change.at, tenant, chatId);
        return;
      case "mediaAttached":
        this.attachMedia.run(tenant, chatId, change.messageId, change.mediaId);
        return;
      case "callDataChanged":
        for (const [key, value] of Object.entries(change.changes)) {
          if (value === null) this.removeCallData.run(tenant, chatId, key);
          else this.setCallData.run(tenant, chatId, key, value);
        }
        return;
    }
  }
}

