/**
 * The chat domain: contacts, participants, the event log, receipts, typing
 * and history. It has no I/O of its own: it works through the {@link Store}
 * and {@link Bus} interfaces, and hands committed events to a
 * {@link ChatListener} (the realtime hub) for local delivery.
 * @module
 */
import {
  DEFAULT_HISTORY_PAGE,
  type AckResult,
  type ChatListItem,
  type ContactEndedEvent,
  type HistoryResult,
  type IsWritingEvent,
  type Limits,
  type LinkEvent,
  type MessageEvent,
  type ReceiptEvent,
  type ReceiptResult,
  type SendResult,
  type StoredEventName,
  type User,
  type UserAddedEvent,
  type UserLeftEvent,
  type UserRef,
  type ContactInfo,
  type MediaFormat,
  type MediaMessageType,
  type MediaResult,
  type MultimediaMessageEvent,
  type MultimediaMessageStoredEvent,
  normalizeNickname,
  parseBase64,
  WATCH_SNAPSHOT_LIMIT,
} from "@parley/protocol";
import type { Logger } from "pino";
import type { TokenClaims } from "../auth/tokens.js";
import type { Bus } from "../bus/types.js";
import { ParleyError } from "../errors.js";
import { inlineUploadId, newChatId, newEventId, newMessageId, newUserId } from "../ids.js";
import type { MediaLibrary } from "../media/library.js";
import { MESSAGE_EVENT_NAMES, type AppendRequest, type ContactListQuery, type ParticipantRecord, type StateChange, type Store, type StoredEvent } from "../store/types.js";
import { listStatus, toChatListItem, toChatSummary, toMessagePreview } from "./chat-list.js";
import type { ChatFeed, FeedWatcher } from "./feed.js";
import { chatChannel, parseChatBusMessage, type ChatBusMessage } from "./bus-messages.js";
import { multimediaContent, toContactInfo, toHistoryEntry, toRendition, toUser, userRef, withoutInlineFile } from "./payloads.js";
import { ChatStateCache, isPresent, presentParticipants, type ChatState } from "./state.js";
import { TypingTracker } from "./typing.js";
import { mayRead } from "../auth/access.js";
import { AgentNames } from "../auth/agent-names.js";
import { validateCaption, validateCustomerNickname, validateFileName, validateLink, validateNickname, validateText } from "./validation.js";

/** Receives what must reach this node's sockets. */
export interface ChatListener {
  /** A committed event (ours or another node's). */
  onEvent(event: StoredEvent): void;
  /** A typing signal (volatile). */
  onSignal(chatId: string, data: IsWritingEvent): void;
  /** Whether the user has a socket in this chat on this node. */
  isOnline(chatId: string, userId: string): boolean;
  /** The bus came back after an outage: what it lost must be read from the store. */
  onBusReconnected(): void;
}

/** This node following a chat's bus channel; `stop` when the node's last participant of it goes. */
export interface ChatFollow {
  /** Settles once the chat's events from other nodes are delivered. */
  readonly ready: Promise<void>;
  stop(): void;
}

interface Followed {
  count: number;
  unsubscribe: () => void;
  ready: Promise<void>;
}

export interface ChatServiceOptions {
  store: Store;
  bus: Bus;
  limits: Limits;
  logger: Logger;
  listener: ChatListener;
  media: MediaLibrary;
  /** Where chat starts, joins, leaves, ends and waiting chats' messages are announced to agents. */
  feed?: ChatFeed;
}

/** A multimedia message to send: the file inline (Base64) or by upload id. */
export interface OutgoingMedia {
  messageType: MediaMessageType;
  caption?: string | undefined;
  fileName?: string | undefined;
  /** Base64 of the file. */
  data?: string | undefined;
  /** A file uploaded over HTTP by the same sender to the same chat. */
  uploadId?: string | undefined;
}

/** Details of a customer starting a chat. */
export interface StartContactInput {
  nickname: string;
  email?: string;
  uri?: string;
  title?: string;
  userAgent?: string;
  clientIp: string | null;
}

export interface JoinOutcome {
  contact: ContactInfo;
  user: User;
  participants: User[];
  /** The chat's head after the join. */
  head: number;
}

/** A message to send, as the socket or REST layer received it. */
export type OutgoingMessage = { kind: "text"; text: string } | { kind: "link"; url: string };

