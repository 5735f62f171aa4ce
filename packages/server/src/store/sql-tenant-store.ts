/**
 * One tenant's view of a SQL store, shared by SQLite and PostgreSQL: every
 * query goes through a {@link TenantDb} bound to the tenant. What differs per
 * dialect (appends, and how a failed query is reported) comes from the store
 * that made the view.
 * @module
 */
import type { Kysely } from "kysely";
import type { InternalNote } from "@parley/protocol";
import { apiKeyStore, type ApiKeyStore } from "./api-key-queries.js";
import { agentAdminQueries, type AgentAdminStore } from "./agent-admin-queries.js";
import type { CallData } from "@parley/protocol";
import { selectCallData } from "./call-data-queries.js";
import { listContacts } from "./contact-list.js";
import { frontDoorQueries, type FrontDoorStore } from "./front-door-queries.js";
import { invitationQueries, type InvitationStore } from "./invitation-queries.js";
import { prechatQueries, type PrechatStore } from "./prechat-queries.js";
import { deskQueries, type AgentDeskRecord, type DeskStore, type GoneAgent } from "./desk-queries.js";
import { cannedQueries, type CannedStore } from "./canned-queries.js";
import { noteQueries, type AgentSummary, type NoteStore, type OpenChatRow } from "./note-queries.js";
import type { Database } from "./schema.js";
import { queueQueries, type QueueStore } from "./queue-queries.js";
import { selectReportChats, type ReportChat } from "./report-queries.js";
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
import { appendAudit, listAudit } from "./audit-queries.js";
import { eraseChat, selectChatMedia, selectCustomerChats } from "./customer-data-queries.js";
import type { AuditEntry, AuditQuery, AuditRecord, CustomerSelector, DeletedBatch, ErasedChat } from "./lifecycle-store.js";
import { claimLease, deleteChats, deleteOrphanMedia, releaseLease, selectExpiredChats, selectOrphanMedia } from "./retention-queries.js";
import { TenantDb } from "./tenant-db.js";
import { visitorContextQueries, type VisitorContextStore } from "./visitor-context-queries.js";
import { selectSubscribers, webhookStore, type WebhookStore, type WebhookSubscriber } from "./webhook-queries.js";
import type { WebhookSubscriberCache } from "./webhook-subscribers.js";
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
  /** Each tenant's enabled webhook endpoints, shared with the appends. */
  readonly subscribers: WebhookSubscriberCache;
  /** Whether the database knows `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite has one writer anyway). */
  readonly skipLocked: boolean;
}

export class SqlTenantStore implements TenantStore {
  private readonly db: TenantDb;
  private readonly apiKeys: ApiKeyStore;
  private readonly desk: DeskStore;
  private readonly notes: NoteStore;
  private readonly queues: QueueStore;
  private readonly webhooks: WebhookStore;
  private readonly agentAdmin: AgentAdminStore;
  private readonly frontDoor: FrontDoorStore;
  private readonly canned: CannedStore;
  private readonly visitors: VisitorContextStore;
  private readonly invitations: InvitationStore;
  private readonly prechat: PrechatStore;

  constructor(
    readonly name: string,
    private readonly backend: SqlBackend,
  ) {
    this.db = new TenantDb(backend.db, name);
    this.desk = deskQueries(this.db);
    this.frontDoor = frontDoorQueries(this.db);
    this.invitations = invitationQueries(this.db);
    this.prechat = prechatQueries(this.db);
    this.notes = noteQueries(this.db);
    this.queues = queueQueries(this.db);
    this.apiKeys = apiKeyStore(this.db);
    this.webhooks = webhookStore(this.db);
    this.agentAdmin = agentAdminQueries(this.db);
    this.canned = cannedQueries(this.db);
    this.visitors = visitorContextQueries(this.db);
  }

  // -- canned responses (store/canned-queries.ts) ------------------------------

  listCanned(agentId: string): ReturnType<CannedStore["listCanned"]> {
    return this.backend.guard(this.canned.listCanned(agentId));
  }

  getCanned(id: string): ReturnType<CannedStore["getCanned"]> {
    return this.backend.guard(this.canned.getCanned(id));
  }

  createCanned(...args: Parameters<CannedStore["createCanned"]>): ReturnType<CannedStore["createCanned"]> {
    return this.backend.guard(this.canned.createCanned(...args));
  }

  updateCanned(...args: Parameters<CannedStore["updateCanned"]>): ReturnType<CannedStore["updateCanned"]> {
    return this.backend.guard(this.canned.updateCanned(...args));
  }

