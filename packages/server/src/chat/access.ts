/**
 * The access policy of acting in a chat: who may act in it or upload to it,
 * decided from the chat's state (cached, so the send path reads no
 * database). Each check throws the coded error a refused caller gets. Who
 * may read a chat is the one rule of `auth/access.ts`.
 * @module
 */
import type { TokenClaims } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import type { ParticipantRecord } from "../store/types.js";
import type { ChatStates } from "./replication.js";
import { isPresent, type ChatState } from "./state.js";

/** A participant of a chat, with the chat's state. */
export interface Membership {
  state: ChatState;
  me: ParticipantRecord;
}

export class ChatAccess {
  constructor(private readonly states: ChatStates) {}

  /** The tenant's chat's state; `CONTACT_NOT_FOUND` when the tenant has none of that id. */
  async requireChat(tenant: string, chatId: string): Promise<ChatState> {
    const state = await this.states.stateOf(tenant, chatId);
    if (state === undefined) throw new ParleyError("CONTACT_NOT_FOUND");
    return state;
  }

  /** Like {@link requireChat}, read from the store now. */
  async requireFreshChat(tenant: string, chatId: string): Promise<ChatState> {
    const state = await this.states.freshStateOf(tenant, chatId);
    if (state === undefined) throw new ParleyError("CONTACT_NOT_FOUND");
    return state;
  }

  /** The caller is in the chat of its tenant now (`NOT_A_PARTICIPANT` otherwise); the chat may have ended. */
  async requireParticipant(who: TokenClaims, chatId: string): Promise<Membership> {
    const state = await this.requireChat(who.tenant, chatId);
    const me = state.participants.get(who.userId);
    if (me === undefined || !isPresent(state, who.userId)) throw new ParleyError("NOT_A_PARTICIPANT");
    return { state, me };
  }

  /** The caller is in the chat, and it is still active (`CONTACT_ENDED` otherwise). */
  async requireActiveParticipant(who: TokenClaims, chatId: string): Promise<Membership> {
    const membership = await this.requireParticipant(who, chatId);
    if (membership.state.contact.status === "ended") throw new ParleyError("CONTACT_ENDED");
    return membership;
  }

  /** Uploading needs what sending needs: a present participant of an active chat. */
  async requireSender(who: TokenClaims, chatId: string): Promise<void> {
    if (who.role === "customer" && who.chatId !== chatId) throw new ParleyError("FORBIDDEN");
    await this.requireActiveParticipant(who, chatId);
  }
}