const now = (): string => new Date().toISOString();

/**
 * Whether a repeated send asks for the message that was committed: same kind
 * and same text or url. The sender's nickname, the time and the ids may differ.
 */
function isSameMessage(name: StoredEventName, data: MessageEvent | LinkEvent, originalName: StoredEventName, originalData: unknown): boolean {
  if (name !== originalName) return false;
  const original = (originalData as { content?: { text?: unknown; url?: unknown } } | null)?.content;
  return "text" in data.content ? original?.text === data.content.text : original?.url === data.content.url;
}

/** Whether a repeated media send asks for the committed one: same kind, file and caption. */
function isSameMedia(data: MultimediaMessageEvent, originalName: StoredEventName, originalData: unknown): boolean {
  if (originalName !== "multimediaMessage") return false;
  const original = originalData as MultimediaMessageEvent;
  const [a, b] = [data.content, original.content];
  return (
    data.messageType === original.messageType &&
    a.documentType === b.documentType &&
    a.size === b.size &&
    a.fileName === b.fileName &&
    a.caption === b.caption
  );
}

export class ChatService {
  private readonly store: Store;
  private readonly bus: Bus;
  private readonly limits: Limits;
  private readonly logger: Logger;
  private readonly listener: ChatListener;
  private readonly media: MediaLibrary;
  private readonly feed: ChatFeed | undefined;
  private readonly cache: ChatStateCache;
  /** Agents' names, which customers may not take or imitate. */
  private readonly agentNames: AgentNames;
  private readonly typing: TypingTracker;
  /** Chats whose channel this node follows; only their cached state is kept current. */
  private readonly followed = new Map<string, Followed>();
  private readonly stopReconnectWatch: () => void;

  constructor(options: ChatServiceOptions) {
    ({ store: this.store, bus: this.bus, limits: this.limits, logger: this.logger, listener: this.listener, media: this.media } = options);
    this.feed = options.feed;
    this.cache = new ChatStateCache(this.store);
    this.agentNames = new AgentNames(this.store);
    this.typing = new TypingTracker(this.limits.typingTimeoutMs, (chatId, user, bwrite) =>
      this.emitSignal({ bwrite, chatId, user }),
    );
    this.stopReconnectWatch = this.bus.onReconnect?.(() => this.busReconnected()) ?? (() => {});
  }

  close(): void {
    this.stopReconnectWatch();
    for (const followed of this.followed.values()) followed.unsubscribe();
    this.followed.clear();
    this.typing.close();
  }

  /**
   * Receives the chat's events and typing from other nodes until `stop`.
   * Reference-counted: the channel is subscribed on the first follow and
   * unsubscribed on the last stop. Reading the chat from the store must wait
   * for `ready`, or an event committed elsewhere in between could be missed.
   */
  follow(chatId: string): ChatFollow {
    let followed = this.followed.get(chatId);
    if (followed === undefined) {
      const subscription = this.bus.subscribe(chatChannel(chatId), (message, fromNode) => this.onBusMessage(chatId, message, fromNode));
      const created: Followed = {
        count: 0,
        unsubscribe: subscription,
        // Whatever was cached before may have missed events from other nodes: read afresh from now on.
        ready: subscription.ready.then(() => this.cache.forget(chatId)),
      };
      followed = created;
      this.followed.set(chatId, created);
    }
    const entry = followed;
    entry.count += 1;
    let isStopped = false;
    return {
      ready: entry.ready,
      stop: () => {
        if (isStopped) return;
        isStopped = true;
        entry.count -= 1;
        if (entry.count > 0 || this.followed.get(chatId) !== entry) return;
        this.followed.delete(chatId);
        entry.unsubscribe();
        // No longer kept current by the bus.
        this.cache.forget(chatId);
      },
    };
  }

  // -- contacts -------------------------------------------------------------

