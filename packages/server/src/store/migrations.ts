/**
 * Schema migrations, in code so they ship inside the build. A released
 * migration is never edited: change the schema with a new one.
 * @module
 */
import { sql, type Kysely, type Migration } from "kysely";

const m001_initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("agents")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("username", "text", (c) => c.notNull().unique())
      .addColumn("nickname", "text", (c) => c.notNull())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("contacts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("ended_at", "text")
      .addColumn("last_seq", "integer", (c) => c.notNull())
      .addColumn("customer_user_id", "text", (c) => c.notNull())
      .addColumn("nickname", "text", (c) => c.notNull())
      .addColumn("email", "text")
      .addColumn("page_uri", "text")
      .addColumn("page_title", "text")
      .addColumn("user_agent", "text")
      .addColumn("client_ip", "text")
      .execute();

    await db.schema
      .createTable("participants")
      .addColumn("chat_id", "text", (c) => c.notNull().references("contacts.id"))
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("nickname", "text", (c) => c.notNull())
      .addColumn("is_agent", "integer", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("joined_at", "text", (c) => c.notNull())
      .addColumn("left_at", "text")
      .addPrimaryKeyConstraint("participants_pk", ["chat_id", "user_id"])
      .execute();

    await db.schema
      .createTable("events")
      .addColumn("chat_id", "text", (c) => c.notNull().references("contacts.id"))
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("user_id", "text")
      .addColumn("client_id", "text")
      .addColumn("ref_id", "text")
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("ts", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("events_pk", ["chat_id", "seq"])
      .execute();
    // A retried send with the same client id must find the original, never store a second one.
    await db.schema
      .createIndex("events_client_id")
      .unique()
      .on("events")
      .columns(["chat_id", "user_id", "client_id"])
      .where(sql.ref("client_id"), "is not", null)
      .execute();
    // One receipt per message, participant and kind.
    await db.schema
      .createIndex("events_receipt")
      .unique()
      .on("events")
      .columns(["chat_id", "ref_id", "user_id", "name"])
      .where(sql.ref("ref_id"), "is not", null)
      .execute();
    // Receipts look their message up by id.
    await db.schema.createIndex("events_id").on("events").columns(["chat_id", "id"]).execute();

    await db.schema
      .createTable("meta")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .execute();
  },
};

const m002_media: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Files as uploaded and processed; the bytes live in the blob store under blob_key.
    await db.schema
      .createTable("media")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("chat_id", "text", (c) => c.notNull().references("contacts.id"))
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("message_type", "text", (c) => c.notNull())
      .addColumn("document_type", "text", (c) => c.notNull())
      .addColumn("file_name", "text", (c) => c.notNull())
      .addColumn("original_size", "integer", (c) => c.notNull())
      .addColumn("resized", "integer", (c) => c.notNull())
      .addColumn("blob_key", "text", (c) => c.notNull())
      .addColumn("mime_type", "text", (c) => c.notNull())
      .addColumn("size", "integer", (c) => c.notNull())
      .addColumn("width", "integer")
      .addColumn("height", "integer")
      .addColumn("thumb_blob_key", "text")
      .addColumn("thumb_mime_type", "text")
      .addColumn("thumb_size", "integer")
      .addColumn("thumb_width", "integer")
      .addColumn("thumb_height", "integer")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    // Which file each multimedia message refers to; written in the message's own transaction.
    await db.schema
      .createTable("message_media")
      .addColumn("chat_id", "text", (c) => c.notNull().references("contacts.id"))
      .addColumn("message_id", "text", (c) => c.notNull())
      .addColumn("media_id", "text", (c) => c.notNull().references("media.id"))
      .addPrimaryKeyConstraint("message_media_pk", ["chat_id", "message_id"])
      .execute();
  },
};

const m003_contact_list: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // The agents' chat list pages newest first, all chats or one status at a time.
    await db.schema.createIndex("contacts_created").on("contacts").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("contacts_status_created").on("contacts").columns(["status", "created_at", "id"]).execute();
  },
};

const m005_media_state: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Images sent inline are processed after their message commits: the job is durable as a pending row
    // (its clean original in the blob store) and resumed at start. Files recorded before were all stored.
    await db.schema.alterTable("media").addColumn("state", "text", (c) => c.notNull().defaultTo("stored")).execute();
    await db.schema.alterTable("media").addColumn("failure", "text").execute();
    await db.schema.createIndex("media_pending").on("media").columns(["state", "created_at"]).execute();
  },
};

