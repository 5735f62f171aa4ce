/** Table types of the SQL stores, as Kysely sees them. Column names are snake_case. */

export interface AgentsTable {
  id: string;
  username: string;
  nickname: string;
  password_hash: string;
  created_at: string;
}

export interface ContactsTable {
  id: string;
  status: "active" | "ended";
  created_at: string;
  ended_at: string | null;
  last_seq: number;
  customer_user_id: string;
  nickname: string;
  email: string | null;
  page_uri: string | null;
  page_title: string | null;
  user_agent: string | null;
  client_ip: string | null;
}

export interface ParticipantsTable {
  chat_id: string;
  user_id: string;
  nickname: string;
  /** 0 or 1: SQLite has no boolean type. */
  is_agent: number;
  channel: string;
  joined_at: string;
  left_at: string | null;
}

export interface EventsTable {
  chat_id: string;
  seq: number;
  id: string;
  name: string;
  user_id: string | null;
  client_id: string | null;
  ref_id: string | null;
  /** JSON text: exactly the event's `data`. */
  payload: string;
  ts: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  agents: AgentsTable;
  contacts: ContactsTable;
  participants: ParticipantsTable;
  events: EventsTable;
  meta: MetaTable;
}