  /** A customer starts a chat: they are its first participant, recorded by a `userAdded` event (seq 1). */
  async startContact(input: StartContactInput): Promise<{ chatId: string; user: UserRef }> {
    const nickname = await validateCustomerNickname(input.nickname, this.limits, this.agentNames);
    if (input.uri !== undefined) validateLink(input.uri, this.limits);
    const chatId = newChatId();
    const userId = newUserId();
    const ts = now();
    const contact = {
      id: chatId,
      createdAt: ts,
      customerUserId: userId,
      nickname,
      email: input.email ?? null,
      pageUri: input.uri ?? null,
      pageTitle: input.title ?? null,
      userAgent: input.userAgent ?? null,
      clientIp: input.clientIp,
    };
    const customer: ParticipantRecord = { userId, nickname, isAgent: false, channel: "web", joinedAt: ts, leftAt: null };
    const data: UserAddedEvent = {
      chatId,
      user: toUser(customer, { ...contact, status: "active", endedAt: null }, false),
      ts,
    };
    const event = await this.store.createContact({
      contact,
      customer,
      firstEvent: { id: newEventId(), name: "userAdded", userId, ts, data },
    });
    this.published(event);
    return { chatId, user: userRef(customer) };
  }

  /**
   * Joins a chat, or confirms the membership of a participant who resumes.
   * A customer token opens only its own chat; an ended chat admits only a
   * resume by someone who was in it.
   */
  async join(who: TokenClaims, chatId: string, options: { nickname?: string; isResume: boolean }): Promise<JoinOutcome> {
    // Joining reads the chat: the one read rule decides (any agent; a customer, its own chat).
    if (!mayRead(who, { kind: "chat", chatId })) throw new ParleyError("FORBIDDEN");
    let state = await this.requireChat(chatId);
    const known = state.participants.get(who.userId);
    if (state.contact.status === "ended") {
      if (!(options.isResume && known !== undefined)) throw new ParleyError("CONTACT_ENDED");
    } else if (known === undefined || known.leftAt !== null) {
      if (presentParticipants(state).length >= this.limits.maxParticipants) {
        throw new ParleyError("PARTICIPANTS_LIMIT", undefined, { limit: this.limits.maxParticipants });
      }
      const given = options.nickname ?? who.nickname;
      // A customer keeps the name it started with (judged then); a new one must not be an agent's.
      const isNewCustomerName = who.role === "customer" && normalizeNickname(given) !== who.nickname;
      const nickname = isNewCustomerName ? await validateCustomerNickname(given, this.limits, this.agentNames) : validateNickname(given, this.limits);
      const ts = now();
      const participant: ParticipantRecord = {
        userId: who.userId,
        nickname,
        isAgent: who.role === "agent",
        channel: who.role === "agent" ? "agent" : "web",
        joinedAt: ts,
        leftAt: null,
      };
      const data: UserAddedEvent = { chatId, user: toUser(participant, state.contact, true), ts };
      await this.append(
        { chatId, id: newEventId(), name: "userAdded", userId: who.userId, ts, data },
        { kind: "participantJoined", participant },
      );
    }
    // A join is rare next to sends: read the chat afresh so the head and participants are exact.
    state = await this.reloadChat(chatId);
    const me = state.participants.get(who.userId);
    if (me === undefined) throw new ParleyError("INTERNAL_ERROR");
    return {
      contact: toContactInfo(state.contact),
      user: toUser(me, state.contact, true),
      participants: presentParticipants(state).map((p) =>
        toUser(p, state.contact, p.userId === who.userId || this.listener.isOnline(chatId, p.userId)),
      ),
      head: state.lastSeq,
    };
  }

  /** Leaves a chat; it stays open for the others. */
  async leave(who: TokenClaims, chatId: string): Promise<AckResult> {
    const { state, me } = await this.requireParticipant(who, chatId);
    if (state.contact.status === "ended") throw new ParleyError("CONTACT_ENDED");
    const ts = now();
    const data: UserLeftEvent = { chatId, user: userRef(me), ts };
    const seq = await this.append(
      { chatId, id: newEventId(), name: "userLeft", userId: who.userId, ts, data },
      { kind: "participantLeft", userId: who.userId, at: ts },
    );
    return { seq };
  }

  /** Ends a chat for everyone. Ending an ended chat changes nothing (`seq: null`). */
  async end(who: TokenClaims, chatId: string): Promise<AckResult> {
    const { state, me } = await this.requireParticipant(who, chatId);
    if (state.contact.status === "ended") return { seq: null };
    return { seq: await this.endChat(chatId, userRef(me)) };
  }

  /** Ends a chat on behalf of the server (back-office calls). */
  async endByServer(chatId: string): Promise<AckResult> {
    const state = await this.requireChat(chatId);
    if (state.contact.status === "ended") return { seq: null };
    return { seq: await this.endChat(chatId, null) };
  }