/** Tables whose rows belong to one tenant: each gets a `tenant` column (see tenant-db.ts). */
const TENANT_OWNED = ["contacts", "participants", "events", "media", "message_media"] as const;

const m006_tenants: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // A tenant (the original product's domain) owns agents, chats and files. `default` is today's
    // single-tenant install: it exists from this migration on, so an upgraded install needs no step.
    await db.schema
      .createTable("tenants")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("display_name", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("max_agents", "integer")
      .addColumn("max_active_chats", "integer")
      .addColumn("max_storage_bytes", "bigint")
      .addColumn("retention_days", "integer")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db
      .insertInto("tenants" as never)
      .values({ name: "default", display_name: "Default", status: "active", created_at: new Date().toISOString() } as never)
      .execute();

    // Usernames are unique per tenant, not per install: the agents table is rebuilt (SQLite cannot drop a
    // column's UNIQUE). Agents from before tenants keep every power they had: they become admins.
    await db.schema
      .createTable("agents_006")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("username", "text", (c) => c.notNull())
      .addColumn("nickname", "text", (c) => c.notNull())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("disabled_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addUniqueConstraint("agents_tenant_username", ["tenant", "username"])
      .execute();
    await sql`insert into agents_006 (tenant, id, username, nickname, password_hash, role, disabled_at, created_at)
      select 'default', id, username, nickname, password_hash, 'admin', null, created_at from agents`.execute(db);
    await db.schema.dropTable("agents").execute();
    await db.schema.alterTable("agents_006").renameTo("agents").execute();

    // Existing rows are the default tenant's. The column default only serves this backfill: every insert
    // names its tenant through tenant-db.ts, which the row types require.
    for (const table of TENANT_OWNED) {
      await db.schema.alterTable(table).addColumn("tenant", "text", (c) => c.notNull().defaultTo("default")).execute();
    }
    // The chat list and the retention job read one tenant's chats by age.
    await db.schema.createIndex("contacts_tenant_created").on("contacts").columns(["tenant", "created_at", "id"]).execute();
    await db.schema
      .createIndex("contacts_tenant_status_created")
      .on("contacts")
      .columns(["tenant", "status", "created_at", "id"])
      .execute();
    await db.schema.createIndex("media_tenant_created").on("media").columns(["tenant", "created_at"]).execute();
  },
};

const m007_lifecycle: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Who did what, when and from where, per tenant. Append-only: the store has no method that updates or
    // deletes a row, and retention leaves it alone (see docs/privacy.md).
    await db.schema
      .createTable("audit_log")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor_type", "text", (c) => c.notNull())
      .addColumn("actor_id", "text")
      .addColumn("actor_name", "text")
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("target_type", "text")
      .addColumn("target_id", "text")
      .addColumn("detail", "text", (c) => c.notNull())
      .addColumn("address", "text")
      .execute();
    // Admins page the log newest first, all actions or one.
    await db.schema.createIndex("audit_log_tenant_at").on("audit_log").columns(["tenant", "at", "id"]).execute();
    await db.schema.createIndex("audit_log_tenant_action_at").on("audit_log").columns(["tenant", "action", "at", "id"]).execute();

    // A background job that must run on one node at a time holds its tenant's lease: a row taken over by
    // compare-and-set only once its holder let it expire (see store/lifecycle-queries.ts).
    await db.schema
      .createTable("job_leases")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("holder", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("job_leases_pk", ["tenant", "name"])
      .execute();

    // Erasure leaves a tombstone: the chat is still counted, its customer's data is gone.
    await db.schema.alterTable("contacts").addColumn("erased_at", "text").execute();
    await db.schema.alterTable("media").addColumn("erased_at", "text").execute();
    // Retention finds ended chats by when they ended, and files no message refers to by age.
    await db.schema.createIndex("contacts_tenant_status_ended").on("contacts").columns(["tenant", "status", "ended_at"]).execute();
    await db.schema.createIndex("contacts_tenant_email").on("contacts").columns(["tenant", "email"]).execute();
    await db.schema.createIndex("contacts_tenant_customer").on("contacts").columns(["tenant", "customer_user_id"]).execute();
    // Whether a blob is still referenced, by any tenant's file.
    await db.schema.createIndex("media_blob_key").on("media").columns(["blob_key"]).execute();
    await db.schema.createIndex("media_thumb_blob_key").on("media").columns(["thumb_blob_key"]).execute();
    await db.schema.createIndex("message_media_media").on("message_media").columns(["media_id"]).execute();
  },
};

