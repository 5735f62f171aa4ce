/**
 * In-memory state of the chats this node works with (status, participants,
 * head), so the send path reads no database. It is loaded once from the
 * store and then kept current from every committed event, ours or another
 * node's. The store stays the authority: an append to an ended chat is
 * refused there even if this cache is behind.
 * @module
 */
import type { ContactRecord, ContactWithParticipants, ParticipantRecord, StoredEvent, Store } from "../store/types.js";

/**
 * The key of a chat in this node's maps: its tenant and its id. Chat ids are
 * unique across tenants, but a map keyed by id alone would answer a caller
 * of another tenant; keyed by both, it cannot.
 */
export function chatKey(tenant: string, chatId: string): string {
  return `${tenant} ${chatId}`;
}

export interface ChatState {
  /** The tenant that owns the chat: the state is found under it only. */
  tenant: string;
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

function fromRecord(tenant: string, record: ContactWithParticipants): ChatState {
  const { participants, lastSeq, ...contact } = record;
  return { tenant, contact, lastSeq, participants: new Map(participants.map((p) => [p.userId, p])) };
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
 * (see `ChatReplication.follow`); the others are read afresh. Entries are
 * keyed by tenant and chat id: a chat id alone never finds a state.
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

  /** The tenant's chat's state, loaded from the store on first use; undefined when the tenant has no such chat. */
  get(tenant: string, chatId: string): Promise<ChatState | undefined> {
    const key = chatKey(tenant, chatId);
    const cached = this.states.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.loading.get(key);
    if (pending === undefined) {
      pending = this.reload(tenant, chatId).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** Reads the tenant's chat from the store without caching it. */
  async load(tenant: string, chatId: string): Promise<ChatState | undefined> {
    const record = await this.store.tenant(tenant).getContact(chatId);
    return record === undefined ? undefined : fromRecord(tenant, record);
  }

  /** Reads the chat from the store again, replacing what was cached. */
  async reload(tenant: string, chatId: string): Promise<ChatState | undefined> {
    const key = chatKey(tenant, chatId);
    let state: ChatState | undefined;
    this.reading.set(key, (this.reading.get(key) ?? 0) + 1);
    try {
      // A few tries: under constant traffic the gap rule of apply() catches up anyway.
      for (let attempt = 0; attempt < 3; attempt++) {
        this.changedWhileReading.delete(key);
        state = await this.load(tenant, chatId);
        if (!this.changedWhileReading.has(key)) break;
      }
    } finally {
      const left = (this.reading.get(key) ?? 1) - 1;
      if (left === 0) this.reading.delete(key);
      else this.reading.set(key, left);
    }
    this.states.delete(key);
    if (state === undefined) return undefined;
    this.states.set(key, state);
    if (this.states.size > this.maxChats) {
      const oldest = this.states.keys().next().value;
      if (oldest !== undefined) this.states.delete(oldest);
    }
    return state;
  }

  /** Drops the chat: the next use reads it from the store. */
  forget(tenant: string, chatId: string): void {
    this.states.delete(chatKey(tenant, chatId));
  }

  /** Applies an event committed in the tenant to the cached chat, if this node has it. */
  apply(tenant: string, event: StoredEvent): void {
    const key = chatKey(tenant, event.chatId);
    if (this.reading.has(key)) this.changedWhileReading.add(key);
    const state = this.states.get(key);
    if (state === undefined) return;
    // A gap means events this node never saw (a lost bus message): the state may be wrong, read it again.
    if (event.seq > state.lastSeq + 1) this.states.delete(key);
    else applyEvent(state, event);
  }
}
