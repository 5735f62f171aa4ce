/**
 * Transfer, internal notes and supervision, on the server: who may write a
 * note (and whether it is a note or a whisper), hand a chat to another agent
 * or back to a queue, monitor a chat, and take one over. Each step is made of
 * the chat's ordinary events (`userAdded`, `userLeft`, and the customer-visible
 * `contactTransferred`) plus a note in the agents-only table, written first so
 * that the next agent reads it before anything else.
 * @module
 */
import type { InternalNote, TransferResult, TransferTarget, UserRef } from "@parley/protocol";
import type { AgentRoles } from "../auth/agent-roles.js";
import type { TokenClaims } from "../auth/tokens.js";
import type { ChatNotes } from "../chat/notes.js";
import type { ChatService } from "../chat/service.js";
import { presentParticipants, type ChatState } from "../chat/state.js";
import { validateText } from "../chat/validation.js";
import { ParleyError } from "../errors.js";
import { newNoteId } from "../ids.js";
import type { AgentRole, Store } from "../store/types.js";
import type { Limits } from "@parley/protocol";

/** Codes of a leave that finds nothing to do: the agent left, or the chat ended, meanwhile. */
const NOTHING_TO_LEAVE = new Set(["NOT_A_PARTICIPANT", "CONTACT_ENDED"]);

/** Where a transfer sends the chat, as the frame asks it. */
export interface TransferRequest {
  agentId?: string | undefined;
  queue?: string | undefined;
  note?: string | undefined;
}

/**
 * Moves a chat to the queue a transfer names, before its agents leave it: once
 * they have, it waits there and that queue's routing takes it (an `auto`
 * queue offers it to its next member).
 */
export type ReturnToQueue = (tenant: string, chatId: string, queue: string) => Promise<void>;

export interface DeskSupervisionOptions {
  store: Store;
  chat: ChatService;
  notes: ChatNotes;
  roles: AgentRoles;
  limits: Limits;
  /** Before an agent is handed a chat: throws `AGENT_CAPACITY_FULL` when they have no room. */
  admitAgent: (who: TokenClaims, chatId: string) => Promise<void>;
  returnToQueue: ReturnToQueue;
}

/** Whether a role may supervise (monitor, whisper, take over, reassign). */
export function maySupervise(role: AgentRole | null): boolean {
  return role === "supervisor" || role === "admin";
}

export class DeskSupervision {
  constructor(private readonly options: DeskSupervisionOptions) {}

  /** Refuses anyone but a supervisor or an admin (read from the store, not the token) with `ROLE_FORBIDDEN`. */
  async requireSupervisor(who: TokenClaims): Promise<void> {
    if (who.role !== "agent") throw new ParleyError("FORBIDDEN", "Only agents supervise chats.");
    if (!maySupervise(await this.options.roles.roleOf(who))) throw new ParleyError("ROLE_FORBIDDEN", "Only supervisors and admins may do this.");
  }

  /** The chat's notes for an agent's join or resume; none for a customer. */
  notesFor(who: TokenClaims, chatId: string): Promise<InternalNote[] | undefined> {
    if (who.role !== "agent") return Promise.resolve(undefined);
    return this.options.notes.list(who.tenant, chatId);
  }

  /**
   * Writes a note: a participant agent's is a `note`; a supervisor's in a chat
   * they monitor without being in it is a `whisper`.
   */
  async sendNote(who: TokenClaims, chatId: string, text: string, isMonitoring: boolean): Promise<InternalNote> {
    if (who.role !== "agent") throw new ParleyError("FORBIDDEN", "Only agents write internal notes.");
    const state = await this.options.chat.requireChat(who.tenant, chatId);
    if (state.contact.status === "ended") throw new ParleyError("CONTACT_ENDED");
    const me = presentParticipants(state).find((p) => p.userId === who.userId);
    if (me === undefined) {
      if (!isMonitoring) throw new ParleyError("NOT_A_PARTICIPANT");
      await this.requireSupervisor(who);
    }
    const note: InternalNote = {
      id: newNoteId(),
      chatId,
      kind: me === undefined ? "whisper" : "note",
      text: validateText(text, this.options.limits),
      author: { id: who.userId, nickname: me?.nickname ?? who.nickname, isAgent: true },
      ts: new Date().toISOString(),
    };
    return this.options.notes.add(who.tenant, note);
  }