  deleteCanned(id: string): ReturnType<CannedStore["deleteCanned"]> {
    return this.backend.guard(this.canned.deleteCanned(id));
  }

  // -- visitor context and previous chats (store/visitor-context-queries.ts) --

  getVisitorContext(chatId: string): ReturnType<VisitorContextStore["getVisitorContext"]> {
    return this.backend.guard(this.visitors.getVisitorContext(chatId));
  }

  previousChats(chatId: string, limit: number): ReturnType<VisitorContextStore["previousChats"]> {
    return this.backend.guard(this.visitors.previousChats(chatId, limit));
  }

  // -- agent administration (store/agent-admin-queries.ts) -------------------

  listAgentAccounts(): ReturnType<AgentAdminStore["listAgentAccounts"]> {
    return this.backend.guard(this.agentAdmin.listAgentAccounts());
  }

  findAgentAccount(agentId: string): ReturnType<AgentAdminStore["findAgentAccount"]> {
    return this.backend.guard(this.agentAdmin.findAgentAccount(agentId));
  }

  changeAgent(...args: Parameters<AgentAdminStore["changeAgent"]>): ReturnType<AgentAdminStore["changeAgent"]> {
    return this.backend.guard(this.agentAdmin.changeAgent(...args));
  }

  createApiKey(...args: Parameters<ApiKeyStore["createApiKey"]>): ReturnType<ApiKeyStore["createApiKey"]> {
    return this.backend.guard(this.apiKeys.createApiKey(...args));
  }

  listApiKeys(): ReturnType<ApiKeyStore["listApiKeys"]> {
    return this.backend.guard(this.apiKeys.listApiKeys());
  }

  findApiKeyByHash(hash: string): ReturnType<ApiKeyStore["findApiKeyByHash"]> {
    return this.backend.guard(this.apiKeys.findApiKeyByHash(hash));
  }

  revokeApiKey(id: string, at: string): ReturnType<ApiKeyStore["revokeApiKey"]> {
    return this.backend.guard(this.apiKeys.revokeApiKey(id, at));
  }

  touchApiKey(id: string, at: string, notBefore: string): Promise<void> {
    return this.backend.guard(this.apiKeys.touchApiKey(id, at, notBefore));
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
    return this.backend.guard(this.subscribers().then((subscribers) => insertContact(this.db, input, subscribers)));
  }

  /** The tenant's enabled webhook endpoints, from the cache the appends share. */
  private async subscribers(): Promise<readonly WebhookSubscriber[]> {
    const cache = this.backend.subscribers;
    const known = cache.get(this.name);
    if (known !== undefined) return known;
    const startedAt = cache.current;
    return cache.fill(this.name, await selectSubscribers(this.db), startedAt);
  }

  // -- webhooks (store/webhook-queries.ts) ------------------------------------

  createWebhookEndpoint(...args: Parameters<WebhookStore["createWebhookEndpoint"]>): ReturnType<WebhookStore["createWebhookEndpoint"]> {
    return this.backend.guard(this.webhooks.createWebhookEndpoint(...args));
  }

  listWebhookEndpoints(): ReturnType<WebhookStore["listWebhookEndpoints"]> {
    return this.backend.guard(this.webhooks.listWebhookEndpoints());
  }

  getWebhookEndpoint(...args: Parameters<WebhookStore["getWebhookEndpoint"]>): ReturnType<WebhookStore["getWebhookEndpoint"]> {
    return this.backend.guard(this.webhooks.getWebhookEndpoint(...args));
  }

  updateWebhookEndpoint(...args: Parameters<WebhookStore["updateWebhookEndpoint"]>): ReturnType<WebhookStore["updateWebhookEndpoint"]> {
    return this.backend.guard(this.webhooks.updateWebhookEndpoint(...args));
  }

  deleteWebhookEndpoint(...args: Parameters<WebhookStore["deleteWebhookEndpoint"]>): ReturnType<WebhookStore["deleteWebhookEndpoint"]> {
    return this.backend.guard(this.webhooks.deleteWebhookEndpoint(...args));
  }

  listWebhookDeliveries(...args: Parameters<WebhookStore["listWebhookDeliveries"]>): ReturnType<WebhookStore["listWebhookDeliveries"]> {
    return this.backend.guard(this.webhooks.listWebhookDeliveries(...args));
  }

  redeliverWebhook(...args: Parameters<WebhookStore["redeliverWebhook"]>): ReturnType<WebhookStore["redeliverWebhook"]> {
    return this.backend.guard(this.webhooks.redeliverWebhook(...args));
  }

