/** Table types of the SQL stores, as Kysely sees them. Column names are snake_case. */
import type { ColumnType } from "kysely";

/** A tenant: the original product's domain. Not itself tenant-owned: install-level code reads it. */
export interface TenantsTable {
  name: string;
  display_name: string;
  /** active or disabled. */
  status: string;
  max_agents: number | null;
  max_active_chats: number | null;
  /** PostgreSQL returns bigint as text. */
  max_storage_bytes: number | string | null;
  retention_days: number | null;
  created_at: string;
}

export interface AgentsTable {
  tenant: string;
  id: string;
  username: string;
  nickname: string;
  password_hash: string;
  /** agent, supervisor or admin. */
  role: string;
  disabled_at: string | null;
  created_at: string;
  /** Chats the agent handles at once; null (also when an insert leaves it out): the install's default. */
  capacity: ColumnType<number | null, number | null | undefined, number | null>;
}

/** An agent's desk status and when a socket of theirs was last seen (see desk/). */
export interface AgentPresenceTable {
  tenant: string;
  agent_id: string;
  /** available or away, as the agent set it. */
  status: string;
  status_at: string;
  last_seen_at: string;
  /** The last_seen_at whose grace period already returned the agent's chats. */
  returned_for: string | null;
  /** While set and in the future, a node is returning the agent's chats. */
  lease_until: string | null;
  /** When auto routing last gave the agent a chat. */
  last_assigned_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ContactsTable {
  tenant: string;
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
  /** When the customer's data was erased (the chat stays, as a tombstone); null otherwise. */
  erased_at: string | null;
  /** The chat's queue (`default` for chats from before queues). */
  queue: ColumnType<string, string | undefined, string>;
  /** When the customer first started waiting; null for chats from before queues (their created_at). */
  first_wait_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A named queue of a tenant (see store/queue-queries.ts). */
export interface QueuesTable {
  tenant: string;
  name: string;
  /** manual, auto or external. */
  mode: string;
  offer_seconds: number;
  wait_limit_seconds: number | null;
  /** tell, keep or close. */
  wait_limit_action: string;
  wait_limit_message: string;
  created_at: string;
}

export interface QueueMembersTable {
  tenant: string;
  queue: string;
  agent_id: string;
}

/** A waiting chat's routing: its open offer, who let it pass, and its handled waiting limit. */
export interface ChatRoutingTable {
  tenant: string;
  chat_id: string;
  queue: string;
  offered_to: string | null;
  offer_expires_at: string | null;
  /** Set while the offered agent's accept is being carried out (the offer then holds until offer_expires_at). */
  accepted_at: string | null;
  /** The start of the waiting spell the row's offer state belongs to. */
  spell: string;
  /** JSON array of agent ids who declined or let lapse an offer in this spell. */
  passed: string;
  /** The spell whose waiting limit was handled. */
  limit_spell: string | null;
  assigned_at: string | null;
  wait_ms: number | null;
}

export interface ParticipantsTable {
  tenant: string;
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
  tenant: string;
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

export interface MediaTable {
  tenant: string;
  id: string;
  chat_id: string;
  user_id: string;
  message_type: string;
  document_type: string;
  file_name: string;
  original_size: number;
  /** 0 or 1. */
  resized: number;
  blob_key: string;
  mime_type: string;
  size: number;
  width: number | null;
  height: number | null;
  thumb_blob_key: string | null;
  thumb_mime_type: string | null;
  thumb_size: number | null;
  thumb_width: number | null;
  thumb_height: number | null;
  created_at: string;
  /** pending, stored or failed. */
  state: string;
  failure: string | null;
  /** When the file was erased (its bytes gone, its row kept); null otherwise. */
  erased_at: string | null;
}

export interface MessageMediaTable {
  tenant: string;
  chat_id: string;
  message_id: string;
  media_id: string;
}

/** One recorded admin, supervisor or system action. Append-only. */
export interface AuditLogTable {
  tenant: string;
  /** `AUD_<uuid>`. */
  id: string;
  at: string;
  /** agent, api_key, cli or system. */
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON text: a small object, never secrets. */
  detail: string;
  /** The client address the action came from; null for the CLI and the system. */
  address: string | null;
}

/** A background job's lease in one tenant: the node holding it does the work until it expires. */
export interface JobLeasesTable {
  tenant: string;
  name: string;
  holder: string;
  expires_at: string;
}

/** An API key: its SHA-256, never the key itself. */
export interface ApiKeysTable {
  tenant: string;
  /** `KEY_<uuid>`. */
  id: string;
  name: string;
  /** The key's first characters, shown in lists. */
  prefix: string;
  /** Hex SHA-256 of the whole key. */
  hash: string;
  /** JSON array of scope names. */
  scopes: string;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** A tenant's webhook endpoint (see store/webhook-queries.ts). */
export interface WebhookEndpointsTable {
  tenant: string;
  /** `WHK_<uuid>`. */
  id: string;
  url: string;
  secret: string;
  description: string;
  /** JSON array of event types; null: every type. */
  events: string | null;
  /** 0 or 1. */
  enabled: number;
  disabled_reason: string | null;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

/** One event's delivery to one endpoint: the outbox row. */
export interface WebhookDeliveriesTable {
  tenant: string;
  /** `DLV_<uuid>`. */
  id: string;
  endpoint_id: string;
  event_id: string;
  type: string;
  chat_id: string | null;
  /** Deliveries of one key to one endpoint are sent one after the other: the chat id, else the event id. */
  order_key: string;
  /** Order within the key, compared as text. */
  position: string;
  /** The JSON body, as signed and sent. */
  body: string;
  /** pending, delivered or failed. */
  status: string;
  attempts: number;
  next_at: string;
  claimed_until: string | null;
  claimed_by: string | null;
  last_code: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** One key of a chat's call data. */
export interface CallDataTable {
  tenant: string;
  chat_id: string;
  key: string;
  value: string;
}

/** A queue's settings by name: its survey and business hours, JSON documents (null: the defaults). */
export interface QueueSettingsTable {
  tenant: string;
  queue: string;
  survey: string | null;
  hours: string | null;
  updated_at: string;
}

/** A site's proactive invitation rules (one row per tenant). */
export interface InvitationsTable {
  tenant: string;
  /** The rules, a JSON array (protocol `InvitationRule`). */
  rules: string;
  updated_at: string;
}

/** A queue's pre-chat form by name: a JSON `PrechatForm`. */
export interface PrechatFormsTable {
  tenant: string;
  queue: string;
  form: string;
  updated_at: string;
}

/** The pre-chat answers a chat started with. */
export interface ChatPrechatTable {
  tenant: string;
  chat_id: string;
  queue: string;
  /** JSON object of every answer by field key. */
  answers: string;
  /** JSON array of the keys agents do not see. */
  hidden: string;
  /** 1 or 0 when the form asked for consent; null when it did not. */
  consent: number | null;
  privacy_url: string | null;
  submitted_at: string;
}

/** A chat's answered survey. */
export interface SurveysTable {
  tenant: string;
  chat_id: string;
  queue: string;
  agent_id: string | null;
  rating: number;
  comment: string | null;
  /** JSON object of the extra questions' answers by id. */
  answers: string;
  submitted_at: string;
}

/** A message a customer left while nobody could answer. */
export interface OfflineMessagesTable {
  tenant: string;
  /** `OFF_<uuid>`. */
  id: string;
  queue: string;
  name: string;
  email: string;
  message: string;
  consent: number;
  /** `new`, `read` or `answered`. */
  state: string;
  created_at: string;
  answered_at: string | null;
  answered_by: string | null;
  client_ip: string | null;
}

/** An internal note, whisper or transfer note of a chat: agents only. */
export interface ChatNotesTable {
  tenant: string;
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

/** A canned response (see store/canned-queries.ts): the tenant's shared ones, and each agent's personal ones. */
export interface CannedResponsesTable {
  tenant: string;
  id: string;
  /** `shared`, or the owning agent's user id: shortcuts are unique per tenant and scope. */
  scope: string;
  title: string;
  shortcut: string;
  text: string;
  created_at: string;
  updated_at: string;
}

/** What a customer's browser told about itself when a chat started (see store/visitor-context-queries.ts). */
export interface VisitorContextsTable {
  tenant: string;
  chat_id: string;
  visitor_id: string | null;
  language: string | null;
  time_zone: string | null;
  created_at: string;
}

export interface Database {
  canned_responses: CannedResponsesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  audit_log: AuditLogTable;
  job_leases: JobLeasesTable;
  tenants: TenantsTable;
  media: MediaTable;
  message_media: MessageMediaTable;
  agents: AgentsTable;
  contacts: ContactsTable;
  participants: ParticipantsTable;
  events: EventsTable;
  meta: MetaTable;
  api_keys: ApiKeysTable;
  agent_presence: AgentPresenceTable;
  call_data: CallDataTable;
  visitor_contexts: VisitorContextsTable;
  queue_settings: QueueSettingsTable;
  prechat_forms: PrechatFormsTable;
  chat_prechat: ChatPrechatTable;
  surveys: SurveysTable;
  offline_messages: OfflineMessagesTable;
  chat_notes: ChatNotesTable;
  queues: QueuesTable;
  queue_members: QueueMembersTable;
  chat_routing: ChatRoutingTable;
  invitations: InvitationsTable;
}