  // -- messages -------------------------------------------------------------

  /**
   * Sends a text or a link. A repeated `clientId` returns the original message
   * when it asks for the same one (same kind and text or url), and is refused
   * with `CLIENT_ID_REUSED` when it asks for another.
   */
  async send(who: TokenClaims, chatId: string, clientId: string | undefined, message: OutgoingMessage): Promise<SendResult> {
    const { state, me } = await this.requireParticipant(who, chatId);
    if (state.contact.status === "ended") throw new ParleyError("CONTACT_ENDED");
    const id = newMessageId();
    const ts = now();
    const user = userRef(me);
    let name: StoredEventName;
    let data: MessageEvent | LinkEvent;
    if (message.kind === "text") {
      name = "message";
      data = { id, chatId, messageType: "TEXT", content: { text: validateText(message.text, this.limits), user }, ts };
    } else {
      name = "link";
      data = { id, chatId, messageType: "LINK", content: { url: validateLink(message.url, this.limits), user }, ts };
    }
    const request: AppendRequest = { chatId, id, name, userId: who.userId, ts, data };
    if (clientId !== undefined) request.clientId = clientId;
    const result = await this.store.append(request);
    switch (result.status) {
      case "appended":
        this.published({ chatId, seq: result.seq, id, name, userId: who.userId, ts, data });
        return { id, seq: result.seq, ts, duplicate: false };
      case "duplicate":
        // Checked only here, on the rare repeat, against the original the store read anyway.
        if (!isSameMessage(name, data, result.name, result.data)) {
          throw new ParleyError("CLIENT_ID_REUSED", undefined, { clientId });
        }
        return { id: result.id, seq: result.seq, ts: result.ts, duplicate: true };
      default:
        return this.refused(chatId, result.status);
    }
  }

  /**
   * Sends an image or a document. The file is judged and stored first (a bad
   * file is refused with its code and nothing is stored); then the message is
   * committed, and for a file too large to ride inline, `multimediaMessageStored`
   * follows it in the same transaction. Repeating a `clientId` returns the
   * original message, without processing the file again.
   */
  async sendMedia(who: TokenClaims, chatId: string, clientId: string, media: OutgoingMedia): Promise<SendResult> {
    const { state, me } = await this.requireParticipant(who, chatId);
    if (state.contact.status === "ended") throw new ParleyError("CONTACT_ENDED");
    const caption = validateCaption(media.caption, this.limits);
    const fileName = validateFileName(media.fileName, this.limits);
    const owner = { chatId, userId: who.userId };
    const declared = { messageType: media.messageType, fileName };
    let record;
    if (media.uploadId !== undefined && media.data === undefined) {
      record = await this.store.getMedia(media.uploadId);
      if (record === undefined || record.chatId !== chatId || record.userId !== who.userId) throw new ParleyError("UPLOAD_NOT_FOUND");
      if (record.messageType !== media.messageType) {
        throw new ParleyError("MEDIA_TYPE_MISMATCH", undefined, { messageType: media.messageType, detected: record.documentType });
      }
    } else if (media.data !== undefined && media.uploadId === undefined) {
      const parsed = parseBase64(media.data);
      if (parsed === null) throw new ParleyError("MEDIA_INVALID_BASE64");
      if (parsed.byteLength === 0) throw new ParleyError("MEDIA_EMPTY");
      if (parsed.byteLength > this.limits.maxMediaBytes) {
        throw new ParleyError("MEDIA_TOO_LARGE", undefined, { limit: this.limits.maxMediaBytes });
      }
      const bytes = Buffer.from(parsed.base64, "base64");
      record = await this.media.fromBytes(bytes, owner, declared, inlineUploadId(chatId, who.userId, clientId, bytes));
    } else {
      throw new ParleyError("INVALID_FRAME", "A media send carries either data or uploadId.", { path: "/data" });
    }
    const id = newMessageId();
    const ts = now();
    const base64 = await this.media.inlineBase64(record);
    const data: MultimediaMessageEvent = {
      id,
      chatId,
      messageType: record.messageType,
      content: multimediaContent(record, caption, userRef(me), base64),
      ts,
    };
    const pending = [
      this.store.append({
        chatId,
        id,
        name: "multimediaMessage",
        userId: who.userId,
        ts,
        data,
        clientId,
        change: { kind: "mediaAttached", mediaId: record.id, messageId: id },
      }),
    ];
    let stored: MultimediaMessageStoredEvent | undefined;
    const storedId = newEventId();
    if (base64 === undefined) {
      stored = { messageID: id, chatId, messageType: record.messageType, formats: { fullsize: toRendition(record.fullsize) }, resized: record.resized, originalSize: record.originalSize, ts };
      if (record.thumbnail !== null) stored.formats.thumbnail = toRendition(record.thumbnail);
      // Submitted in the same turn, both join one group commit: the message never commits without its notice.
      pending.push(this.store.append({ chatId, id: storedId, name: "multimediaMessageStored", userId: who.userId, ts, data: stored, clientId: `${clientId}.stored` }));
    }
    const [result, storedResult] = await Promise.all(pending);
    if (result === undefined) throw new ParleyError("INTERNAL_ERROR");
    switch (result.status) {
      case "appended":
        this.published({ chatId, seq: result.seq, id, name: "multimediaMessage", userId: who.userId, ts, data });
        if (stored !== undefined && storedResult?.status === "appended") {
          this.published({ chatId, seq: storedResult.seq, id: storedId, name: "multimediaMessageStored", userId: who.userId, ts, data: stored });
        }
        return { id, seq: result.seq, ts, duplicate: false, message: withoutInlineFile(data) };
      case "duplicate":
        if (!isSameMedia(data, result.name, result.data)) throw new ParleyError("CLIENT_ID_REUSED", undefined, { clientId });
        return { id: result.id, seq: result.seq, ts: result.ts, duplicate: true, message: withoutInlineFile(result.data as MultimediaMessageEvent) };
      default:
        return this.refused(chatId, result.status);
    }
  }