const m008_api_keys: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Long-lived credentials of integrations, one tenant's each. Only the SHA-256 of a key is kept (see
    // auth/api-keys.ts); `prefix` is its first characters, shown so an admin can tell keys apart.
    await db.schema
      .createTable("api_keys")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("prefix", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull().unique())
      .addColumn("scopes", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.notNull())
      .addColumn("last_used_at", "text")
      .addColumn("revoked_at", "text")
      .execute();
    await db.schema.createIndex("api_keys_tenant_created").on("api_keys").columns(["tenant", "created_at"]).execute();
  },
};

const m009_desk: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // The most chats an agent handles at once (the desk refuses a join past it); null: the install's default.
    await db.schema.alterTable("agents").addColumn("capacity", "integer").execute();
    // One row per agent who ever opened a socket: the status they set, and when a node last saw a socket of
    // theirs. The grace period is measured from last_seen_at, so it survives restarts and node deaths.
    // returned_for is the last_seen_at whose absence already returned the agent's chats; lease_until keeps
    // a second node from returning them too while the first one works.
    await db.schema
      .createTable("agent_presence")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("status_at", "text", (c) => c.notNull())
      .addColumn("last_seen_at", "text", (c) => c.notNull())
      .addColumn("returned_for", "text")
      .addColumn("lease_until", "text")
      .addPrimaryKeyConstraint("agent_presence_pk", ["tenant", "agent_id"])
      .execute();
    // The sweep looks for agents not seen since the grace period began.
    await db.schema.createIndex("agent_presence_last_seen").on("agent_presence").columns(["tenant", "last_seen_at"]).execute();
    // An agent's chats (My chats, capacity, the grace period's return) are found by the agent, not by the chat.
    await db.schema.createIndex("participants_tenant_user").on("participants").columns(["tenant", "user_id", "left_at"]).execute();
  },
};

const m012_webhooks: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // A tenant's webhook endpoints. The secret is kept as given: it signs every delivery, so it must be
    // readable (unlike an API key, which is only compared). events: JSON array of types, or null for all.
    await db.schema
      .createTable("webhook_endpoints")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("secret", "text", (c) => c.notNull())
      .addColumn("description", "text", (c) => c.notNull())
      .addColumn("events", "text")
      .addColumn("enabled", "integer", (c) => c.notNull())
      .addColumn("disabled_reason", "text")
      .addColumn("failing_since", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("webhook_endpoints_tenant").on("webhook_endpoints").columns(["tenant", "created_at"]).execute();
    // The outbox: one row per event and endpoint, written in the event's own transaction. order_key groups
    // what must arrive in order (a chat's events to one endpoint); position orders them as text.
    await db.schema
      .createTable("webhook_deliveries")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("endpoint_id", "text", (c) => c.notNull())
      .addColumn("event_id", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("chat_id", "text")
      .addColumn("order_key", "text", (c) => c.notNull())
      .addColumn("position", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_at", "text", (c) => c.notNull())
      .addColumn("claimed_until", "text")
      .addColumn("claimed_by", "text")
      .addColumn("last_code", "integer")
      .addColumn("last_error", "text")
      .addColumn("last_attempt_at", "text")
      .addColumn("delivered_at", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    // The workers' claim: due pending rows; and the order check: earlier pending rows of the same key.
    await db.schema.createIndex("webhook_deliveries_due").on("webhook_deliveries").columns(["status", "next_at"]).execute();
    await db.schema
      .createIndex("webhook_deliveries_order")
      .on("webhook_deliveries")
      .columns(["tenant", "endpoint_id", "order_key", "status", "position"])
      .execute();
    // The delivery log of an endpoint, newest first.
    await db.schema.createIndex("webhook_deliveries_log").on("webhook_deliveries").columns(["tenant", "endpoint_id", "created_at"]).execute();
  },
};

const m013_call_data: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // A chat's call data, one row per key. Changed only with the `callDataChanged` event that records the
    // change, in its transaction. Searched by key and value (`GET /v1/chats?callData.<key>=<value>`, the
    // back office's getChatTranscriptByCalldata), hence the second index.
    await db.schema
      .createTable("call_data")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("chat_id", "text", (c) => c.notNull())
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("call_data_pk", ["chat_id", "key"])
      .execute();
    await db.schema.createIndex("call_data_tenant_key_value").on("call_data").columns(["tenant", "key", "value"]).execute();
  },
};

