/**
 * What reports are computed from: one row per chat started in a range, with
 * the instants its numbers are measured between, read from the stored chat,
 * its events and its survey (never from a node's memory, so every node
 * answers alike, right after a restart too). The grouping and the medians
 * are reports/compute.ts's. Takes a {@link TenantDb}.
 * @module
 */
import { sql } from "kysely";
import type { TenantDb } from "./tenant-db.js";

/** One chat's facts, as a report reads them. Times are ISO 8601 (UTC). */
export interface ReportChat {
  chatId: string;
  /** The chat's queue now (a transfer to a queue moves it). */
  queue: string;
  createdAt: string;
  /** When the customer first started waiting (the chat's start for chats from before queues). */
  waitFrom: string;
  endedAt: string | null;
  /** When the customer left the chat (and has not come back), null otherwise. */
  customerLeftAt: string | null;
  /** The first agent's join, null when no agent ever joined. */
  firstAgentJoinAt: string | null;
  /** The agent who joined first. */
  firstAgentId: string | null;
  /** The first message, link, file or menu sent by an agent. */
  firstAgentMessageAt: string | null;
  /** The customer's first message, link, file or menu answer. */
  firstCustomerMessageAt: string | null;
  /** How many times the chat was transferred (`contactTransferred` events). */
  transfers: number;
  /** The survey's rating, null without one. */
  rating: number | null;
  /** The agent the survey rates. */
  ratedAgentId: string | null;
}

/** The events that carry something a participant said. */
const MESSAGE_EVENTS = ["message", "link", "multimediaMessage", "richMessage"] as const;

interface ChatRow {
  chat_id: string;
  queue: string;
  created_at: string;
  wait_from: string;
  ended_at: string | null;
  customer_left_at: string | null;
  first_agent_join_at: string | null;
  first_agent_id: string | null;
  first_agent_message_at: string | null;
  first_customer_message_at: string | null;
  transfers: number | string;
  rating: number | string | null;
  rated_agent_id: string | null;
}

/**
 * Chats of the tenant started in `[from, to)`, oldest first, at most `limit`.
 * Raw SQL because each chat's firsts are correlated subqueries; every table
 * is matched on its tenant.
 */
export async function selectReportChats(db: TenantDb, range: { from: string; to: string }, limit: number): Promise<ReportChat[]> {
  const messages = sql.join(MESSAGE_EVENTS.map((name) => sql`${name}`));
  // An agent's event: its author is an agent participant of the chat.
  const agentEvents = sql`from events e join participants p on p.tenant = e.tenant and p.chat_id = e.chat_id and p.user_id = e.user_id
    where e.tenant = c.tenant and e.chat_id = c.id and p.is_agent = 1`;
  const result = await db.run(sql<ChatRow>`
    select c.id as chat_id, c.queue as queue, c.created_at as created_at,
      coalesce(c.first_wait_at, c.created_at) as wait_from, c.ended_at as ended_at,
      cp.left_at as customer_left_at,
      (select min(e.ts) ${agentEvents} and e.name = 'userAdded') as first_agent_join_at,
      (select e.user_id ${agentEvents} and e.name = 'userAdded' order by e.seq limit 1) as first_agent_id,
      (select min(e.ts) ${agentEvents} and e.name in (${messages})) as first_agent_message_at,
      (select min(e.ts) from events e where e.tenant = c.tenant and e.chat_id = c.id
        and e.user_id = c.customer_user_id and e.name in (${messages})) as first_customer_message_at,
      (select count(*) from events e where e.tenant = c.tenant and e.chat_id = c.id and e.name = 'contactTransferred') as transfers,
      s.rating as rating, s.agent_id as rated_agent_id
    from contacts c
    left join participants cp on cp.tenant = c.tenant and cp.chat_id = c.id and cp.user_id = c.customer_user_id
    left join surveys s on s.tenant = c.tenant and s.chat_id = c.id
    where c.tenant = ${db.tenant} and c.created_at >= ${range.from} and c.created_at < ${range.to}
    order by c.created_at, c.id
    limit ${limit}`);
  return result.rows.map((row) => ({
    chatId: row.chat_id,
    queue: row.queue,
    createdAt: row.created_at,
    waitFrom: row.wait_from,
    endedAt: row.ended_at,
    customerLeftAt: row.customer_left_at,
    firstAgentJoinAt: row.first_agent_join_at,
    firstAgentId: row.first_agent_id,
    firstAgentMessageAt: row.first_agent_message_at,
    firstCustomerMessageAt: row.first_customer_message_at,
    transfers: Number(row.transfers),
    rating: row.rating === null ? null : Number(row.rating),
    ratedAgentId: row.rated_agent_id,
  }));
}
