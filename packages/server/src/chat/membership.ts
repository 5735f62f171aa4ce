/**
 * Membership: a customer starting a chat, participants joining (or resuming)
 * and leaving, and the end of a chat. Each change is an event committed with
 * its state change in one transaction.
 * @module
 */
import { DEFAULT_QUEUE, normalizeNickname, type AckResult, type QueueNoticeEvent, type ContactEndedEvent, type ContactTransferredEvent, type ContactInfo, type Limits, type User, type UserAddedEvent, type UserLeftEvent, type UserRef, type VisitorContext } from "@parley/protocol";
import { mayRead } from "../auth/access.js";
import type { TenantAgentNames } from "../auth/agent-names.js";
import type { TokenClaims } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import { newChatId, newEventId, newUserId } from "../ids.js";
import type { ParticipantRecord } from "../store/types.js";
import type { PrechatRecord } from "../store/prechat-queries.js";
import type { ChatAccess } from "./access.js";
import { requireValidCallData } from "./call-data.js";
import { requireValidVisitorContext } from "./visitor-context.js";
import { toContactInfo, toUser, userRef } from "./payloads.js";
import type { CommitPipeline } from "./pipeline.js";
import { presentParticipants } from "./state.js";
import { validateCustomerNickname, validateLink, validateNickname } from "./validation.js";

/** Details of a customer starting a chat. */
export interface StartContactInput {
  nickname: string;
  email?: string;
  uri?: string;
  title?: string;
  userAgent?: string;
  clientIp: string | null;
  /** The chat's call data (checked against the limits here). */
  callData?: Record<string, string>;
  /** The queue the chat starts into (checked to exist by the caller); `default` when omitted. */
  queue?: string;
  /** What the customer's browser tells about itself (checked against its budgets here). */
  context?: VisitorContext;
  /** The pre-chat answers, already checked against the queue's form (front-door/prechat.ts), stored with the chat. */
  prechat?: PrechatRecord;
}

export interface JoinOutcome {
  contact: ContactInfo;
  user: User;
  participants: User[];
  /** The chat's head after the join. */
  head: number;
}

/** Whether a user has a socket in a chat on this node (the `isOnline` of participants). */
export interface Presence {
  isOnline(tenant: string, chatId: string, userId: string): boolean;
}

export interface MembershipOptions {
  access: ChatAccess;
  pipeline: CommitPipeline;
  presence: Presence;
  /** Agents' names, which customers may not take or imitate. */
  agentNames: TenantAgentNames;
  limits: Limits;
  /** Told when a chat ends, so its writers are forgotten. */
  onEnded: (tenant: string, chatId: string) => void;
  /** Asked before an agent joins a chat they are not in; throws to refuse (the desk's capacity). */
  admitAgent?: ((who: TokenClaims, chatId: string) => Promise<void>) | undefined;
}

const now = (): string => new Date().toISOString();

export class ChatMembership {
  private readonly access: ChatAccess;
  private readonly pipeline: CommitPipeline;
  private readonly presence: Presence;
  private readonly agentNames: TenantAgentNames;
  private readonly limits: Limits;
  private readonly onEnded: (tenant: string, chatId: string) => void;
  private readonly admitAgent: MembershipOptions["admitAgent"];

  constructor(options: MembershipOptions) {
    ({ access: this.access, pipeline: this.pipeline, presence: this.presence, agentNames: this.agentNames, limits: this.limits, onEnded: this.onEnded } = options);
    this.admitAgent = options.admitAgent;
  }