const m014_front_door: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // A queue's settings by its name (text, "default" for chats of no queue): no foreign key, so settings can
    // be written before or without a queue table. Each setting is a JSON document; null: the built-in default.
    await db.schema
      .createTable("queue_settings")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("queue", "text", (c) => c.notNull())
      .addColumn("survey", "text")
      .addColumn("hours", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("queue_settings_pk", ["tenant", "queue"])
      .execute();
    // One survey per chat: the primary key is what refuses a second answer, even from two nodes at once.
    await db.schema
      .createTable("surveys")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("chat_id", "text", (c) => c.notNull())
      .addColumn("queue", "text", (c) => c.notNull())
      .addColumn("agent_id", "text")
      .addColumn("rating", "integer", (c) => c.notNull())
      .addColumn("comment", "text")
      .addColumn("answers", "text", (c) => c.notNull())
      .addColumn("submitted_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("surveys_pk", ["tenant", "chat_id"])
      .execute();
    // Reports average by day over a range.
    await db.schema.createIndex("surveys_tenant_submitted").on("surveys").columns(["tenant", "submitted_at"]).execute();
    await db.schema
      .createTable("offline_messages")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("queue", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("email", "text", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("consent", "integer", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("answered_at", "text")
      .addColumn("answered_by", "text")
      .addColumn("client_ip", "text")
      .execute();
    // The console lists them newest first; the cap counts those not answered.
    await db.schema.createIndex("offline_messages_tenant_created").on("offline_messages").columns(["tenant", "created_at", "id"]).execute();
    await db.schema.createIndex("offline_messages_tenant_state").on("offline_messages").columns(["tenant", "state"]).execute();
  },
};

const m015_prechat_forms: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // A queue's pre-chat form by queue name (like queue_settings, no foreign key): one JSON document.
    await db.schema
      .createTable("prechat_forms")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("queue", "text", (c) => c.notNull())
      .addColumn("form", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("prechat_forms_pk", ["tenant", "queue"])
      .execute();
    // What a chat's customer answered, written with the chat: every answer (those hidden from agents are
    // only here; the others are also the chat's call data) and whether, and to which policy, they consented.
    await db.schema
      .createTable("chat_prechat")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("chat_id", "text", (c) => c.notNull())
      .addColumn("queue", "text", (c) => c.notNull())
      .addColumn("answers", "text", (c) => c.notNull())
      .addColumn("hidden", "text", (c) => c.notNull())
      .addColumn("consent", "integer")
      .addColumn("privacy_url", "text")
      .addColumn("submitted_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("chat_prechat_pk", ["tenant", "chat_id"])
      .execute();
  },
};

const m011_supervision: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Internal notes, whispers and transfer notes: agents only, so never in the events table, whose rows
    // customers replay, page and export. A transfer note names where the chat went (an agent or a queue).
    await db.schema
      .createTable("chat_notes")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("chat_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("author_id", "text", (c) => c.notNull())
      .addColumn("author_nickname", "text", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("ts", "text", (c) => c.notNull())
      .addColumn("target_agent_id", "text")
      .addColumn("target_nickname", "text")
      .addColumn("target_queue", "text")
      .execute();
    // A chat's notes are read newest first (join replay) and its last transfer to a queue (supervision).
    await db.schema.createIndex("chat_notes_tenant_chat_ts").on("chat_notes").columns(["tenant", "chat_id", "ts", "id"]).execute();
  },
};

const m010_queues: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Named queues per tenant, with their routing mode and waiting limit. The `default` queue needs no row:
    // a tenant without one routes it manually, with no limit (see store/queue-queries.ts).
    await db.schema
      .createTable("queues")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("mode", "text", (c) => c.notNull())
      .addColumn("offer_seconds", "integer", (c) => c.notNull())
      .addColumn("wait_limit_seconds", "integer")
      .addColumn("wait_limit_action", "text", (c) => c.notNull())
      .addColumn("wait_limit_message", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("queues_pk", ["tenant", "name"])
      .execute();
    await db.schema
      .createTable("queue_members")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("queue", "text", (c) => c.notNull())
      .addColumn("agent_id", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("queue_members_pk", ["tenant", "queue", "agent_id"])
      .execute();
    // A chat's queue, and when its customer first started waiting (kept when the chat returns to the queue).
    await db.schema.alterTable("contacts").addColumn("queue", "text", (c) => c.notNull().defaultTo("default")).execute();
    await db.schema.alterTable("contacts").addColumn("first_wait_at", "text").execute();
    await db.schema.createIndex("contacts_tenant_queue_status").on("contacts").columns(["tenant", "queue", "status"]).execute();
    // The routing state of a chat while it waits: the one open offer (the agent and until when), agents who let
    // it pass in this waiting spell, and the spell whose waiting limit was handled. Offers and accepts are
    // conditional updates of this row, so of several nodes exactly one wins each step.
    await db.schema
      .createTable("chat_routing")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("chat_id", "text", (c) => c.notNull())
      .addColumn("queue", "text", (c) => c.notNull())
      .addColumn("offered_to", "text")
      .addColumn("offer_expires_at", "text")
      .addColumn("accepted_at", "text")
      .addColumn("spell", "text", (c) => c.notNull())
      .addColumn("passed", "text", (c) => c.notNull())
      .addColumn("limit_spell", "text")
      .addColumn("assigned_at", "text")
      .addColumn("wait_ms", "integer")
      .addPrimaryKeyConstraint("chat_routing_pk", ["tenant", "chat_id"])
      .execute();
    // The recent waits of a queue make its estimated wait.
    await db.schema.createIndex("chat_routing_queue_assigned").on("chat_routing").columns(["tenant", "queue", "assigned_at"]).execute();
    // Auto routing offers the member who has waited longest since their last chat.
    await db.schema.alterTable("agent_presence").addColumn("last_assigned_at", "text").execute();
  },
};

const m016_invitations: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // A site's proactive invitation rules: one JSON document per tenant, read whole by every widget that asks.
    await db.schema
      .createTable("invitations")
      .addColumn("tenant", "text", (c) => c.primaryKey())
      .addColumn("rules", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
  },
};

const m017_canned_responses: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Canned responses: `scope` is "shared" (the tenant's) or the owning agent's user id, so one unique index
    // keeps shortcuts unique per scope and the console's list (shared and mine) is one index range each.
    await db.schema
      .createTable("canned_responses")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("scope", "text", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("shortcut", "text", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("canned_responses_scope_shortcut").unique().on("canned_responses").columns(["tenant", "scope", "shortcut"]).execute();
  },
};

const m018_visitor_context: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // What the customer's browser told when the chat started, besides the page and user agent the chat row
    // keeps: its language, time zone and visitor id (random, kept in the browser per tenant). One row per chat.
    await db.schema
      .createTable("visitor_contexts")
      .addColumn("tenant", "text", (c) => c.notNull())
      .addColumn("chat_id", "text", (c) => c.notNull())
      .addColumn("visitor_id", "text")
      .addColumn("language", "text")
      .addColumn("time_zone", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("visitor_contexts_pk", ["tenant", "chat_id"])
      .execute();
    // A visitor's previous chats, newest first; and a customer's by e-mail, compared without regard to case.
    await db.schema.createIndex("visitor_contexts_tenant_visitor").on("visitor_contexts").columns(["tenant", "visitor_id", "created_at"]).execute();
    await sql`create index contacts_tenant_lower_email on contacts (tenant, lower(email))`.execute(db);
  },
};

/** Every migration by name; names sort in the order they apply. */
export const MIGRATIONS: Record<string, Migration> = {
  "001_initial": m001_initial,
  "002_media": m002_media,
  "003_contact_list": m003_contact_list,
  "005_media_state": m005_media_state,
  "006_tenants": m006_tenants,
  "007_lifecycle": m007_lifecycle,
  "008_api_keys": m008_api_keys,
  "009_desk": m009_desk,
  "010_queues": m010_queues,
  "011_supervision": m011_supervision,
  "012_webhooks": m012_webhooks,
  "013_call_data": m013_call_data,
  "014_front_door": m014_front_door,
  "015_prechat_forms": m015_prechat_forms,
  "016_invitations": m016_invitations,
  "017_canned_responses": m017_canned_responses,
  "018_visitor_context": m018_visitor_context,
};