  recordWebhookAttempt(...args: Parameters<WebhookStore["recordWebhookAttempt"]>): ReturnType<WebhookStore["recordWebhookAttempt"]> {
    return this.backend.guard(this.webhooks.recordWebhookAttempt(...args));
  }

  disableFailingWebhook(...args: Parameters<WebhookStore["disableFailingWebhook"]>): ReturnType<WebhookStore["disableFailingWebhook"]> {
    return this.backend.guard(this.webhooks.disableFailingWebhook(...args));
  }

  recordWebhookEvent(...args: Parameters<WebhookStore["recordWebhookEvent"]>): ReturnType<WebhookStore["recordWebhookEvent"]> {
    return this.backend.guard(this.webhooks.recordWebhookEvent(...args));
  }

  webhookSubscribers(): ReturnType<WebhookStore["webhookSubscribers"]> {
    return this.backend.guard(this.webhooks.webhookSubscribers());
  }

  getContact(chatId: string): Promise<ContactWithParticipants | undefined> {
    return this.backend.guard(selectContact(this.db, chatId));
  }

  getCallData(chatId: string): Promise<CallData> {
    return this.backend.guard(selectCallData(this.db, chatId));
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

  // -- the data lifecycle (docs/privacy.md) -----------------------------------

  appendAudit(entry: AuditEntry): Promise<AuditRecord> {
    return this.backend.guard(appendAudit(this.db, entry));
  }

  listAudit(query: AuditQuery): Promise<AuditRecord[]> {
    return this.backend.guard(listAudit(this.db, query));
  }

  claimLease(name: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
    return this.backend.guard(claimLease(this.db, name, holder, now, ttlMs));
  }

  releaseLease(name: string, holder: string): Promise<void> {
    return this.backend.guard(releaseLease(this.db, name, holder));
  }

  expiredChats(cutoff: string, limit: number): Promise<string[]> {
    return this.backend.guard(selectExpiredChats(this.db, cutoff, limit));
  }

  deleteChats(chatIds: readonly string[]): Promise<DeletedBatch> {
    return this.backend.guard(deleteChats(this.db, chatIds));
  }

  orphanMedia(cutoff: string, limit: number): Promise<string[]> {
    return this.backend.guard(selectOrphanMedia(this.db, cutoff, limit));
  }

  deleteOrphanMedia(mediaIds: readonly string[]): Promise<DeletedBatch> {
    return this.backend.guard(deleteOrphanMedia(this.db, mediaIds));
  }

  customerChats(selector: CustomerSelector, limit: number): Promise<string[]> {
    return this.backend.guard(selectCustomerChats(this.db, selector, limit));
  }

  chatMedia(chatId: string): Promise<MediaRecord[]> {
    return this.backend.guard(selectChatMedia(this.db, chatId));
  }

  eraseChat(chatId: string, at: string): Promise<ErasedChat | undefined> {
    return this.backend.guard(eraseChat(this.db, chatId, at));
  }

  // -- the desk (store/desk-queries.ts) --------------------------------------

  agentsSeen(agentIds: readonly string[], at: string): Promise<void> {
    return this.backend.guard(this.desk.agentsSeen(agentIds, at));
  }

  setAgentStatus(agentId: string, status: AgentDeskRecord["status"], at: string): Promise<void> {
    return this.backend.guard(this.desk.setAgentStatus(agentId, status, at));
  }

  agentDesk(agentId: string): Promise<AgentDeskRecord | undefined> {
    return this.backend.guard(this.desk.agentDesk(agentId));
  }

  agentCapacity(agentId: string): Promise<number | null> {
    return this.backend.guard(this.desk.agentCapacity(agentId));
  }

  setAgentCapacity(agentId: string, capacity: number | null): Promise<boolean> {
    return this.backend.guard(this.desk.setAgentCapacity(agentId, capacity));
  }

  activeChatsOf(userId: string): Promise<string[]> {
    return this.backend.guard(this.desk.activeChatsOf(userId));
  }

  goneAgents(seenBefore: string, now: string, limit: number): Promise<GoneAgent[]> {
    return this.backend.guard(this.desk.goneAgents(seenBefore, now, limit));
  }

  leaseReturn(agent: GoneAgent, now: string, leaseUntil: string): Promise<boolean> {
    return this.backend.guard(this.desk.leaseReturn(agent, now, leaseUntil));
  }

  finishReturn(agent: GoneAgent): Promise<void> {
    return this.backend.guard(this.desk.finishReturn(agent));
  }

  // -- reports (store/report-queries.ts) -------------------------------------------

  reportChats(range: { from: string; to: string }, limit: number): Promise<ReportChat[]> {
    return this.backend.guard(selectReportChats(this.db, range, limit));
  }

  // -- proactive invitations (store/invitation-queries.ts) ------------------------

  invitationRules(): ReturnType<InvitationStore["invitationRules"]> {
    return this.backend.guard(this.invitations.invitationRules());
  }

  setInvitationRules(...args: Parameters<InvitationStore["setInvitationRules"]>): ReturnType<InvitationStore["setInvitationRules"]> {
    return this.backend.guard(this.invitations.setInvitationRules(...args));
  }

  // -- the pre-chat form (store/prechat-queries.ts) -----------------------------

  prechatForm(queue: string): ReturnType<PrechatStore["prechatForm"]> {
    return this.backend.guard(this.prechat.prechatForm(queue));
  }

  setPrechatForm(...args: Parameters<PrechatStore["setPrechatForm"]>): ReturnType<PrechatStore["setPrechatForm"]> {
    return this.backend.guard(this.prechat.setPrechatForm(...args));
  }

  prechatOf(chatId: string): ReturnType<PrechatStore["prechatOf"]> {
    return this.backend.guard(this.prechat.prechatOf(chatId));
  }

  // -- the front door (store/front-door-queries.ts) ------------------------------

  surveyConfig(...args: Parameters<FrontDoorStore["surveyConfig"]>): ReturnType<FrontDoorStore["surveyConfig"]> {
    return this.backend.guard(this.frontDoor.surveyConfig(...args)) as ReturnType<FrontDoorStore["surveyConfig"]>;
  }

  setSurveyConfig(...args: Parameters<FrontDoorStore["setSurveyConfig"]>): ReturnType<FrontDoorStore["setSurveyConfig"]> {
    return this.backend.guard(this.frontDoor.setSurveyConfig(...args)) as ReturnType<FrontDoorStore["setSurveyConfig"]>;
  }

  businessHours(...args: Parameters<FrontDoorStore["businessHours"]>): ReturnType<FrontDoorStore["businessHours"]> {
    return this.backend.guard(this.frontDoor.businessHours(...args)) as ReturnType<FrontDoorStore["businessHours"]>;
  }

  setBusinessHours(...args: Parameters<FrontDoorStore["setBusinessHours"]>): ReturnType<FrontDoorStore["setBusinessHours"]> {
    return this.backend.guard(this.frontDoor.setBusinessHours(...args)) as ReturnType<FrontDoorStore["setBusinessHours"]>;
  }

  insertSurvey(...args: Parameters<FrontDoorStore["insertSurvey"]>): ReturnType<FrontDoorStore["insertSurvey"]> {
    return this.backend.guard(this.frontDoor.insertSurvey(...args)) as ReturnType<FrontDoorStore["insertSurvey"]>;
  }

  surveyOf(...args: Parameters<FrontDoorStore["surveyOf"]>): ReturnType<FrontDoorStore["surveyOf"]> {
    return this.backend.guard(this.frontDoor.surveyOf(...args)) as ReturnType<FrontDoorStore["surveyOf"]>;
  }

  surveyAverages(...args: Parameters<FrontDoorStore["surveyAverages"]>): ReturnType<FrontDoorStore["surveyAverages"]> {
    return this.backend.guard(this.frontDoor.surveyAverages(...args)) as ReturnType<FrontDoorStore["surveyAverages"]>;
  }

  insertOfflineMessage(...args: Parameters<FrontDoorStore["insertOfflineMessage"]>): ReturnType<FrontDoorStore["insertOfflineMessage"]> {
    return this.backend.guard(this.frontDoor.insertOfflineMessage(...args)) as ReturnType<FrontDoorStore["insertOfflineMessage"]>;
  }

  countOpenOfflineMessages(...args: Parameters<FrontDoorStore["countOpenOfflineMessages"]>): ReturnType<FrontDoorStore["countOpenOfflineMessages"]> {
    return this.backend.guard(this.frontDoor.countOpenOfflineMessages(...args)) as ReturnType<FrontDoorStore["countOpenOfflineMessages"]>;
  }

  listOfflineMessages(...args: Parameters<FrontDoorStore["listOfflineMessages"]>): ReturnType<FrontDoorStore["listOfflineMessages"]> {
    return this.backend.guard(this.frontDoor.listOfflineMessages(...args)) as ReturnType<FrontDoorStore["listOfflineMessages"]>;
  }

  eraseOfflineMessages(...args: Parameters<FrontDoorStore["eraseOfflineMessages"]>): ReturnType<FrontDoorStore["eraseOfflineMessages"]> {
    return this.backend.guard(this.frontDoor.eraseOfflineMessages(...args));
  }

  updateOfflineMessage(...args: Parameters<FrontDoorStore["updateOfflineMessage"]>): ReturnType<FrontDoorStore["updateOfflineMessage"]> {
    return this.backend.guard(this.frontDoor.updateOfflineMessage(...args)) as ReturnType<FrontDoorStore["updateOfflineMessage"]>;
  }

  // -- notes and supervision (store/note-queries.ts) ---------------------------

  addNote(note: InternalNote): Promise<void> {
    return this.backend.guard(this.notes.addNote(note));
  }

  notesOf(chatId: string, limit: number): Promise<InternalNote[]> {
    return this.backend.guard(this.notes.notesOf(chatId, limit));
  }

  agentById(agentId: string): Promise<AgentSummary | undefined> {
    return this.backend.guard(this.notes.agentById(agentId));
  }

  openChats(limit: number): Promise<OpenChatRow[]> {
    return this.backend.guard(this.notes.openChats(limit));
  }

  // -- queues and routing (store/queue-queries.ts) ---------------------------

  listQueues(): ReturnType<QueueStore["listQueues"]> {
    return this.backend.guard(this.queues.listQueues());
  }

  getQueue(name: string): ReturnType<QueueStore["getQueue"]> {
    return this.backend.guard(this.queues.getQueue(name));
  }

  createQueue(...args: Parameters<QueueStore["createQueue"]>): ReturnType<QueueStore["createQueue"]> {
    return this.backend.guard(this.queues.createQueue(...args));
  }

  updateQueue(...args: Parameters<QueueStore["updateQueue"]>): ReturnType<QueueStore["updateQueue"]> {
    return this.backend.guard(this.queues.updateQueue(...args));
  }

  deleteQueue(name: string): ReturnType<QueueStore["deleteQueue"]> {
    return this.backend.guard(this.queues.deleteQueue(name));
  }

  setAgentQueues(...args: Parameters<QueueStore["setAgentQueues"]>): ReturnType<QueueStore["setAgentQueues"]> {
    return this.backend.guard(this.queues.setAgentQueues(...args));
  }

  waitingChats(limit: number): ReturnType<QueueStore["waitingChats"]> {
    return this.backend.guard(this.queues.waitingChats(limit));
  }

  agentLoads(): ReturnType<QueueStore["agentLoads"]> {
    return this.backend.guard(this.queues.agentLoads());
  }

  lastAssigned(): ReturnType<QueueStore["lastAssigned"]> {
    return this.backend.guard(this.queues.lastAssigned());
  }

  offerChat(...args: Parameters<QueueStore["offerChat"]>): ReturnType<QueueStore["offerChat"]> {
    return this.backend.guard(this.queues.offerChat(...args));
  }

  acceptOffer(...args: Parameters<QueueStore["acceptOffer"]>): ReturnType<QueueStore["acceptOffer"]> {
    return this.backend.guard(this.queues.acceptOffer(...args));
  }

  declineOffer(chatId: string, agentId: string): ReturnType<QueueStore["declineOffer"]> {
    return this.backend.guard(this.queues.declineOffer(chatId, agentId));
  }



  agentJoined(chatId: string, agentId: string, at: string): ReturnType<QueueStore["agentJoined"]> {
    return this.backend.guard(this.queues.agentJoined(chatId, agentId, at));
  }

  offerState(chatId: string): ReturnType<QueueStore["offerState"]> {
    return this.backend.guard(this.queues.offerState(chatId));
  }

  recentAssignments(queue: string, limit: number): ReturnType<QueueStore["recentAssignments"]> {
    return this.backend.guard(this.queues.recentAssignments(queue, limit));
  }

  takeWaitLimit(...args: Parameters<QueueStore["takeWaitLimit"]>): ReturnType<QueueStore["takeWaitLimit"]> {
    return this.backend.guard(this.queues.takeWaitLimit(...args));
  }

  moveToQueue(chatId: string, queue: string): ReturnType<QueueStore["moveToQueue"]> {
    return this.backend.guard(this.queues.moveToQueue(chatId, queue));
  }

  storedBytes(): Promise<number> {
    return this.backend.guard(sumStoredBytes(this.db));
  }
}
