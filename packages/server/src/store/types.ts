/**
 * The storage interface. The chat domain talks to storage only through
 * {@link Store}; SQLite (one machine) and PostgreSQL (several nodes) implement
 * it. Every implementation passes the contract suite in `test/store.contract.ts`.
 * @module
 */
import type { CallData, DocumentType, MediaMessageType, NamedEvent, StoredEvent, StoredEventName, VisitorContext } from "@parley/protocol";
import type { ReportChat } from "./report-queries.js";
import { StoreUnavailableError } from "../db/unavailable.js";
import type { ApiKeyStore } from "./api-key-queries.js";
import type { InstallLifecycleStore, TenantLifecycleStore } from "./lifecycle-store.js";
import type { DeskStore } from "./desk-queries.js";
import type { QueueStore } from "./queue-queries.js";
import type { ClaimedDelivery } from "./install-queries.js";
import type { WebhookStore } from "./webhook-queries.js";
import type { AgentAdminStore } from "./agent-admin-queries.js";
import type { FrontDoorStore } from "./front-door-queries.js";
import type { VisitorContextStore } from "./visitor-context-queries.js";
import type { InvitationStore } from "./invitation-queries.js";
import type { PrechatRecord, PrechatStore } from "./prechat-queries.js";
import type { NoteStore } from "./note-queries.js";
import type { CannedStore } from "./canned-queries.js";

export { StoreUnavailableError };

/** What an agent may do at the desk: answer chats, also watch others' chats, or also administer the tenant. */
export type AgentRole = "agent" | "supervisor" | "admin";

/** An agent account of one tenant. The password is only ever kept as a scrypt hash. */
export interface AgentRecord {
  /** The tenant the agent works for; usernames are unique within it. */
  tenant: string;
  /** `USER_<uuid>`: the agent's user id in every chat. */
  id: string;
  username: string;
  nickname: string;
  /** Encoded scrypt hash with its parameters (see auth/passwords.ts). */
  passwordHash: string;
  role: AgentRole;
  /** When the account was disabled; null while it may log in. */
  disabledAt: string | null;
  createdAt: string;
}

/**
 * An agent to create. The tenant is the store's (when given it must be the
 * same); the role defaults to `agent`, and a new account is enabled.
 */
export type NewAgent = Omit<AgentRecord, "tenant" | "role" | "disabledAt"> & Partial<Pick<AgentRecord, "tenant" | "role" | "disabledAt">>;

/** Per-tenant ceilings; null means no limit. */
export interface TenantLimits {
  /** Agent accounts. */
  maxAgents: number | null;
  /** Chats active at once. */
  maxActiveChats: number | null;
  /** Sum of the stored sizes of the tenant's files, in bytes. */
  maxStorageBytes: number | null;
}

/** A tenant: one company served by the install (the original product's domain). */
export interface TenantRecord {
  /** Lowercase letters, digits and dashes (`TENANT_NAME` in tenant-db.ts). */
  name: string;
  displayName: string;
  /** A disabled tenant's agents and customers are refused. */
  status: "active" | "disabled";
  limits: TenantLimits;
  /** Chats older than this many days are deleted; null keeps them. */
  retentionDays: number | null;
  createdAt: string;
}

/** What {@link Store.updateTenant} may change; absent fields stay as they are. */
export interface TenantPatch {
  displayName?: string;
  status?: "active" | "disabled";
  /** Only the limits named change. */
  limits?: Partial<TenantLimits>;
  retentionDays?: number | null;
}

/** One tenant's chats by state. */
export interface TenantChatCounts {
  tenant: string;
  active: number;
  ended: number;
}

/** Raised by {@link Store.createTenant} when the name is taken. */
export class DuplicateTenantError extends Error {
  constructor(readonly tenant: string) {
    super(`a tenant named "${tenant}" already exists`);
    this.name = "DuplicateTenantError";
  }
}

