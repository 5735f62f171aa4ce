/**
 * One socket session: the hello handshake, then dispatch of each validated
 * frame to the chat service, with a reply per request. A bad frame gets a
 * coded error and changes nothing; no frame can throw out of here.
 * @module
 */
import { createHash, randomUUID } from "node:crypto";
import {
  CLOSE_CODES,
  wireError,
  type ClientFrame,
  type HistoryFrame,
  type JoinFrame,
  type JoinResult,
  type Limits,
  type ReceiptFrame,
  type SendFrame,
  type TypingFrame,
  type WatchChatsResult,
  type WelcomeFrame,
  type WireError,
} from "@parley/protocol";
import type { Logger } from "pino";
import type { TokenClaims, TokenService } from "../auth/tokens.js";
import type { FeedWatcher } from "../chat/feed.js";
import type { ChatService } from "../chat/service.js";
import type { AgentRoles } from "../auth/agent-roles.js";
import type { AgentDesk } from "../desk/desk.js";
import type { ParleyMetrics } from "../metrics.js";
import { ParleyError, toWireError } from "../errors.js";
import { TokenBucket, type KeyedRateLimiter } from "../rate/token-bucket.js";
import type { Connection } from "./connection.js";
import { FrameBudget, HEAVY_FRAMES } from "./frame-budget.js";
import { parseFrame } from "./frames.js";
import { eventFrameFor, type ChatSubscription, type FanoutHub, type Subscriber } from "./hub.js";
import { DEFAULT_TENANT } from "../store/tenant-db.js";
import { agreedTenant } from "../policy/request-tenant.js";
import type { TenantGate } from "../auth/tenant-gate.js";
import type { SocketCounter } from "./socket-caps.js";

/** How long, past its retry delay, a refused send holds the later sends of its chat when it is not sent again. */
const HELD_SEND_MS = 10_000;

export interface SessionDeps {
  chat: ChatService;
  /** Whether the token's tenant is active: a disabled tenant's sockets are refused. */
  tenants: TenantGate;
  hub: FanoutHub;
  tokens: TokenService;
  limits: Limits;
  logger: Logger;
  metrics: ParleyMetrics;
  /** The agents' desk: counts agents' sockets, takes `setStatus`, sends presence with the feed. */
  desk?: AgentDesk;
  /** Agents' accounts as stored: a disabled agent's hello is refused (`AGENT_DISABLED`). */
  roles?: AgentRoles;
}

/** Limits shared by every session of a node (built by the socket server). */
export interface SharedLimits {
  /** Open sockets per token. */
  socketsPerToken: SocketCounter;
  /** Leaves per user per chat, keyed `userId chatId`. */
  leaves: KeyedRateLimiter;
}

const REPLAY_PAGE = 200;
/**
 * Frames of one session handled at once; the rest wait their turn in arrival
 * order. A burst admitted by the budget (a thousand receipts) then reaches the
 * store as a few dozen small group commits instead of one that holds the event
 * loop, and frames still waiting when the socket closes are dropped.
 */
const CONCURRENT_FRAMES = 32;

/** The initial value of promise chains: one for every session instead of one each. */
const SETTLED: Promise<undefined> = Promise.resolve(undefined);
const NOT_ACCEPTED: Promise<boolean> = Promise.resolve(false);

/**
 * The key a token is counted under in `socketsPerToken`: its digest, so that a
 * session does not keep its whole token (a few hundred bytes) for its lifetime.
 */
