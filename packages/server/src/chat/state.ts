/**
 * In-memory state of the chats this node works with (status, participants,
 * head), so the send path reads no database. It is loaded once from the
 * store and then kept current from every committed event, ours or another
 * node's. The store stays the authority: an append to an ended chat is
 * refused there even if this cache is behind.
 * @module
 */
import type { ContactRecord, ContactWithParticipants, ParticipantRecord, StoredEvent, Store } from "../store/types.js";
import { DEFAULT_TENANT } from "../store/tenant-db.js";

export interface ChatState {
  contact: Omit<ContactRecord, "lastSeq">;
  /** Highest seq this node has seen committed. */
  lastSeq: number;
  /** Everyone who ever joined, keyed by user id; `leftAt` tells who is present. */
  participants: Map<string, ParticipantRecord>;
}

/** Whether a user is in the chat now. */
export function isPresent(state: ChatState, userId: string): boolean {
  const participant = state.participants.get(userId);
  return participant !== undefined && participant.leftAt === null;
}

export function presentParticipants(state: ChatState): ParticipantRecord[] {
  return [...state.participants.values()].filter((p) => p.leftAt === null);
}

function fromRecord(record: ContactWithParticipants): ChatState {
  const { participants, lastSeq, ...contact } = record;
  return { contact, lastSeq, participants: new Map(participants.map((p) => [p.userId, p])) };
}

/** Applies a committed event to a chat's state. Events older than the state change nothing. */
export function applyEvent(state: ChatState, event: StoredEvent): void {
  if (event.seq <= state.lastSeq) return;
  state.lastSeq = event.seq;
  switch (event.name) {
    case "userAdded": {
      const { user } = event.data;
      state.participants.set(user.id, {
        userId: user.id,
        nickname: user.nickname,
        isAgent: user.isAgent,
        channel: user.channel,
        joinedAt: user.beginTime,
        leftAt: null,
      });
      return;
    }
    case "userLeft": {
      const { user, ts } = event.data;
      const participant = state.participants.get(user.id);
      if (participant !== undefined) participant.leftAt = ts;
      return;
    }
    case "contactEnded": {
      const { ts } = event.data;
      state.contact.status = "ended";
      state.contact.endedAt = ts;
      return;
    }
    default:
      return;
  }
}

/**
 * The cache itself, bounded: the least recently loaded chats are forgotten
 * first. It is only current for the chats whose bus channel this node follows
 * (see `ChatReplication.follow`); the others are read afresh.
 */
export class ChatStateCache {
  private readonly states = new Map<string, ChatState>();
  private readonly loading = new Map<string, Promise<ChatState | undefined>>();
  /** Reads from the store in progress, per chat. */
  private readonly reading = new Map<string, number>();
  /** Chats that saw an event while being read: the read may predate it and is done again. */
  private readonly changedWhileReading = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly maxChats = 50_000,
  ) {}

  /** The chat's state, loaded from the store on first use; undefined when no such chat. */
  get(chatId: string): Promise<ChatState | undefined> {
    const cached = this.states.get(chatId);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.loading.get(chatId);
    if (pending === undefined) {
      pending = this.reload(chatId).finally(() => this.loading.delete(chatId));
      this.loading.set(chatId, pending);
    }
    return pending;
  }

  /** Reads the chat from the store without caching it. */
  async load(chatId: string): Promise<ChatState | undefined> {
    const record = await this.store.tenant(DEFAULT_TENANT).getContact(chatId);
    return record === undefined ? undefined : fromRecord(record);
  }

  /** Reads the chat from the store again, replacing what was cached. */
  async reload(chatId: string): Promise<ChatState | undefined> {
    let state: ChatState | undefined;
    this.reading.set(chatId, (this.reading.get(chatId) ?? 0) + 1);
    try {
      // A few tries: under constant traffic the gap rule of apply() catches up anyway.
      for (let attempt = 0; attempt < 3; attempt++) {
        this.changedWhileReading.delete(chatId);
        state = await this.load(chatId);
        if (!this.changedWhileReading.has(chatId)) break;
      }
    } finally {
      const left = (this.reading.get(chatId) ?? 1) - 1;
      if (left === 0) this.reading.delete(chatId);
      else this.reading.set(chatId, left);
    }
    this.states.delete(chatId);
    if (state === undefined) return undefined;
    this.states.set(chatId, state);
    if (this.states.size > this.maxChats) {
      const oldest = this.states.keys().next().value;
      if (oldest !== undefined) this.states.delete(oldest);
    }
    return state;
  }

  /** Drops the chat: the next use reads it from the store. */
  forget(chatId: string): void {
    this.states.delete(chatId);
  }

  /** Applies a committed event to the cached chat, if this node has it. */
  apply(event: StoredEvent): void {
    if (this.reading.has(event.chatId)) this.changedWhileReading.add(event.chatId);
    const state = this.states.get(event.chatId);
    if (state === undefined) return;
    // A gap means events this node never saw (a lost bus message): the state may be wrong, read it again.
    if (event.seq > state.lastSeq + 1) this.states.delete(event.chatId);
    else applyEvent(state, event);
  }
}