/** A participant of a chat, current or past. */
export interface ParticipantRecord {
  userId: string;
  nickname: string;
  isAgent: boolean;
  /** `"web"` for customers, `"agent"` for agents. */
  channel: string;
  joinedAt: string;
  leftAt: string | null;
}

/** A chat as stored. */
export interface ContactRecord {
  id: string;
  status: "active" | "ended";
  createdAt: string;
  endedAt: string | null;
  /** Sequence number of the chat's last stored event. */
  lastSeq: number;
  customerUserId: string;
  nickname: string;
  email: string | null;
  pageUri: string | null;
  pageTitle: string | null;
  userAgent: string | null;
  clientIp: string | null;
  /** When the customer's data was erased (the chat stays as a tombstone). */
  erasedAt?: string | null;
  /** The chat's queue (`default` when none was named). */
  queue?: string;
  /** When the customer first started waiting (ISO 8601). */
  firstWaitAt?: string;
}

/** A chat with everyone who ever joined it. */
export interface ContactWithParticipants extends ContactRecord {
  participants: ParticipantRecord[];
  /** The chat's call data (`{}` when none). */
  callData: CallData;
}

/**
 * One event of a chat's log (the protocol's union over event names, so
 * `switch (event.name)` narrows `event.data`).
 */
export type { StoredEvent };

/**
 * A stored event with its payload as the JSON text it was stored as. The
 * payload is serialised once, at commit: the stored row, the bus message and
 * the socket frame are all built around this one string.
 */
export type CommittedEvent = StoredEvent & {
  /** `data` as JSON text, byte for byte what the events table holds. */
  readonly payload: string;
};

/** One stored rendition of a media file: its blob and what it is. */
export interface StoredRendition {
  /** Key of the bytes in the blob store (their SHA-256). */
  blobKey: string;
  mimeType: string;
  size: number;
  width: number | null;
  height: number | null;
}

/**
 * Where a file is in its processing. An image sent inline is recorded
 * `pending` with its metadata stripped (its `fullsize` is that clean
 * original, it has no thumbnail yet); the re-encoding makes it `stored`, or
 * `failed` when it cannot be finished. Everything else is `stored` at once.
 */
export type MediaState = "pending" | "stored" | "failed";

/** What the image processing made of a pending file. */
export interface ProcessedMedia {
  fullsize: StoredRendition;
  thumbnail: StoredRendition | null;
  resized: boolean;
}

/** A file still to be processed, and the message that refers to it (null when none was committed). */
export interface PendingMedia {
  /** The tenant that owns the file: finish or fail it through `store.tenant(tenant)`. */
  tenant: string;
  media: MediaRecord;
  messageId: string | null;
}

/**
 * An uploaded and processed media file. It belongs to the chat and the sender
 * it was uploaded for; a message refers to it once sent (`mediaAttached`).
 */
export interface MediaRecord {
  /** `UPLOAD_<uuid>`. */
  id: string;
  chatId: string;
  /** The sender who uploaded it: only they may send it. */
  userId: string;
  messageType: MediaMessageType;
  /** Decided from the bytes. */
  documentType: DocumentType;
  /** A plain file name whose extension matches `documentType`. */
  fileName: string;
  /** Bytes as uploaded. */
  originalSize: number;
  /** Whether the image was resized to fit the limits. */
  resized: boolean;
  fullsize: StoredRendition;
  /** Images only. */
  thumbnail: StoredRendition | null;
  createdAt: string;
  state: MediaState;
  /** The error code that made the processing fail; null unless `failed`. */
  failure: string | null;
  /** When the file was erased: its bytes are gone and its download answers `MEDIA_ERASED`. */
  erasedAt?: string | null;
}

