/**
 * The chat feed: every chat's start, joins and leaves, end, and the messages
 * of waiting chats, for agents who watch the queue. The node that commits an
 * event announces the change on its own bus channel; every node hands what
 * it announced or received to its own watchers. Messages from the bus are
 * checked against a schema before use, like chat traffic. Every message
 * names its tenant, and reaches the watchers of that tenant only.
 * @module
 */
import { Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { CHAT_ID_PATTERN, USER_ID_PATTERN, type ChatFeedFrame, type ChatFeedUpdate } from "@parley/protocol";
import type { Logger } from "pino";
import type { Bus } from "../bus/types.js";
import { TENANT_NAME } from "../store/tenant-db.js";

/**
 * The bus channel of the chat feed, apart from chat traffic so that it can be
 * followed alone; every node follows it. (The bus adds its prefix: on Redis,
 * `parley:chat-feed` by default.)
 */
export const FEED_CHANNEL = "chat-feed";

/** Someone who receives the feed's frames (an agent's socket). */
export interface FeedWatcher {
  write(frame: string, volatile: boolean): void;
}

const Ts = Type.String({ minLength: 1, maxLength: 64 });
const ChatId = Type.String({ pattern: CHAT_ID_PATTERN });
const Summary = Type.Object({
  id: ChatId,
  status: Type.Union([Type.Literal("waiting"), Type.Literal("active"), Type.Literal("ended")]),
  nickname: Type.String(),
  createdAt: Ts,
  endedAt: Type.Union([Ts, Type.Null()]),
  agents: Type.Array(Type.Object({ id: Type.String({ pattern: USER_ID_PATTERN }), nickname: Type.String(), isPresent: Type.Boolean() })),
  lastSeq: Type.Integer({ minimum: 1 }),
});
const Preview = Type.Object({
  id: Type.String({ minLength: 1 }),
  kind: Type.Union([Type.Literal("text"), Type.Literal("link"), Type.Literal("image"), Type.Literal("document")]),
  text: Type.String(),
  user: Type.Object({ id: Type.String({ pattern: USER_ID_PATTERN }), nickname: Type.String(), isAgent: Type.Boolean() }),
  ts: Ts,
});
const CHECK_UPDATE = TypeCompiler.Compile(
  Type.Union([
    Type.Object({ change: Type.Union([Type.Literal("started"), Type.Literal("updated"), Type.Literal("ended")]), chat: Summary }),
    Type.Object({ change: Type.Literal("message"), chatId: ChatId, lastSeq: Type.Integer({ minimum: 1 }), message: Preview }),
  ]),
);

/** The update when it is well-formed, undefined otherwise. */
export function parseFeedUpdate(value: unknown): ChatFeedUpdate | undefined {
  return CHECK_UPDATE.Check(value) ? (value as ChatFeedUpdate) : undefined;
}

/** A feed message on the bus: a tenant's update. */
interface FeedMessage {
  tenant: string;
  update: ChatFeedUpdate;
}

/** The bus message when it names a tenant and holds a well-formed update, undefined otherwise. */
export function parseFeedMessage(value: unknown): FeedMessage | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { tenant, update } = value as Record<string, unknown>;
  if (typeof tenant !== "string" || !TENANT_NAME.test(tenant)) return undefined;
  const parsed = parseFeedUpdate(update);
  return parsed === undefined ? undefined : { tenant, update: parsed };
}

export class ChatFeed {
  /** Watchers by tenant. */
  private readonly watchers = new Map<string, Set<FeedWatcher>>();
  private readonly unsubscribe: () => void;
  private readonly listeners: Array<(tenant: string, update: ChatFeedUpdate) => void> = [];

  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = bus.subscribe(FEED_CHANNEL, (message, fromNode) => {
      const parsed = parseFeedMessage(message);
      if (parsed === undefined) {
        this.logger.warn({ fromNode }, "dropped a malformed chat feed message");
        return;
      }
      this.deliver(parsed.tenant, parsed.update);
    });
  }

  /** Calls `listener` with every tenant's updates, committed here or on another node (the desk's routing). */
  listen(listener: (tenant: string, update: ChatFeedUpdate) => void): void {
    this.listeners.push(listener);
  }

  /** Hands the tenant's updates to `watcher` until {@link unwatch}. */
  watch(tenant: string, watcher: FeedWatcher): void {
    const watchers = this.watchers.get(tenant) ?? new Set<FeedWatcher>();
    watchers.add(watcher);
    this.watchers.set(tenant, watchers);
  }

  unwatch(tenant: string, watcher: FeedWatcher): void {
    const watchers = this.watchers.get(tenant);
    watchers?.delete(watcher);
    if (watchers?.size === 0) this.watchers.delete(tenant);
  }

  /** A change committed on this node in a tenant: to this node's watchers of the tenant, and to the other nodes. */
  announce(tenant: string, update: ChatFeedUpdate): void {
    this.deliver(tenant, update);
    const message: FeedMessage = { tenant, update };
    // The change is committed; a lost feed message only leaves a queue stale until its next snapshot.
    this.bus.publish(FEED_CHANNEL, message).catch((error: unknown) => this.logger.warn({ err: error }, "chat feed publish failed"));
  }

  close(): void {
    this.unsubscribe();
    this.watchers.clear();
  }

  private deliver(tenant: string, update: ChatFeedUpdate): void {
    for (const listener of this.listeners) listener(tenant, update);
    const watchers = this.watchers.get(tenant);
    if (watchers === undefined) return;
    const frame: ChatFeedFrame = { t: "chatFeed", ...update };
    const text = JSON.stringify(frame);
    for (const watcher of watchers) watcher.write(text, false);
  }
}
