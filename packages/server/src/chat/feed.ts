/**
 * The chat feed: every chat's start, joins and leaves, end, and the messages
 * of waiting chats, for agents who watch the queue. The node that commits an
 * event announces the change on its own bus channel; every node hands what
 * it announced or received to its own watchers. Messages from the bus are
 * checked against a schema before use, like chat traffic.
 * @module
 */
import { Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { CHAT_ID_PATTERN, USER_ID_PATTERN, type ChatFeedFrame, type ChatFeedUpdate } from "@parley/protocol";
import type { Logger } from "pino";
import type { Bus } from "../bus/types.js";

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

export class ChatFeed {
  private readonly watchers = new Set<FeedWatcher>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly bus: Bus,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = bus.subscribe(FEED_CHANNEL, (message, fromNode) => {
      const update = parseFeedUpdate(message);
      if (update === undefined) {
        this.logger.warn({ fromNode }, "dropped a malformed chat feed message");
        return;
      }
      this.deliver(update);
    });
  }

  watch(watcher: FeedWatcher): void {
    this.watchers.add(watcher);
  }

  unwatch(watcher: FeedWatcher): void {
    this.watchers.delete(watcher);
  }

  /** A change committed on this node: to this node's watchers, and to the other nodes. */
  announce(update: ChatFeedUpdate): void {
    this.deliver(update);
    // The change is committed; a lost feed message only leaves a queue stale until its next snapshot.
    this.bus.publish(FEED_CHANNEL, update).catch((error: unknown) => this.logger.warn({ err: error }, "chat feed publish failed"));
  }

  close(): void {
    this.unsubscribe();
    this.watchers.clear();
  }

  private deliver(update: ChatFeedUpdate): void {
    if (this.watchers.size === 0) return;
    const frame: ChatFeedFrame = { t: "chatFeed", ...update };
    const text = JSON.stringify(frame);
    for (const watcher of this.watchers) watcher.write(text, false);
  }
}