/** A state change committed in the same transaction as the event that records it. */
export type StateChange =
  | { kind: "participantJoined"; participant: ParticipantRecord }
  | { kind: "participantLeft"; userId: string; at: string }
  | { kind: "contactEnded"; at: string }
  /** A multimedia message refers to an uploaded file (`messageId` is the event's id). */
  | { kind: "mediaAttached"; mediaId: string; messageId: string }
  /** Call data keys set (a string) or removed (null). */
  | { kind: "callDataChanged"; changes: Record<string, string | null> };

/** Where and by whom an event is appended, whatever its name. */
interface AppendFields {
  chatId: string;
  id: string;
  userId: string | null;
  ts: string;
  /** Client-chosen id: a second append with the same (chat, user, clientId) is a duplicate. */
  clientId?: string;
  /** For receipts: the message the receipt is for. It must exist in the chat. */
  refId?: string;
  change?: StateChange;
  /** `data` serialised already (once, at commit); the store serialises it when absent. */
  payload?: string;
}

/** A request to append one event to a chat's log: its name with its payload, and where. */
export type AppendRequest = AppendFields & NamedEvent;

/** What became of an append. Nothing is stored unless `status` is `"appended"`. */
export type AppendResult =
  | { status: "appended"; seq: number; id: string; ts: string }
  /**
   * The (chat, user, clientId) was committed before: the original event, with
   * its name and data so the caller can tell a true retry from a reused id.
   * Nothing is stored, whatever the request held.
   */
  | ({ status: "duplicate"; seq: number; id: string; ts: string } & NamedEvent)
  /** A receipt of this kind by this user for this message exists, or it is for the user's own message. */
  | { status: "receiptIgnored" }
  | { status: "messageNotFound" }
  | { status: "contactNotFound" }
  | { status: "contactEnded" };

/** A new chat with its customer, recorded with the customer's `userAdded` event (seq 1). */
export interface NewContact {
  contact: Omit<ContactRecord, "lastSeq" | "status" | "endedAt">;
  customer: ParticipantRecord;
  firstEvent: { id: string; userId: string; ts: string; payload?: string } & NamedEvent<"userAdded">;
  /** The chat's call data, stored with it. */
  callData?: CallData;
  /** What the customer's browser told about itself (see store/visitor-context-queries.ts), stored with it. */
  visitorContext?: VisitorContext;
  /** The pre-chat answers the chat starts with, stored with it. */
  prechat?: PrechatRecord;
}

/** A page of messages, oldest first. */
export interface MessagePage {
  events: StoredEvent[];
  /** Whether older messages exist before the first one returned. */
  hasMore: boolean;
}

/** Which chats {@link TenantStore.listContacts} returns, newest first. */
export interface ContactListQuery {
  /**
   * `waiting`: active with no agent present (joined and not left); `active`:
   * active with at least one agent present; `ended`; all when omitted.
   */
  status?: "waiting" | "active" | "ended";
  /**
   * A chat id, matched exactly, or a part of the customer's nickname, matched
   * without regard to ASCII case (`%`, `_` and `\` are plain characters).
   */
  search?: string;
  /** Only chats strictly older than this one in the order (createdAt desc, then id desc). */
  before?: { createdAt: string; id: string };
  /** Only chats whose call data holds every one of these key–value pairs (exact match). */
  callData?: CallData;
  /** Only the chats of this customer (`USER_…`). */
  customerUserId?: string;
  /** Only chats created at or after this time (ISO 8601). */
  createdSince?: string;
  /** At most this many (1 or more). */
  limit: number;
}

/** A chat of a list, with everyone who ever joined it and its first message. */
export interface ContactListEntry extends ContactWithParticipants {
  /** The chat's first `message`, `link` or `multimediaMessage` event (lowest seq), or null. */
  firstMessage: StoredEvent | null;
}

/** Raised by {@link TenantStore.createAgent} when the username is taken. */
export class DuplicateUsernameError extends Error {
  constructor(readonly username: string) {
    super(`an agent named "${username}" already exists`);
    this.name = "DuplicateUsernameError";
  }
}

