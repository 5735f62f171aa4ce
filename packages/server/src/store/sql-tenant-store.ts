/**
 * One tenant's view of a SQL store, shared by SQLite and PostgreSQL: every
 * query goes through a {@link TenantDb} bound to the tenant. What differs per
 * dialect (appends, and how a failed query is reported) comes from the store
 * that made the view.
 * @module
 */
import type { Kysely } from "kysely";
import { listContacts } from "./contact-list.js";
import type { Database } from "./schema.js";
import {
  countAgents,
  countContactsByState,
  insertAgent,
  insertContact,
  insertMedia,
  selectAgentByUsername,
  selectAgentNames,
  selectContact,
  selectEvent,
  selectEventsAfter,
  selectMedia,
  selectMediaOfMessage,
  selectMessagesBefore,
  sumStoredBytes,
  updateMediaFailed,
  updateMediaFinished,
} from "./sql-queries.js";
import { TenantDb } from "./tenant-db.js";
import type {
  AgentRecord,
  AppendRequest,
  AppendResult,
  CommittedEvent,
  ContactListEntry,
  ContactListQuery,
  ContactWithParticipants,
  MediaRecord,
  MessagePage,
  NewAgent,
  NewContact,
  ProcessedMedia,
  TenantStore,
} from "./types.js";

/** What a SQL store lends to its tenants' views. */
export interface SqlBackend {
  readonly db: Kysely<Database>;
  /** Appends one event of the tenant's (group-committed by the store). */
  append(tenant: string, request: AppendRequest): Promise<AppendResult>;
  /** Turns the store's failures into its own errors (damage, outage). */
  guard<T>(work: Promise<T>): Promise<T>;
}

export class SqlTenantStore implements TenantStore {
  private readonly db: TenantDb;

  constructor(
    readonly name: string,
    private readonly backend: SqlBackend,
  ) {
    this.db = new TenantDb(backend.db, name);
  }

  createAgent(agent: NewAgent): Promise<void> {
    return this.backend.guard(insertAgent(this.db, agent));
  }

  findAgentByUsername(username: string): Promise<AgentRecord | undefined> {
    return this.backend.guard(selectAgentByUsername(this.db, username));
  }

  countAgents(): Promise<number> {
    return this.backend.guard(countAgents(this.db));
  }

  listAgentNames(): Promise<Array<Pick<AgentRecord, "username" | "nickname">>> {
    return this.backend.guard(selectAgentNames(this.db));
  }

  countContactsByState(): Promise<Record<"active" | "ended", number>> {
    return this.backend.guard(countContactsByState(this.db));
  }

  createContact(input: NewContact): Promise<CommittedEvent> {
    return this.backend.guard(insertContact(this.db, input));
  }

  getContact(chatId: string): Promise<ContactWithParticipants | undefined> {
    return this.backend.guard(selectContact(this.db, chatId));
  }

  listContacts(query: ContactListQuery): Promise<ContactListEntry[]> {
    return this.backend.guard(listContacts(this.db, query));
  }

  append(request: AppendRequest): Promise<AppendResult> {
    return this.backend.append(this.name, request);
  }

  getEvent(chatId: string, id: string): Promise<CommittedEvent | undefined> {
    return this.backend.guard(selectEvent(this.db, chatId, id));
  }

  eventsAfter(chatId: string, afterSeq: number, limit: number): Promise<CommittedEvent[]> {
    return this.backend.guard(selectEventsAfter(this.db, chatId, afterSeq, limit));
  }

  messagesBefore(chatId: string, beforeSeq: number | undefined, limit: number): Promise<MessagePage> {
    return this.backend.guard(selectMessagesBefore(this.db, chatId, beforeSeq, limit));
  }

  createMedia(media: MediaRecord): Promise<void> {
    return this.backend.guard(insertMedia(this.db, media));
  }

  getMedia(mediaId: string): Promise<MediaRecord | undefined> {
    return this.backend.guard(selectMedia(this.db, mediaId));
  }

  mediaOfMessage(chatId: string, messageId: string): Promise<MediaRecord | undefined> {
    return this.backend.guard(selectMediaOfMessage(this.db, chatId, messageId));
  }

  finishMedia(mediaId: string, processed: ProcessedMedia): Promise<boolean> {
    return this.backend.guard(updateMediaFinished(this.db, mediaId, processed));
  }

  failMedia(mediaId: string, failure: string): Promise<boolean> {
    return this.backend.guard(updateMediaFailed(this.db, mediaId, failure));
  }

  storedBytes(): Promise<number> {
    return this.backend.guard(sumStoredBytes(this.db));
  }
}
