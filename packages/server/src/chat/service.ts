/**
 * The chat domain's façade: the one object the socket sessions and the REST
 * routes call. It builds the domain's parts and hands each call to the part
 * that owns it — membership, messages, media messages and links, the access
 * policy, the agents' feed — and owns none of their logic. Everything they
 * commit leaves through the {@link CommitPipeline}; what other nodes commit
 * arrives through the {@link ChatReplication}, which the realtime hub
 * follows. The domain has no I/O of its own: it works through the
 * {@link Store} and {@link Bus} interfaces.
 * @module
 */
import type { AckResult, CallData, CallDataChanges, CallDataResult, ChatListItem, HistoryResult, Limits, MediaFormat, MediaResult, ReceiptResult, SendResult, UserRef } from "@parley/protocol";
import type { Logger } from "pino";
import { TenantAgentNames } from "../auth/agent-names.js";
import type { TokenClaims } from "../auth/tokens.js";
import type { Bus } from "../bus/types.js";
import type { MediaLibrary } from "../media/library.js";
import type { CommittedEvent, ContactListEntry, ContactListQuery, ContactWithParticipants, Store } from "../store/types.js";
import { ChatAccess } from "./access.js";
import { ChatCallData } from "./call-data.js";
import { AgentsFeed } from "./agents-feed.js";
import type { ChatFeed, FeedWatcher } from "./feed.js";
import { MediaLinks } from "./media-links.js";
import { MediaMessages, type OutgoingMedia } from "./media-messages.js";
import { MediaProcessing } from "./media-processing.js";
import { ChatMembership, type JoinOutcome, type Presence, type StartContactInput } from "./membership.js";
import { ChatMessages, type OutgoingMessage } from "./messages.js";
import { userRef } from "./payloads.js";
import { CommitPipeline, type ChatDelivery } from "./pipeline.js";
import type { ChatReplication } from "./replication.js";
import type { ChatState } from "./state.js";
import { TypingTracker } from "./typing.js";

export type { JoinOutcome, OutgoingMedia, OutgoingMessage, StartContactInput };

export interface ChatServiceOptions {
  store: Store;
  bus: Bus;
  limits: Limits;
  logger: Logger;
  media: MediaLibrary;
  /** This node's replication of the chats it follows (the hub's event source). */
  replication: ChatReplication;
  /** This node's sockets: where committed events and typing are delivered, and who is online. */
  delivery: ChatDelivery & Presence;
  /** Where chat starts, joins, leaves, ends and waiting chats' messages are announced to agents. */
  feed?: ChatFeed;
  /** Asked before an agent joins a chat they are not in (the desk's capacity); throws to refuse. */
  admitAgent?: (who: TokenClaims, chatId: string) => Promise<void>;
}

/** Events read at a time when a whole log is read. */
const LOG_PAGE = 500;

export class ChatService {
  private readonly store: Store;
  private readonly access: ChatAccess;
  private readonly agentsFeed: AgentsFeed;
  private readonly typing: TypingTracker;
  private readonly membership: ChatMembership;
  private readonly messages: ChatMessages;
  private readonly mediaMessages: MediaMessages;
  private readonly mediaProcessing: MediaProcessing;
  private readonly mediaLinks: MediaLinks;
  private readonly callData: ChatCallData;

  constructor(options: ChatServiceOptions) {
    const { store, bus, limits, logger, media, replication, delivery, feed, admitAgent } = options;
    this.store = store;
    this.access = new ChatAccess(replication);
    this.agentsFeed = new AgentsFeed({ store, states: replication, logger, feed });
    const pipeline = new CommitPipeline({ store, bus, states: replication, delivery, feed: this.agentsFeed, logger });
    this.typing = new TypingTracker(limits.typingTimeoutMs, (tenant, chatId, user, bwrite) => pipeline.signal(tenant, { bwrite, chatId, user }));
    this.membership = new ChatMembership({
      access: this.access,
      pipeline,
      presence: delivery,
      agentNames: new TenantAgentNames(store),
      limits,
      onEnded: (tenant, chatId) => this.typing.clearChat(tenant, chatId),
      admitAgent,
    });
    this.messages = new ChatMessages({ store, access: this.access, pipeline, limits });
    this.mediaProcessing = new MediaProcessing({ store, pipeline, media, logger });
    this.mediaMessages = new MediaMessages({ store, access: this.access, pipeline, media, processing: this.mediaProcessing, limits });
    this.mediaLinks = new MediaLinks(store, this.access, media);
    this.callData = new ChatCallData(store, this.access, pipeline);
  }

  close(): void {
    this.typing.close();
  }

  // -- membership -------------------------------------------------------------

  /** A customer starts a chat in the tenant. */
  startContact(tenant: string, input: StartContactInput): Promise<{ chatId: string; user: UserRef }> {
    return this.membership.startContact(tenant, input);
  }

  join(who: TokenClaims, chatId: string, options: { nickname?: string; isResume: boolean }): Promise<JoinOutcome> {
    return this.membership.join(who, chatId, options);
  }

  leave(who: TokenClaims, chatId: string): Promise<AckResult> {
    return this.membership.leave(who, chatId);
  }