  /**
   * Where to download a multimedia message's file: a signed, short-lived path
   * for the format (`link` gives the full-size file), with the file's metadata.
   */
  async mediaLink(who: TokenClaims, chatId: string, messageId: string, format: MediaFormat): Promise<MediaResult> {
    await this.requireParticipant(who, chatId);
    const [event, record] = await Promise.all([this.store.getEvent(chatId, messageId), this.store.mediaOfMessage(chatId, messageId)]);
    if (event?.name !== "multimediaMessage" || record === undefined) throw new ParleyError("MESSAGE_NOT_FOUND");
    const { content } = event.data as MultimediaMessageEvent;
    const stored = format === "thumbnail" ? "thumbnail" : "fullsize";
    const rendition = this.media.rendition(record, stored);
    const { path, expiresAt } = this.media.signedLink(chatId, messageId, stored);
    return {
      chatID: chatId,
      messageID: messageId,
      messageType: record.messageType,
      format,
      url: path,
      expiresAt,
      content: {
        caption: content.caption,
        fileName: content.fileName,
        documentType: content.documentType,
        user: content.user,
        ...toRendition(rendition),
      },
    };
  }

  /**
   * Records a delivery or read receipt. Repeats, and receipts for one's own
   * message, are accepted and change nothing (`seq: null`).
   */
  async receipt(who: TokenClaims, chatId: string, messageId: string, kind: "received" | "seen"): Promise<ReceiptResult> {
    const { me } = await this.requireParticipant(who, chatId);
    const ts = now();
    const name = kind === "received" ? "messageReceived" : "messageSeen";
    const data: ReceiptEvent = { messageID: messageId, chatId, user: userRef(me), ts };
    const result = await this.store.append({ chatId, id: newEventId(), name, userId: who.userId, ts, data, refId: messageId });
    switch (result.status) {
      case "appended":
        this.published({ chatId, seq: result.seq, id: result.id, name, userId: who.userId, ts, data });
        return { seq: result.seq };
      case "receiptIgnored":
      case "duplicate":
        return { seq: null };
      case "messageNotFound":
        throw new ParleyError("MESSAGE_NOT_FOUND");
      default:
        return this.refused(chatId, result.status);
    }
  }

  /** A typing frame; `sessionId` lets a closing socket stop its writers. */
  async typingChanged(who: TokenClaims, chatId: string, bwrite: boolean, sessionId: string): Promise<void> {
    const { state, me } = await this.requireParticipant(who, chatId);
    if (state.contact.status === "ended") throw new ParleyError("CONTACT_ENDED");
    this.typing.update(chatId, userRef(me), bwrite, sessionId);
  }