function tokenKey(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** Resolves after the I/O of this turn of the event loop, so a close already read from the socket is seen. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Per-chat state a session needs only once it sends, types, ends or joins is
 * allocated then, and dropped when emptied: an idle socket holds no empty
 * Maps (each costs about 180 bytes of heap).
 */
export class Session implements Subscriber {
  readonly sessionId = randomUUID();
  private claims: TokenClaims | undefined;
  private phase: "hello" | "authenticating" | "ready" | "closed" = "hello";
  /** Settles with whether the hello was accepted; only kept while authenticating. */
  private helloVerdict: Promise<boolean> = NOT_ACCEPTED;
  private readonly subscriptions = new Map<string, ChatSubscription>();
  /** Chats being joined (lazily allocated). */
  private joining: Set<string> | undefined;
  /** Set while this session follows the chat feed. */
  private feedWatcher: FeedWatcher | undefined;
  /** Allocated at the first send. */
  private sendBucket: TokenBucket | undefined;
  /** Per chat, allocated at the first typing frame. */
  private typingBuckets: Map<string, TokenBucket> | undefined;
  /**
   * The last send in progress per chat. A participant's sends to one chat are
   * committed in the order their frames arrived: an image takes longer to
   * process than a text sent right after it, and must not be overtaken.
   */
  private sendsInProgress: Map<string, Promise<unknown>> | undefined;
  /**
   * Per chat, a send refused with a code the client retries in place
   * (`RATE_LIMITED`, `STORE_UNAVAILABLE`: nothing was stored). The sends behind
   * it, often already on the wire, are refused alike until it comes again, so
   * its retry is not overtaken by them (an image over its client's share of the
   * image queue was, by the text sent right after it).
   */
  private heldSends: Map<string, { clientId: string; error: ParleyError; until: number }> | undefined;
  /**
   * The end in progress per chat. The chat service checks "still active" and
   * then stores `contactEnded`; ends read before the first one commits would
   * each store one, so a burst shares the first one's answer.
   */
  private endsInProgress: Map<string, Promise<unknown>> | undefined;
  /** The session's child logger, made at its first use (most sessions never log). */
  private sessionLogger: Logger | undefined;
  /** Frames being handled; a graceful shutdown waits for them (lazily allocated). */
  private inFlight: Set<Promise<unknown>> | undefined;
  private isDraining = false;
  private readonly budget: FrameBudget;
  /** Frames with large answers, one at a time: each waits for the previous one's bytes to be counted. */
  private largeAnswers: Promise<unknown> = SETTLED;
  /** Whether a frame without `rid` was refused since the last one admitted (it is told once, not per frame). */
  private hasToldRateLimited = false;
  /** Whether the desk counts this socket among its agent's (told again on close). */
  private isCountedByDesk = false;
  /** The key of the token counted against `socketsPerToken` ({@link tokenKey}), released on close. */
  private countedToken: string | undefined;
  private framesRunning = 0;
  private readonly framesWaiting: (() => void)[] = [];

  constructor(
    readonly connection: Connection,
    private readonly deps: SessionDeps,
    private readonly shared: SharedLimits,
    /** The tenant the upgrade's Host header maps to (`tenantHosts`), if any: the hello's token must be of it. */
    private readonly hostTenant?: string,
  ) {
    this.budget = new FrameBudget(deps.limits);
  }

  private get logger(): Logger {
    return (this.sessionLogger ??= this.deps.logger.child({ sessionId: this.sessionId }));
  }

  /** Run at each heartbeat: budgets that have refilled are dropped (an idle socket keeps none). */
  forgetFullBudgets(): void {
    this.budget.forgetFull();
    if (this.sendBucket?.isFull() === true) this.sendBucket = undefined;
  }

  /** Whether the socket is gone or going: work for it is dropped, not done. */
  private get isClosed(): boolean {
    return this.phase === "closed" || !this.connection.isOpen;
  }

  get isAgent(): boolean {
    return this.claims?.role === "agent";
  }

  get userId(): string {
    return this.claims?.userId ?? "";
  }

  get hasSaidHello(): boolean {
    return this.phase === "ready";
  }

  write(frame: string, volatile: boolean): void {
    this.connection.write(frame, volatile);
  }

  /**
   * Stops taking frames and resolves once those being handled are answered
   * (a send in flight is committed and acknowledged before the socket closes).
   * A frame arriving later goes unanswered: the SDK sends it again, with the
   * same client id, wherever it reconnects.
   */
  drain(): Promise<void> {
    this.isDraining = true;
    return Promise.allSettled([...(this.inFlight ?? [])]).then(() => undefined);
  }

  /** Handles one inbound WebSocket message. Never throws. */
  handleMessage(data: Buffer, isBinary: boolean): void {
    if (this.phase === "closed" || this.isDraining) return;
    const parsed = parseFrame(data, isBinary, this.deps.limits.maxFrameBytes);
    if (parsed.ok) this.deps.metrics.framesIn.inc({ type: parsed.frame.t });
    if (this.phase === "hello") {
      if (!parsed.ok || parsed.frame.t !== "hello") {
        this.sendError(parsed.ok ? wireError("HELLO_REQUIRED") : parsed.error);
        this.connection.close(CLOSE_CODES.HELLO_INVALID, "HELLO_REQUIRED");
        return;
      }
      this.phase = "authenticating";
      this.helloVerdict = this.authenticate(parsed.frame.token);
      this.track(this.helloVerdict);
      return;
    }
    if (!parsed.ok) {
      this.answerError(parsed.rid, parsed.error);
      return;
    }
    // Paid for on arrival, before any work: a refused frame costs a reply and nothing else.
    const refusal = this.budget.admit(parsed.frame.t);
    if (refusal !== undefined) {
      this.refuse(ridOf(parsed.frame), refusal);
      return;
    }
    this.hasToldRateLimited = false;
    if (this.phase === "authenticating") {
      // Frames sent right behind the hello wait for its verdict (in order) rather than being refused.
      const frame = parsed.frame;
      this.track(this.helloVerdict.then((accepted) => (accepted ? this.dispatch(frame) : undefined)));
      return;
    }
    this.track(this.dispatch(parsed.frame));
  }

  private track(work: Promise<unknown>): void {
    (this.inFlight ??= new Set()).add(work);
    const done = (): void => {
      this.inFlight?.delete(work);
      if (this.inFlight?.size === 0) this.inFlight = undefined;
    };
    // Both ways: a rejection here is already answered or logged by the handler.
    work.then(done, done);
  }

  /** A frame over budget: a request gets its reply; frames without `rid` are told once per streak. */
  private refuse(rid: number | undefined, error: WireError): void {
    if (rid !== undefined) return this.answerError(rid, error);
    if (this.hasToldRateLimited) return;
    this.hasToldRateLimited = true;
    this.sendError(error);
  }

  /** The socket closed: stop deliveries and typing. */
  handleClose(): void {
    this.phase = "closed";
    if (this.countedToken !== undefined) this.shared.socketsPerToken.release(this.countedToken);
    this.countedToken = undefined;
    for (const subscription of this.subscriptions.values()) this.deps.hub.unsubscribe(subscription);
    this.subscriptions.clear();
    if (this.feedWatcher !== undefined) this.stopWatching(this.feedWatcher);
    if (this.isCountedByDesk && this.claims !== undefined) this.deps.desk?.socketClosed(this.claims);
    this.isCountedByDesk = false;
    this.deps.chat.sessionClosed(this.sessionId);
  }

  /** The tenant of the session's token (`default` before it is authenticated: nothing is reached then). */
  get tenant(): string {
    return this.claims?.tenant ?? DEFAULT_TENANT;
  }

  /**
   * Closes the socket when its agent was disabled since the hello: the
   * heartbeat's check, for a change no bus message announced (the command
   * line on an install without Redis). The role is kept a few seconds, so
   * this reads the store at most once per agent and heartbeat.
   */
  async closeIfDisabled(): Promise<void> {
    const claims = this.claims;
    if (this.phase !== "ready" || claims === undefined || claims.role !== "agent" || this.deps.roles === undefined) return;
    try {
      if (await this.deps.roles.isDisabled(claims)) this.connection.close(CLOSE_CODES.AUTH_FAILED, "AGENT_DISABLED");
    } catch (error) {
      this.logger.warn({ err: error }, "checking whether the agent is disabled failed; checked again at the next heartbeat");
    }
  }

  /** Whether the hello's token was accepted. */
  get isAuthenticated(): boolean {
    return this.phase === "ready" && this.claims !== undefined;
  }

  private async authenticate(token: string): Promise<boolean> {
    try {
      return await this.acceptHello(token);
    } finally {
      // Frames arriving after this see the phase: "ready", or still "authenticating" when refused.
      this.helloVerdict = NOT_ACCEPTED;
    }
  }

  private async acceptHello(token: string): Promise<boolean> {
    try {
      const claims = await this.deps.tokens.verify(token);
      // As on REST (policy/request-tenant.ts): a token of another tenant than the host name's is refused, not served.
      agreedTenant(claims.tenant, this.hostTenant);
      await this.deps.tenants.requireActive(claims.tenant);
      if ((await this.deps.roles?.isDisabled(claims)) === true) throw new ParleyError("AGENT_DISABLED");
      this.claims = claims;
    } catch (error) {
      const wire = toWireError(error);
      this.sendError(wire);
      const code = wire.code === "AUTH_TOKEN_EXPIRED" ? CLOSE_CODES.TOKEN_EXPIRED : CLOSE_CODES.AUTH_FAILED;
      this.connection.close(code, wire.code);
      return false;
    }
    if (this.phase !== "authenticating") return false;
    const key = tokenKey(token);
    if (!this.shared.socketsPerToken.tryAcquire(key)) {
      this.sendError(wireError("TOO_MANY_SOCKETS", undefined, { limit: this.shared.socketsPerToken.max }));
      this.connection.close(CLOSE_CODES.TOO_MANY_SOCKETS, "TOO_MANY_SOCKETS");
      return false;
    }
    this.countedToken = key;
    this.phase = "ready";
    if (this.deps.desk !== undefined) {
      this.deps.desk.socketOpened(this.claims);
      this.isCountedByDesk = true;
    }
    const { userId, role, nickname, chatId } = this.claims;
    const welcome: WelcomeFrame = {
      t: "welcome",
      sessionId: this.sessionId,
      identity: chatId === undefined ? { userId, role, nickname } : { userId, role, nickname, chatId },
      limits: this.deps.limits,
      serverTime: new Date().toISOString(),
    };
    this.connection.writeFrame(welcome);
    if (this.deps.logger.isLevelEnabled("debug")) this.logger.debug({ userId, role }, "session authenticated");
    return true;
  }

  private async dispatch(frame: ClientFrame): Promise<void> {
    await this.takeTurn();
    try {
      await this.handle(frame);
    } finally {
      this.endTurn();
    }
  }

  private takeTurn(): Promise<void> {
    if (this.framesRunning < CONCURRENT_FRAMES) {
      this.framesRunning += 1;
      return Promise.resolve();
    }
    // The slot is handed over by endTurn: framesRunning stays as it is.
    return new Promise((resolve) => this.framesWaiting.push(resolve));
  }

  private endTurn(): void {
    const next = this.framesWaiting.shift();
    if (next !== undefined) next();
    else this.framesRunning -= 1;
  }

  private async handle(frame: ClientFrame): Promise<void> {
    const rid = ridOf(frame);
    // Read before the socket closed, handled after: dropped (a send comes again, with its client id, on the next socket).
    if (this.isClosed) return;
    try {
      if (frame.t === "join") {
        // join writes its own reply: it must precede the live events it lets through.
        await this.join(this.claims as TokenClaims, frame);
        return;
      }
      if (frame.t === "watchChats") {
        // Like join: the snapshot reply must precede the feed frames that follow it.
        await this.withLargeAnswer(() => this.watchChats(this.claims as TokenClaims, frame.rid));
        return;
      }
      if ("chatId" in frame && !this.subscriptions.has(frame.chatId)) await this.refuseNotJoined(frame.chatId);
      const result = HEAVY_FRAMES.has(frame.t) ? await this.withLargeAnswer(() => this.run(frame)) : await this.run(frame);
      if (this.isClosed) return;
      let bytes = 0;
      if (frame.t === "ping") bytes = this.connection.writeFrame(rid === undefined ? { t: "pong" } : { t: "pong", rid });
      else if (rid !== undefined) bytes = this.connection.writeFrame({ t: "reply", rid, ok: true, result });
      this.budget.chargeAnswer(bytes);
    } catch (error) {
      if (this.isClosed) return;
      if (!(error instanceof ParleyError)) this.logger.error({ err: error, t: frame.t }, "frame handler failed");
      this.answerError(rid, toWireError(error));
    }
  }

  /**
   * Runs work whose answer may be large once the previous such work of this
   * session is answered and counted: refused while the answer budget is spent,
   * dropped when the socket closed meanwhile.
   */
  private withLargeAnswer<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.largeAnswers.then(async () => {
      await nextTurn();
      if (this.isClosed) throw new ParleyError("UNAVAILABLE");
      const refusal = this.budget.admitLargeAnswer();
      if (refusal !== undefined) throw new ParleyError(refusal.code, undefined, refusal.details);
      return work();
    });
    this.largeAnswers = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private run(frame: ClientFrame): Promise<unknown> {
    const claims = this.claims as TokenClaims;
    switch (frame.t) {
      case "hello":
        throw new ParleyError("ALREADY_AUTHENTICATED");
      case "join":
      case "watchChats":
        throw new Error(`${frame.t} is dispatched on its own`);
      case "leave":
        return this.leave(claims, frame.chatId);
      case "end":
        return this.end(claims, frame.chatId);
      case "send":
        return this.send(claims, frame);
      case "receipt":
        return this.receipt(claims, frame);
      case "typing":
        return this.typing(claims, frame);
      case "history":
        return this.history(frame);
      case "media":
        this.requireJoined(frame.chatId);
        return this.deps.chat.mediaLink(claims, frame.chatId, frame.messageId, frame.format ?? "fullsize");
      case "ping":
        return Promise.resolve(null);
      case "setStatus":
        if (this.deps.desk === undefined) throw new ParleyError("UNAVAILABLE", "This server has no desk.");
        return this.deps.desk.setStatus(claims, frame.status);
      case "setCallData":
        this.requireJoined(frame.chatId);
        return this.deps.chat.changeCallData(claims, frame.chatId, frame.changes);
    }
  }

  /**
   * A frame for a chat this session has not joined. Only on this error path is
   * the chat looked up, so that an unknown chat is named as such.
   */
  private async refuseNotJoined(chatId: string): Promise<never> {
    await this.deps.chat.requireChat(this.tenant, chatId);
    throw new ParleyError("NOT_A_PARTICIPANT");
  }

  private requireJoined(chatId: string): ChatSubscription {
    const subscription = this.subscriptions.get(chatId);
    if (subscription === undefined) throw new ParleyError("NOT_A_PARTICIPANT");
    return subscription;
  }

  /**
   * Race-free join: subscribe first (live events are buffered), join, replay
   * what the client missed from the store, answer, then let the buffered live
   * events through from the seq after the answer's `lastSeq`.
   */
  private async join(claims: TokenClaims, frame: JoinFrame): Promise<void> {
    const { chatId, afterSeq } = frame;
    if (this.joining?.has(chatId) === true) throw new ParleyError("INVALID_FRAME", "A join of this chat is already in progress.");
    const previous = this.subscriptions.get(chatId);
    this.admitMembershipChange();
    // Joining again on the same socket replays or pages the chat again: paid from the answer budget.
    if (previous !== undefined) this.admitLargeAnswer();
    if (previous === undefined && this.subscriptions.size + (this.joining?.size ?? 0) >= this.deps.limits.maxContactsPerSession) {
      throw new ParleyError("CONTACTS_PER_SESSION_LIMIT", undefined, { limit: this.deps.limits.maxContactsPerSession });
    }
    (this.joining ??= new Set()).add(chatId);
    // A re-join on the same socket replaces the old subscription.
    if (previous !== undefined) {
      this.deps.hub.unsubscribe(previous);
      this.subscriptions.delete(chatId);
    }
    const subscription = this.deps.hub.subscribe(this, claims.tenant, chatId);
    try {
      // The head is read below: only once this node receives the chat's events from the others.
      await subscription.ready;
      // A join queued behind a closed socket would store a userAdded event nobody asked for any more.
      if (this.isClosed) throw new ParleyError("UNAVAILABLE");
      const options: { nickname?: string; isResume: boolean } = { isResume: afterSeq !== undefined };
      if (frame.nickname !== undefined) options.nickname = frame.nickname;
      const outcome = await this.deps.chat.join(claims, chatId, options);
      let lastSeq = outcome.head;
      let history: JoinResult["history"] = { messages: [], hasMore: false };
      if (afterSeq !== undefined) {
        lastSeq = await this.replay(chatId, afterSeq, outcome.head);
      } else {
        history = await this.deps.chat.history(claims.tenant, chatId, outcome.head + 1);
      }
      if (this.isClosed) throw new ParleyError("UNAVAILABLE");
      const result: JoinResult = { contact: outcome.contact, user: outcome.user, participants: outcome.participants, lastSeq, history };
      // Call data is the contact center's: agents get it with the join, customers do not.
      if (claims.role === "agent") result.callData = await this.deps.chat.readCallData(claims.tenant, chatId);
      if (this.isClosed) throw new ParleyError("UNAVAILABLE");
      // The reply goes out before the buffered live events: write it here, not in dispatch.
      this.budget.chargeAnswer(this.connection.writeFrame({ t: "reply", rid: frame.rid, ok: true, result }));
      this.subscriptions.set(chatId, subscription);
      subscription.start(lastSeq + 1);
    } catch (error) {
      this.deps.hub.unsubscribe(subscription);
      throw error;
    } finally {
      this.joining?.delete(chatId);
      if (this.joining?.size === 0) this.joining = undefined;
    }
  }

  /**
   * Follows the chat feed: the watcher buffers changes until the snapshot is
   * answered, then writes them behind it. Asking again replaces the watcher.
   */
  private async watchChats(claims: TokenClaims, rid: number): Promise<void> {
    if (this.feedWatcher !== undefined) this.stopWatching(this.feedWatcher);
    const buffered: string[] = [];
    let isLive = false;
    const watcher = {
      write: (frame: string) => {
        if (isLive) this.connection.write(frame, false);
        else buffered.push(frame);
      },
    };
    this.feedWatcher = watcher;
    let chats;
    try {
      chats = await this.deps.chat.watchChats(claims, watcher);
    } catch (error) {
      this.feedWatcher = undefined;
      throw error;
    }
    if (this.isClosed) {
      this.deps.chat.unwatchChats(claims.tenant, watcher);
      return;
    }
    // Agents' statuses ride along with the feed, buffered like it until the snapshot is answered.
    this.deps.desk?.watch(claims, watcher);
    const result: WatchChatsResult = { chats };
    this.budget.chargeAnswer(this.connection.writeFrame({ t: "reply", rid, ok: true, result }));
    isLive = true;
    for (const frame of buffered) this.connection.write(frame, false);
  }

  private stopWatching(watcher: FeedWatcher): void {
    this.deps.chat.unwatchChats(this.tenant, watcher);
    if (this.claims !== undefined) this.deps.desk?.unwatch(this.claims, watcher);
  }

  /** Writes every stored event after `afterSeq`; returns the last seq the client now has. */
  private async replay(chatId: string, afterSeq: number, head: number): Promise<number> {
    // A client claiming more than exists starts from the real head, or it would miss what comes next.
    let cursor = Math.min(afterSeq, head);
    for (;;) {
      const events = await this.deps.chat.eventsAfter(this.tenant, chatId, cursor, REPLAY_PAGE);
      for (const event of events) {
        const frame = eventFrameFor(event, this.isAgent);
        this.budget.chargeAnswer(frame.length);
        // Paced by the socket: a resume after a long absence may be far larger than the write queue.
        if (this.connection.isBacklogged) await this.connection.writeFlushed(frame);
        else this.connection.write(frame, false);
        cursor = event.seq;
        if (this.isClosed) break;
      }
      if (events.length < REPLAY_PAGE || this.isClosed) break;
    }
    return cursor;
  }

  private async leave(claims: TokenClaims, chatId: string): Promise<unknown> {
    const subscription = this.requireJoined(chatId);
    this.admitMembershipChange();
    // Per user, not per socket: a leave and the join after it are two stored events, and every watching agent hears both.
    const retryAfterMs = this.shared.leaves.take(`${claims.userId} ${chatId}`);
    if (retryAfterMs > 0) throw new ParleyError("RATE_LIMITED", undefined, { retryAfterMs });
    const result = await this.deps.chat.leave(claims, chatId);
    this.deps.hub.unsubscribe(subscription);
    this.subscriptions.delete(chatId);
    this.typingBuckets?.delete(chatId);
    return result;
  }

  private end(claims: TokenClaims, chatId: string): Promise<unknown> {
    this.requireJoined(chatId);
    const inProgress = this.endsInProgress?.get(chatId);
    if (inProgress !== undefined) return inProgress;
    const ending = this.deps.chat.end(claims, chatId).finally(() => {
      this.endsInProgress?.delete(chatId);
      if (this.endsInProgress?.size === 0) this.endsInProgress = undefined;
    });
    (this.endsInProgress ??= new Map()).set(chatId, ending);
    return ending;
  }

  private send(claims: TokenClaims, frame: SendFrame): Promise<unknown> {
    this.requireJoined(frame.chatId);
    const sendBucket = (this.sendBucket ??= new TokenBucket(this.deps.limits.messagesPerSecond, this.deps.limits.messagesBurst));
    if (!sendBucket.take()) {
      throw new ParleyError("RATE_LIMITED", undefined, { retryAfterMs: sendBucket.retryAfterMs() });
    }
    const commit = (): Promise<unknown> => {
      // Queued behind an earlier send when the socket closed: not committed, the SDK sends it again with its client id.
      if (this.isClosed) return Promise.reject(new ParleyError("UNAVAILABLE"));
      const held = this.heldSends?.get(frame.chatId);
      if (held !== undefined) {
        if (held.clientId !== frame.clientId && Date.now() < held.until) return Promise.reject(held.error);
        this.heldSends?.delete(frame.chatId);
        if (this.heldSends?.size === 0) this.heldSends = undefined;
      }
      if (frame.kind === "media") {
        const { messageType, caption, fileName, data, uploadId } = frame;
        return this.deps.chat.sendMedia(claims, frame.chatId, frame.clientId, { messageType, caption, fileName, data, uploadId });
      }
      const message = frame.kind === "text" ? { kind: "text" as const, text: frame.text } : { kind: "link" as const, url: frame.url };
      return this.deps.chat.send(claims, frame.chatId, frame.clientId, message);
    };
    const committed = (): Promise<unknown> =>
      commit().catch((error: unknown) => {
        if (error instanceof ParleyError && (error.code === "RATE_LIMITED" || error.code === "STORE_UNAVAILABLE") && frame.clientId !== undefined) {
          if (this.heldSends?.has(frame.chatId) !== true) {
            const retryAfterMs = Number(error.details?.retryAfterMs ?? 0);
            // A client that never retries holds its later sends a bounded while only.
            (this.heldSends ??= new Map()).set(frame.chatId, { clientId: frame.clientId, error, until: Date.now() + (Number.isFinite(retryAfterMs) ? retryAfterMs : 0) + HELD_SEND_MS });
          }
        }
        throw error;
      });
    return this.afterPreviousSend(frame.chatId, committed);
  }

  /** Runs `commit` once the previous send of this session to `chatId` has settled (however it did). */
  private afterPreviousSend(chatId: string, commit: () => Promise<unknown>): Promise<unknown> {
    const previous = this.sendsInProgress?.get(chatId);
    const result = previous === undefined ? commit() : previous.then(commit, commit);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    (this.sendsInProgress ??= new Map()).set(chatId, settled);
    void settled.then(() => {
      if (this.sendsInProgress?.get(chatId) !== settled) return;
      this.sendsInProgress.delete(chatId);
      if (this.sendsInProgress.size === 0) this.sendsInProgress = undefined;
    });
    return result;
  }

  private receipt(claims: TokenClaims, frame: ReceiptFrame): Promise<unknown> {
    this.requireJoined(frame.chatId);
    return this.deps.chat.receipt(claims, frame.chatId, frame.messageId, frame.kind);
  }

  /** Typing beyond `typingPerSecond` per chat is dropped silently: it is volatile anyway. */
  private async typing(claims: TokenClaims, frame: TypingFrame): Promise<null> {
    this.requireJoined(frame.chatId);
    this.typingBuckets ??= new Map();
    let bucket = this.typingBuckets.get(frame.chatId);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.deps.limits.typingPerSecond, this.deps.limits.typingPerSecond);
      this.typingBuckets.set(frame.chatId, bucket);
    }
    // "Stopped" is never dropped: losing it would leave the indicator on until the timeout.
    if (frame.bwrite && !bucket.take()) return null;
    await this.deps.chat.typingChanged(claims, frame.chatId, frame.bwrite, this.sessionId);
    return null;
  }

  private async history(frame: HistoryFrame): Promise<unknown> {
    this.requireJoined(frame.chatId);
    const page = await this.deps.chat.history(this.tenant, frame.chatId, frame.beforeSeq, frame.limit);
    // Call data is the contact center's: an agent's page carries it, a customer's does not.
    if (this.isAgent) page.callData = await this.deps.chat.readCallData(this.tenant, frame.chatId);
    return page;
  }

  private admitMembershipChange(): void {
    const refusal = this.budget.admitMembershipChange();
    if (refusal !== undefined) throw new ParleyError(refusal.code, undefined, refusal.details);
  }

  private admitLargeAnswer(): void {
    const refusal = this.budget.admitLargeAnswer();
    if (refusal !== undefined) throw new ParleyError(refusal.code, undefined, refusal.details);
  }

  private answerError(rid: number | undefined, error: WireError): void {
    if (rid === undefined) return this.sendError(error);
    this.deps.metrics.errors.inc({ code: error.code });
    this.connection.writeFrame({ t: "reply", rid, ok: false, error });
  }

  private sendError(error: WireError): void {
    this.deps.metrics.errors.inc({ code: error.code });
    this.connection.writeFrame({ t: "error", error });
  }
}

function ridOf(frame: ClientFrame): number | undefined {
  return "rid" in frame ? frame.rid : undefined;
}

