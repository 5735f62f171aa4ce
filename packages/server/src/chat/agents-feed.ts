/**
 * The agents' feed, as the chat domain feeds it: which committed events
 * change the queue (starts, joins, leaves, ends, and the messages of waiting
 * chats; never receipts, the bulk of events), what change each makes, and
 * the snapshot an agent gets when starting to watch. The feed's transport
 * between nodes and to watchers is {@link ChatFeed}.
 * @module
 */
import { WATCH_SNAPSHOT_LIMIT, type ChatListItem } from "@parley/protocol";
import type { Logger } from "pino";
import { mayRead } from "../auth/access.js";
import type { TokenClaims } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import { MESSAGE_EVENT_NAMES, type ContactListQuery, type StoredEvent, type Store } from "../store/types.js";
import { listStatus, toChatListItem, toChatSummary, toMessagePreview } from "./chat-list.js";
import type { ChatFeed, FeedWatcher } from "./feed.js";
import type { ChatStates } from "./replication.js";

export interface AgentsFeedOptions {
  store: Store;
  states: ChatStates;
  logger: Logger;
  /** Where changes are announced; without it, nothing is and watching is refused. */
  feed?: ChatFeed | undefined;
  /** Told of each membership event committed on this node (joins, leaves, ends). */
  onMembership?: ((tenant: string, event: StoredEvent) => void) | undefined;
}

export class AgentsFeed {
  private readonly store: Store;
  private readonly states: ChatStates;
  private readonly logger: Logger;
  private readonly feed: ChatFeed | undefined;
  private readonly onMembership: AgentsFeedOptions["onMembership"];

  constructor(options: AgentsFeedOptions) {
    ({ store: this.store, states: this.states, logger: this.logger, feed: this.feed } = options);
    this.onMembership = options.onMembership;
  }

  /** Announces the change a committed event makes, if it is one agents follow. */
  committed(tenant: string, event: StoredEvent): void {
    if (isMembershipEvent(event.name)) this.onMembership?.(tenant, event);
    if (this.feed === undefined || !(MESSAGE_EVENT_NAMES.includes(event.name) || isMembershipEvent(event.name))) return;
    this.announce(this.feed, tenant, event).catch((error: unknown) => this.logger.warn({ err: error }, "chat feed announce failed"));
  }

  /** A tenant's chats for its agents, newest first (see `TenantStore.listContacts`). */
  async listChats(tenant: string, query: ContactListQuery): Promise<ChatListItem[]> {
    return (await this.store.tenant(tenant).listContacts(query)).map(toChatListItem);
  }

  /**
   * Agents only: starts handing the feed's changes to `watcher`, then returns
   * the open chats (waiting and active), newest first. Changes committed
   * while the snapshot is read reach the watcher too; summaries carry
   * `lastSeq`, so the newer of two views of a chat is plain to see.
   */
  async watch(who: TokenClaims, watcher: FeedWatcher): Promise<ChatListItem[]> {
    if (!mayRead(who, { kind: "chatList" })) throw new ParleyError("FORBIDDEN", "The chat feed is for agents.");
    if (this.feed === undefined) throw new ParleyError("UNAVAILABLE", "This server has no chat feed.");
    this.feed.watch(who.tenant, watcher);
    try {
      const limit = WATCH_SNAPSHOT_LIMIT;
      const [waiting, active] = await Promise.all([this.listChats(who.tenant, { status: "waiting", limit }), this.listChats(who.tenant, { status: "active", limit })]);
      const newestFirst = (a: ChatListItem, b: ChatListItem) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;
      return [...waiting, ...active].sort(newestFirst).slice(0, limit);
    } catch (error) {
      this.feed.unwatch(who.tenant, watcher);
      throw error;
    }
  }

  /** Stops handing the feed to `watcher`. */
  unwatch(tenant: string, watcher: FeedWatcher): void {
    this.feed?.unwatch(tenant, watcher);
  }

  private async announce(feed: ChatFeed, tenant: string, event: StoredEvent): Promise<void> {
    const state = await this.states.stateOf(tenant, event.chatId);
    if (state === undefined) return;
    if (MESSAGE_EVENT_NAMES.includes(event.name)) {
      // Only a waiting chat's messages reach the queue: its status decides before any preview is built.
      if (listStatus(state.contact.status, state.participants.values()) !== "waiting") return;
      const preview = toMessagePreview(event);
      if (preview !== undefined) feed.announce(tenant, { change: "message", chatId: event.chatId, lastSeq: event.seq, message: preview });
      return;
    }
    // The cache may already be past this event; the summary then tells the newer state, which is what a queue wants.
    const chat = toChatSummary(state.contact, state.participants.values(), Math.max(state.lastSeq, event.seq));
    const change = event.name === "contactEnded" ? "ended" : event.seq === 1 ? "started" : "updated";
    feed.announce(tenant, { change, chat });
  }
}

/** Events that change a chat's membership or status, as the agents' feed tells them. */
function isMembershipEvent(name: StoredEvent["name"]): boolean {
  return name === "userAdded" || name === "userLeft" || name === "contactEnded";
}