  /** A socket closed: its writers have stopped. */
  sessionClosed(sessionId: string): void {
    this.typing.sessionClosed(sessionId);
  }

  /** A page of messages before `beforeSeq` (the newest when omitted), oldest first. */
  async history(chatId: string, beforeSeq: number | undefined, limit?: number): Promise<HistoryResult> {
    const size = Math.min(limit ?? DEFAULT_HISTORY_PAGE, this.limits.maxHistoryPage);
    const page = await this.store.messagesBefore(chatId, beforeSeq, size);
    return { messages: page.events.map(toHistoryEntry), hasMore: page.hasMore };
  }

  /** Stored events after a seq, for resume and gap filling. */
  eventsAfter(chatId: string, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.store.eventsAfter(chatId, afterSeq, limit);
  }

  /**
   * The chat's state; `CONTACT_NOT_FOUND` when there is none. Cached for the
   * chats this node follows; read from the store for the others, whose
   * events from other nodes this node does not receive.
   */
  async requireChat(chatId: string): Promise<ChatState> {
    const state = await this.stateOf(chatId);
    if (state === undefined) throw new ParleyError("CONTACT_NOT_FOUND");
    return state;
  }

  /** The cached state of a chat this node follows; the store's for any other. */
  private stateOf(chatId: string): Promise<ChatState | undefined> {
    return this.followed.has(chatId) ? this.cache.get(chatId) : this.cache.load(chatId);
  }

  /** Uploading needs what sending needs: a present participant of an active chat. */
  async requireSender(who: TokenClaims, chatId: string): Promise<void> {
    if (who.role === "customer" && who.chatId !== chatId) throw new ParleyError("FORBIDDEN");
    const { state } = await this.requireParticipant(who, chatId);
    if (state.contact.status === "ended") throw new ParleyError("CONTACT_ENDED");
  }

  /** Chats for agents, newest first (see {@link Store.listContacts}). */
  async listChats(query: ContactListQuery): Promise<ChatListItem[]> {
    return (await this.store.listContacts(query)).map(toChatListItem);
  }

  /**
   * Agents only: starts handing the feed's changes to `watcher`, then returns
   * the open chats (waiting and active), newest first. Changes committed
   * while the snapshot is read reach the watcher too; summaries carry
   * `lastSeq`, so the newer of two views of a chat is plain to see.
   */
  async watchChats(who: TokenClaims, watcher: FeedWatcher): Promise<ChatListItem[]> {
    if (!mayRead(who, { kind: "chatList" })) throw new ParleyError("FORBIDDEN", "The chat feed is for agents.");
    if (this.feed === undefined) throw new ParleyError("UNAVAILABLE", "This server has no chat feed.");
    this.feed.watch(watcher);
    try {
      const limit = WATCH_SNAPSHOT_LIMIT;
      const [waiting, active] = await Promise.all([this.listChats({ status: "waiting", limit }), this.listChats({ status: "active", limit })]);
      const newestFirst = (a: ChatListItem, b: ChatListItem) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;
      return [...waiting, ...active].sort(newestFirst).slice(0, limit);
    } catch (error) {
      this.feed.unwatch(watcher);
      throw error;
    }
  }

  /** Stops handing the feed to `watcher`. */
  unwatchChats(watcher: FeedWatcher): void {
    this.feed?.unwatch(watcher);
  }

  // -- internals --------------------------------------------------------------

  private async reloadChat(chatId: string): Promise<ChatState> {
    const state = await (this.followed.has(chatId) ? this.cache.reload(chatId) : this.cache.load(chatId));
    if (state === undefined) throw new ParleyError("CONTACT_NOT_FOUND");
    return state;
  }

  private async requireParticipant(who: TokenClaims, chatId: string): Promise<{ state: ChatState; me: ParticipantRecord }> {
    const state = await this.requireChat(chatId);
    const me = state.participants.get(who.userId);
    if (me === undefined || !isPresent(state, who.userId)) throw new ParleyError("NOT_A_PARTICIPANT");
    return { state, me };
  }

  private async endChat(chatId: string, by: UserRef | null): Promise<number> {
    const ts = now();
    const data: ContactEndedEvent = { chatId, user: by, reason: by === null ? "endedByServer" : "endedByParticipant", ts };
    const seq = await this.append(
      { chatId, id: newEventId(), name: "contactEnded", userId: by?.id ?? null, ts, data },
      { kind: "contactEnded", at: ts },
    );
    this.typing.clearChat(chatId);
    return seq;
  }