  /** A customer starts a chat: they are its first participant, recorded by a `userAdded` event (seq 1). */
  async startContact(tenant: string, input: StartContactInput): Promise<{ chatId: string; user: UserRef }> {
    const nickname = await validateCustomerNickname(input.nickname, this.limits, this.agentNames.of(tenant));
    if (input.uri !== undefined) validateLink(input.uri, this.limits);
    if (input.callData !== undefined) requireValidCallData(input.callData);
    if (input.context !== undefined) requireValidVisitorContext(input.context);
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
      queue: input.queue ?? DEFAULT_QUEUE,
    };
    const customer: ParticipantRecord = { userId, nickname, isAgent: false, channel: "web", joinedAt: ts, leftAt: null };
    const data: UserAddedEvent = {
      chatId,
      user: toUser(customer, { ...contact, status: "active", endedAt: null }, false),
      ts,
    };
    await this.pipeline.createContact(tenant, {
      contact,
      customer,
      firstEvent: { id: newEventId(), name: "userAdded", userId, ts, data },
      ...(input.callData === undefined ? {} : { callData: input.callData }),
      ...(input.context === undefined ? {} : { visitorContext: input.context }),
      ...(input.prechat === undefined ? {} : { prechat: input.prechat }),
    });
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
    let state = await this.access.requireChat(who.tenant, chatId);
    const known = state.participants.get(who.userId);
    if (state.contact.status === "ended") {
      if (!(options.isResume && known !== undefined)) throw new ParleyError("CONTACT_ENDED");
    } else if (known === undefined || known.leftAt !== null) {
      // An agent's socket coming back to a chat they left (in another tab, or returned to the queue while they
      // were gone) does not take it again behind anyone's back: joining anew is a choice, made without afterSeq.
      if (options.isResume && known !== undefined && who.role === "agent") {
        throw new ParleyError("NOT_A_PARTICIPANT", "You left this chat, or it was returned to the queue while you were away; join it again to take it.");
      }
      if (presentParticipants(state).length >= this.limits.maxParticipants) {
        throw new ParleyError("PARTICIPANTS_LIMIT", undefined, { limit: this.limits.maxParticipants });
      }
      const given = options.nickname ?? who.nickname;
      // A customer keeps the name it started with (judged then); a new one must not be an agent's.
      const isNewCustomerName = who.role === "customer" && normalizeNickname(given) !== who.nickname;
      const nickname = isNewCustomerName ? await validateCustomerNickname(given, this.limits, this.agentNames.of(who.tenant)) : validateNickname(given, this.limits);
      if (who.role === "agent") await this.admitAgent?.(who, chatId);
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
      await this.pipeline.appendChange(
        who.tenant,
        { chatId, id: newEventId(), name: "userAdded", userId: who.userId, ts, data },
        { kind: "participantJoined", participant },
      );
    }
    // A join is rare next to sends: read the chat afresh so the head and participants are exact.
    state = await this.access.requireFreshChat(who.tenant, chatId);
    const me = state.participants.get(who.userId);
    if (me === undefined) throw new ParleyError("INTERNAL_ERROR");
    return {
      contact: toContactInfo(state.contact),
      user: toUser(me, state.contact, true),
      participants: presentParticipants(state).map((p) =>
        toUser(p, state.contact, p.userId === who.userId || this.presence.isOnline(who.tenant, chatId, p.userId)),
      ),
      head: state.lastSeq,
    };
  }

  /**
   * What a supervisor monitoring a chat is given in place of a join: the chat
   * as it is, with nothing stored and nobody told. `user` is the supervisor,
   * who is not among the participants.
   */
  async monitorView(who: TokenClaims, chatId: string): Promise<JoinOutcome> {
    const state = await this.access.requireFreshChat(who.tenant, chatId);
    const ts = now();
    const me: ParticipantRecord = { userId: who.userId, nickname: who.nickname, isAgent: true, channel: "agent", joinedAt: ts, leftAt: null };
    return {
      contact: toContactInfo(state.contact),
      user: toUser(me, state.contact, true),
      participants: presentParticipants(state).map((p) => toUser(p, state.contact, this.presence.isOnline(who.tenant, chatId, p.userId))),
      head: state.lastSeq,
    };
  }

  /** Stores the customer-visible `contactTransferred` (never the transfer's note); returns its seq. */
  async announceTransfer(tenant: string, chatId: string, by: UserRef, queue: string | null): Promise<number> {
    const ts = now();
    const data: ContactTransferredEvent = { chatId, user: by, to: queue === null ? "agent" : "queue", queue, ts };
    const result = await this.pipeline.append(tenant, { chatId, id: newEventId(), name: "contactTransferred", userId: by.id, ts, data });
    if (result.status !== "appended") return this.pipeline.refused(tenant, chatId, result.status);
    return result.seq;
  }

  /** Leaves a chat; it stays open for the others. */
  async leave(who: TokenClaims, chatId: string): Promise<AckResult> {
    const { me } = await this.access.requireActiveParticipant(who, chatId);
    const ts = now();
    const data: UserLeftEvent = { chatId, user: userRef(me), ts };
    const seq = await this.pipeline.appendChange(
      who.tenant,
      { chatId, id: newEventId(), name: "userLeft", userId: who.userId, ts, data },
      { kind: "participantLeft", userId: who.userId, at: ts },
    );
    return { seq };
  }

  /** Ends a chat for everyone. Ending an ended chat changes nothing (`seq: null`). */
  async end(who: TokenClaims, chatId: string): Promise<AckResult> {
    const { state, me } = await this.access.requireParticipant(who, chatId);
    if (state.contact.status === "ended") return { seq: null };
    return { seq: await this.endChat(who.tenant, chatId, userRef(me)) };
  }

  /** The server tells a waiting chat's customer about their wait (a stored `queueNotice`); its seq. */
  async queueNotice(tenant: string, chatId: string, notice: Omit<QueueNoticeEvent, "chatId" | "ts">): Promise<number> {
    const ts = now();
    const data: QueueNoticeEvent = { chatId, ...notice, ts };
    const result = await this.pipeline.append(tenant, { chatId, id: newEventId(), name: "queueNotice", userId: null, ts, data });
    if (result.status !== "appended") return this.pipeline.refused(tenant, chatId, result.status);
    return result.seq;
  }

  /** Ends a tenant's chat on behalf of the server (back-office calls). */
  async endByServer(tenant: string, chatId: string): Promise<AckResult> {
    const state = await this.access.requireChat(tenant, chatId);
    if (state.contact.status === "ended") return { seq: null };
    return { seq: await this.endChat(tenant, chatId, null) };
  }

  /**
   * The store refuses a second `contactEnded` in the same transaction that
   * checks the chat is active, so two ends racing from different sessions or
   * nodes store one event; the one that lost sees an ended chat (`null`), as
   * if it had come second.
   */
  private async endChat(tenant: string, chatId: string, by: UserRef | null): Promise<number | null> {
    const ts = now();
    const data: ContactEndedEvent = { chatId, user: by, reason: by === null ? "endedByServer" : "endedByParticipant", ts };
    const result = await this.pipeline.append(tenant, {
      chatId,
      id: newEventId(),
      name: "contactEnded",
      userId: by?.id ?? null,
      ts,
      data,
      change: { kind: "contactEnded", at: ts },
    });
    if (result.status === "contactEnded") return null;
    if (result.status !== "appended") return this.pipeline.refused(tenant, chatId, result.status);
    this.onEnded(tenant, chatId);
    return result.seq;
  }
}