  /**
   * Hands the chat to another agent or back to a queue. An agent transfers a
   * chat they are in and leaves it; a supervisor or admin may transfer any
   * chat (a reassignment), and then every agent in it leaves.
   */
  async transfer(who: TokenClaims, chatId: string, request: TransferRequest): Promise<TransferResult> {
    if (who.role !== "agent") throw new ParleyError("FORBIDDEN", "Only agents transfer chats.");
    const hasAgent = request.agentId !== undefined;
    if (hasAgent === (request.queue !== undefined) || request.agentId === who.userId) throw new ParleyError("TRANSFER_INVALID");
    const text = request.note === undefined || request.note === "" ? "" : validateText(request.note, this.options.limits);
    const state = await this.activeChat(who, chatId);
    const present = presentParticipants(state).filter((p) => p.isAgent);
    const me = present.find((p) => p.userId === who.userId);
    if (me === undefined) {
      const role = await this.options.roles.roleOf(who);
      if (!maySupervise(role)) throw new ParleyError("NOT_A_PARTICIPANT", "Transfer a chat you are in; supervisors reassign any chat.");
    }
    let target: TransferTarget;
    let targetClaims: TokenClaims | undefined;
    if (request.agentId !== undefined) {
      const agent = await this.options.store.tenant(who.tenant).agentById(request.agentId);
      if (agent === undefined || agent.disabledAt !== null) throw new ParleyError("AGENT_NOT_FOUND", undefined, { agentId: request.agentId });
      targetClaims = { userId: agent.id, role: "agent", nickname: agent.nickname, tenant: who.tenant };
      await this.options.admitAgent(targetClaims, chatId);
      target = { agentId: agent.id, nickname: agent.nickname };
    } else {
      const queue = request.queue as string;
      if ((await this.options.store.tenant(who.tenant).getQueue(queue)) === undefined) throw new ParleyError("QUEUE_NOT_FOUND", undefined, { queue });
      target = { queue };
    }
    const author: UserRef = { id: who.userId, nickname: me?.nickname ?? who.nickname, isAgent: true };
    // The note first: whoever opens the chat next finds it there before the handover's events.
    const note = await this.options.notes.add(who.tenant, { id: newNoteId(), chatId, kind: "transfer", text, author, ts: new Date().toISOString(), transfer: target });
    const seq = await this.options.chat.announceTransfer(who.tenant, chatId, author, "queue" in target ? target.queue : null);
    if (targetClaims !== undefined && !present.some((p) => p.userId === targetClaims.userId)) {
      await this.options.chat.join(targetClaims, chatId, { isResume: false });
    }
    // In its new queue before the last agent leaves: it never waits, even for a moment, where it was.
    if ("queue" in target) await this.options.returnToQueue(who.tenant, chatId, target.queue);
    const leaving = me !== undefined ? [me] : present.filter((p) => p.userId !== targetClaims?.userId);
    for (const agent of leaving) await this.leave({ userId: agent.userId, role: "agent", nickname: agent.nickname, tenant: who.tenant }, chatId);
    return { note, seq };
  }

  /**
   * A supervisor takes the chat over: joins it (unless in it already), then
   * every other agent in it leaves. The note, if any, is a `transfer` note.
   */
  async takeOver(who: TokenClaims, chatId: string, noteText: string | undefined): Promise<TransferResult> {
    await this.requireSupervisor(who);
    const text = noteText === undefined || noteText === "" ? "" : validateText(noteText, this.options.limits);
    const state = await this.activeChat(who, chatId);
    let seq: number | null = null;
    if (!presentParticipants(state).some((p) => p.userId === who.userId)) {
      // Joined first, so the customer never finds the chat without an agent.
      const joined = await this.options.chat.join(who, chatId, { isResume: false });
      seq = joined.head;
    }
    const fresh = await this.options.chat.requireChat(who.tenant, chatId);
    const me = fresh.participants.get(who.userId);
    const author: UserRef = { id: who.userId, nickname: me?.nickname ?? who.nickname, isAgent: true };
    const note = await this.options.notes.add(who.tenant, {
      id: newNoteId(),
      chatId,
      kind: "transfer",
      text,
      author,
      ts: new Date().toISOString(),
      transfer: { agentId: who.userId, nickname: author.nickname },
    });
    for (const agent of presentParticipants(fresh)) {
      if (!agent.isAgent || agent.userId === who.userId) continue;
      await this.leave({ userId: agent.userId, role: "agent", nickname: agent.nickname, tenant: who.tenant }, chatId);
    }
    return { note, seq };
  }

  private async activeChat(who: TokenClaims, chatId: string): Promise<ChatState> {
    const state = await this.options.chat.requireChat(who.tenant, chatId);
    if (state.contact.status === "ended") throw new ParleyError("CONTACT_ENDED");
    return state;
  }

  private async leave(agent: TokenClaims, chatId: string): Promise<void> {
    try {
      await this.options.chat.leave(agent, chatId);
    } catch (error) {
      if (!(error instanceof ParleyError && NOTHING_TO_LEAVE.has(error.code))) throw error;
    }
  }
}