  /** Appends an event with its state change; throws the matching error when refused. */
  private async append(request: AppendRequest, change: StateChange): Promise<number> {
    const result = await this.store.append({ ...request, change });
    if (result.status !== "appended") return this.refused(request.chatId, result.status);
    this.published({ chatId: request.chatId, seq: result.seq, id: request.id, name: request.name, userId: request.userId, ts: request.ts, data: request.data });
    return result.seq;
  }

  private async refused(chatId: string, status: string): Promise<never> {
    if (status === "contactEnded") {
      // The store knew better than our cache (another node ended it): catch up.
      if (this.followed.has(chatId)) await this.cache.reload(chatId);
      throw new ParleyError("CONTACT_ENDED");
    }
    if (status === "contactNotFound") throw new ParleyError("CONTACT_NOT_FOUND");
    if (status === "messageNotFound") throw new ParleyError("MESSAGE_NOT_FOUND");
    throw new ParleyError("INTERNAL_ERROR");
  }

  /** After a commit: update our cache, deliver locally, tell the other nodes and the agents' feed. */
  private published(event: StoredEvent): void {
    this.cache.apply(event);
    this.listener.onEvent(event);
    this.publish({ kind: "event", event });
    // Agents' feed follows messages and membership; receipts, the bulk of events, never reach it.
    if (this.feed !== undefined && (MESSAGE_EVENT_NAMES.includes(event.name) || isMembershipEvent(event.name))) {
      this.announce(this.feed, event).catch((error: unknown) => this.logger.warn({ err: error }, "chat feed announce failed"));
    }
  }

  /** The feed's change for a committed event, if it is one agents follow. */
  private async announce(feed: ChatFeed, event: StoredEvent): Promise<void> {
    const state = await this.stateOf(event.chatId);
    if (state === undefined) return;
    if (MESSAGE_EVENT_NAMES.includes(event.name)) {
      // Only a waiting chat's messages reach the queue: its status decides before any preview is built.
      if (listStatus(state.contact.status, state.participants.values()) !== "waiting") return;
      const preview = toMessagePreview(event);
      if (preview !== undefined) feed.announce({ change: "message", chatId: event.chatId, lastSeq: event.seq, message: preview });
      return;
    }
    // The cache may already be past this event; the summary then tells the newer state, which is what a queue wants.
    const chat = toChatSummary(state.contact, state.participants.values(), Math.max(state.lastSeq, event.seq));
    const change = event.name === "contactEnded" ? "ended" : event.seq === 1 ? "started" : "updated";
    feed.announce({ change, chat });
  }

  /** Events published during the outage may never arrive: forget cached states, let the hub catch up. */
  private busReconnected(): void {
    this.logger.info({ chats: this.followed.size }, "bus reconnected: catching up from the store");
    for (const chatId of this.followed.keys()) this.cache.forget(chatId);
    this.listener.onBusReconnected();
  }

  private emitSignal(data: IsWritingEvent): void {
    this.listener.onSignal(data.chatId, data);
    this.publish({ kind: "signal", chatId: data.chatId, data });
  }

  private publish(message: ChatBusMessage): void {
    // The event is committed; a bus failure only delays other nodes, which fill gaps from the store.
    const chatId = message.kind === "event" ? message.event.chatId : message.chatId;
    this.bus.publish(chatChannel(chatId), message).catch((error: unknown) => {
      this.logger.warn({ err: error }, "bus publish failed");
    });
  }

  private onBusMessage(chatId: string, raw: unknown, fromNode: string): void {
    const message = parseChatBusMessage(raw);
    const messageChat = message?.kind === "event" ? message.event.chatId : message?.chatId;
    if (message === undefined || messageChat !== chatId) {
      this.logger.warn({ fromNode, chatId }, "dropped a malformed bus message");
      return;
    }
    if (message.kind === "event") {
      this.cache.apply(message.event);
      this.listener.onEvent(message.event);
    } else {
      this.listener.onSignal(message.chatId, message.data);
    }
  }
}

/** Events that change a chat's membership or status, as the agents' feed tells them. */
function isMembershipEvent(name: StoredEvent["name"]): boolean {
  return name === "userAdded" || name === "userLeft" || name === "contactEnded";
}