/**
 * The SQLite file is damaged: found by the check at start or by a query that
 * hit a damaged page. Retrying cannot help, so the node stays not ready until
 * an operator repairs the file and restarts it; clients see
 * `STORE_UNAVAILABLE`, and nothing they sent was changed (SQLite rolls the
 * failed transaction back).
 */
export class StoreCorruptError extends StoreUnavailableError {
  constructor(
    /** The database file. */
    readonly path: string,
    /** What SQLite reported. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`the SQLite database ${path} is corrupt: ${detail}`, options);
    this.name = "StoreCorruptError";
  }

  /** What is wrong and what to do, as one paragraph for an operator at the console. */
  get advice(): string {
    const { path } = this;
    return [
      `parley: the SQLite database ${path} is damaged (${this.detail}), so Parley will not use it.`,
      "Stop every Parley process that uses it, then either restore the file from a backup; or salvage",
      `what is readable with \`sqlite3 ${path} ".recover" | sqlite3 recovered.db\` and put recovered.db in its`,
      `place; or move ${path} (with its -wal and -shm files, if any) aside to start with an empty database.`,
    ].join("\n");
  }
}

/** Event names that make up history pages. */
export const MESSAGE_EVENT_NAMES: readonly StoredEventName[] = ["message", "link", "multimediaMessage", "richMessage"];
/** Event names that are receipts (deduplicated per message, user and name). */
export const RECEIPT_EVENT_NAMES: readonly StoredEventName[] = ["messageReceived", "messageSeen"];

/**
 * Persistent storage, install-level part: the schema, tenants, install-wide
 * markers and the jobs that visit every tenant. Everything a tenant owns
 * (agents, chats, events, files) is reached through {@link Store.tenant}.
 */
export interface Store extends InstallLifecycleStore {
  /** Brings the schema to the latest version. Idempotent; safe when several nodes start at once. */
  migrate(): Promise<void>;
  /**
   * Resolves when the store can serve: the database answers and every
   * migration this build knows is applied. Otherwise rejects with a
   * {@link StoreUnavailableError} whose `reason` says why. One round trip or
   * two, cheap enough for a readiness probe; it never migrates.
   */
  ready(): Promise<void>;
  /** Commits what is pending and releases the database. */
  close(): Promise<void>;

  /** A small key/value table for markers such as "the demo agent was announced". */
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  /** Records a new tenant; a taken name is {@link DuplicateTenantError}. */
  createTenant(tenant: TenantRecord): Promise<void>;
  getTenant(name: string): Promise<TenantRecord | undefined>;
  /** Every tenant, by name. */
  listTenants(): Promise<TenantRecord[]>;
  /** Changes what the patch names. @returns the tenant as changed, undefined when there is none of that name */
  updateTenant(name: string, patch: TenantPatch): Promise<TenantRecord | undefined>;

  /** Up to `limit` pending files of every tenant, oldest first, with the message each belongs to. */
  pendingMedia(limit: number): Promise<PendingMedia[]>;
  /** Every tenant's chats, active and ended (the `parley_chats` metric); tenants without chats are absent. */
  countContactsByTenant(): Promise<TenantChatCounts[]>;

  /**
   * Claims up to `limit` due webhook deliveries of every tenant for `holder`,
   * for `leaseMs` (see install-queries.ts): each is sent by one worker, and a
   * chat's deliveries to one endpoint one after the other.
   */
  claimWebhookDeliveries(holder: string, now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]>;
  /** Deletes up to `limit` deliveries, of every tenant, delivered or given up before `before`. @returns how many */
  pruneWebhookDeliveries(before: Date, limit: number): Promise<number>;
  /** The tenant's webhook endpoints changed (here or on another node): the appends read them again. */
  webhooksChanged(tenant: string): void;