  end(who: TokenClaims, chatId: string): Promise<AckResult> {
    return this.membership.end(who, chatId);
  }

  endByServer(tenant: string, chatId: string): Promise<AckResult> {
    return this.membership.endByServer(tenant, chatId);
  }

  // -- messages ---------------------------------------------------------------

  send(who: TokenClaims, chatId: string, clientId: string | undefined, message: OutgoingMessage): Promise<SendResult> {
    return this.messages.send(who, chatId, clientId, message);
  }

  sendMedia(who: TokenClaims, chatId: string, clientId: string, media: OutgoingMedia): Promise<SendResult> {
    return this.mediaMessages.send(who, chatId, clientId, media);
  }

  /** Finishes the image jobs a crash left pending (see MediaProcessing.resume); resolves with how many. */
  resumeMediaProcessing(): Promise<number> {
    return this.mediaProcessing.resume();
  }

  /** Resolves once this node's image jobs have ended. */
  mediaProcessingIdle(): Promise<void> {
    return this.mediaProcessing.idle();
  }

  mediaLink(who: TokenClaims, chatId: string, messageId: string, format: MediaFormat): Promise<MediaResult> {
    return this.mediaLinks.linkOf(who, chatId, messageId, format);
  }

  /** A multimedia message for the back office (the caller checked the right to read the chat). */
  backOfficeMedia(tenant: string, chatId: string, messageId: string, format: MediaFormat): Promise<MediaResult> {
    return this.mediaLinks.backOffice(tenant, chatId, messageId, format);
  }

  receipt(who: TokenClaims, chatId: string, messageId: string, kind: "received" | "seen"): Promise<ReceiptResult> {
    return this.messages.receipt(who, chatId, messageId, kind);
  }

  history(tenant: string, chatId: string, beforeSeq: number | undefined, limit?: number): Promise<HistoryResult> {
    return this.messages.history(tenant, chatId, beforeSeq, limit);
  }

  /** A tenant's chat as stored, with its participants and call data; undefined when there is none. */
  contactRecord(tenant: string, chatId: string): Promise<ContactWithParticipants | undefined> {
    return this.store.tenant(tenant).getContact(chatId);
  }

  /** Every stored event of a tenant's chat, in order (for transcripts). */
  async wholeLog(tenant: string, chatId: string): Promise<CommittedEvent[]> {
    const events: CommittedEvent[] = [];
    for (;;) {
      const page = await this.store.tenant(tenant).eventsAfter(chatId, events.length === 0 ? 0 : events[events.length - 1]!.seq, LOG_PAGE);
      events.push(...page);
      if (page.length < LOG_PAGE) return events;
    }
  }

  /** A tenant's chats matching the query, newest first, as stored (the back office's searches). */
  findChats(tenant: string, query: ContactListQuery): Promise<ContactListEntry[]> {
    return this.store.tenant(tenant).listContacts(query);
  }

  /** A tenant's chat's stored events after a seq, for resume. */
  eventsAfter(tenant: string, chatId: string, afterSeq: number, limit: number): Promise<CommittedEvent[]> {
    return this.store.tenant(tenant).eventsAfter(chatId, afterSeq, limit);
  }

  // -- call data ------------------------------------------------------------

  /** A tenant's chat's call data (the caller checked the right to read it). */
  readCallData(tenant: string, chatId: string): Promise<CallData> {
    return this.callData.read(tenant, chatId);
  }

  /** An agent or an API key changes a chat's call data (a stored `callDataChanged` event). */
  changeCallData(who: TokenClaims, chatId: string, changes: CallDataChanges): Promise<CallDataResult> {
    return this.callData.change(who, chatId, changes);
  }

  // -- typing -----------------------------------------------------------------

  /** A typing frame; `sessionId` lets a closing socket stop its writers. */
  async typingChanged(who: TokenClaims, chatId: string, bwrite: boolean, sessionId: string): Promise<void> {
    const { me } = await this.access.requireActiveParticipant(who, chatId);
    this.typing.update(who.tenant, chatId, userRef(me), bwrite, sessionId);
  }

  /** A socket closed: its writers have stopped. */
  sessionClosed(sessionId: string): void {
    this.typing.sessionClosed(sessionId);
  }

  // -- access -----------------------------------------------------------------

  /** The tenant's chat's state; `CONTACT_NOT_FOUND` when the tenant has none of that id. */
  requireChat(tenant: string, chatId: string): Promise<ChatState> {
    return this.access.requireChat(tenant, chatId);
  }

  requireSender(who: TokenClaims, chatId: string): Promise<void> {
    return this.access.requireSender(who, chatId);
  }

  // -- the agents' feed -------------------------------------------------------

  listChats(tenant: string, query: ContactListQuery): Promise<ChatListItem[]> {
    return this.agentsFeed.listChats(tenant, query);
  }

  watchChats(who: TokenClaims, watcher: FeedWatcher): Promise<ChatListItem[]> {
    return this.agentsFeed.watch(who, watcher);
  }

  unwatchChats(tenant: string, watcher: FeedWatcher): void {
    this.agentsFeed.unwatch(tenant, watcher);
  }
}