  /**
   * The data of one tenant. Every read and write of the view is scoped to
   * it: another tenant's chat, event or file id finds nothing. Cheap; the
   * tenant's existence is not checked here.
   */
  tenant(name: string): TenantStore;
}

/** Agents, chats, event logs, files, audit log, API keys and the desk of one tenant. All methods are async. */
export interface TenantStore extends TenantLifecycleStore, ApiKeyStore, DeskStore, QueueStore, WebhookStore, AgentAdminStore, FrontDoorStore, NoteStore, CannedStore, VisitorContextStore, InvitationStore, PrechatStore {
  /** The tenant every method is scoped to. */
  readonly name: string;

  /** A new agent of this tenant; a username taken in this tenant is {@link DuplicateUsernameError}. */
  createAgent(agent: NewAgent): Promise<void>;
  findAgentByUsername(username: string): Promise<AgentRecord | undefined>;
  countAgents(): Promise<number>;
  /** Every agent's username and display name (customers may not take them, see `auth/agent-names.ts`). */
  listAgentNames(): Promise<Array<Pick<AgentRecord, "username" | "nickname">>>;
  /** How many chats are active and how many ended (the `parley_chats` metric). */
  countContactsByState(): Promise<Record<"active" | "ended", number>>;
  /** Reports' facts of the chats started in `[from, to)` (ISO times), oldest first, at most `limit` (store/report-queries.ts). */
  reportChats(range: { from: string; to: string }, limit: number): Promise<ReportChat[]>;

  createContact(contact: NewContact): Promise<CommittedEvent>;
  getContact(chatId: string): Promise<ContactWithParticipants | undefined>;
  /** A chat's call data, keys in order (`{}` when none, or no such chat). */
  getCallData(chatId: string): Promise<CallData>;

  /**
   * Chats matching the query, ordered by `createdAt` descending, then `id`
   * descending (the keyset `before` continues that order). Participants are
   * ordered by `joinedAt`, as in {@link TenantStore.getContact}.
   */
  listContacts(query: ContactListQuery): Promise<ContactListEntry[]>;

  /**
   * Appends an event, giving it the chat's next sequence number in the same
   * transaction (gap-free), and applies its state change atomically with it.
   * Appends requested together are committed together (group commit); the
   * promise resolves only after the commit. A chat of another tenant is
   * `contactNotFound`.
   */
  append(request: AppendRequest): Promise<AppendResult>;

  /** One event of a chat by its id (`MSG_…` or `EVT_…`). */
  getEvent(chatId: string, id: string): Promise<CommittedEvent | undefined>;
  /** Events with `seq > afterSeq`, in order, at most `limit`. */
  eventsAfter(chatId: string, afterSeq: number, limit: number): Promise<CommittedEvent[]>;
  /** The newest `limit` messages with `seq < beforeSeq` (all when omitted), returned oldest first. */
  messagesBefore(chatId: string, beforeSeq: number | undefined, limit: number): Promise<MessagePage>;

  /** Records an uploaded file. Recording the same id again changes nothing (a retried inline send). */
  createMedia(media: MediaRecord): Promise<void>;
  /** An uploaded file by id. */
  getMedia(mediaId: string): Promise<MediaRecord | undefined>;
  /** The file a multimedia message of this chat refers to. */
  mediaOfMessage(chatId: string, messageId: string): Promise<MediaRecord | undefined>;
  /**
   * Records the renditions of a `pending` file and makes it `stored`.
   * @returns false when the file was not pending (another node finished it first): nothing changed
   */
  finishMedia(mediaId: string, processed: ProcessedMedia): Promise<boolean>;
  /**
   * Marks a `pending` file `failed` with the code that stopped it.
   * @returns false when the file was not pending: nothing changed
   */
  failMedia(mediaId: string, failure: string): Promise<boolean>;
  /** The stored sizes of the tenant's files added up (full size and thumbnail), in bytes: what its storage limit counts. */
  storedBytes(): Promise<number>;
}
