/**
 * Call data changes: agents (and API keys, which act as an agent named after
 * them) set and remove keys of a chat's call data. Each change that changes
 * something is a `callDataChanged` event committed with the new rows in one
 * transaction; a change that changes nothing stores nothing.
 * @module
 */
import { callDataProblem, type CallData, type CallDataChangedEvent, type CallDataChanges, type CallDataResult } from "@parley/protocol";
import type { TokenClaims } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import { newEventId } from "../ids.js";
import type { Store } from "../store/types.js";
import type { ChatAccess } from "./access.js";
import { userRef } from "./payloads.js";
import type { CommitPipeline } from "./pipeline.js";

/** Throws the coded error for call data that may not be stored as it is. */
export function requireValidCallData(callData: Record<string, string | null>): void {
  const problem = callDataProblem(callData);
  if (problem !== null) throw new ParleyError(problem.code, undefined, { path: problem.path, problem: problem.problem });
}

export class ChatCallData {
  /**
   * Changes of one chat on this node wait for the one before them, so two
   * changes at once cannot both pass the limits on the same old state. (Two
   * nodes changing the same chat in the same instant may pass by a change.)
   */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly access: ChatAccess,
    private readonly pipeline: CommitPipeline,
  ) {}

  /** The chat's call data (the caller's right to read it is checked by the caller). */
  read(tenant: string, chatId: string): Promise<CallData> {
    return this.store.tenant(tenant).getCallData(chatId);
  }

  /** Applies `changes` as `who` (an agent); resolves with the call data after it. */
  change(who: TokenClaims, chatId: string, changes: CallDataChanges): Promise<CallDataResult> {
    if (who.role !== "agent") throw new ParleyError("FORBIDDEN", "Only agents and integrations change call data.");
    requireValidCallData(changes);
    const key = `${who.tenant} ${chatId}`;
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const run = previous.then(
      () => this.apply(who, chatId, changes),
      () => this.apply(who, chatId, changes),
    );
    this.inFlight.set(key, run);
    const forget = () => {
      if (this.inFlight.get(key) === run) this.inFlight.delete(key);
    };
    run.then(forget, forget);
    return run;
  }

  private async apply(who: TokenClaims, chatId: string, changes: CallDataChanges): Promise<CallDataResult> {
    const state = await this.access.requireChat(who.tenant, chatId);
    if (state.contact.status === "ended") throw new ParleyError("CONTACT_ENDED");
    const current = await this.read(who.tenant, chatId);
    const next: CallData = { ...current };
    const effective: Record<string, string | null> = {};
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) {
        if (name in next) {
          delete next[name];
          effective[name] = null;
        }
      } else if (next[name] !== value) {
        next[name] = value;
        effective[name] = value;
      }
    }
    if (Object.keys(effective).length === 0) return { seq: null, callData: current };
    requireValidCallData(next);
    const ts = new Date().toISOString();
    // Named as in the chat when the agent is in it; an API key or an agent outside it by its own name.
    const me = state.participants.get(who.userId);
    const user = me === undefined ? { id: who.userId, nickname: who.nickname, isAgent: true } : userRef(me);
    const data: CallDataChangedEvent = { chatId, changes: effective, user, ts };
    const seq = await this.pipeline.appendChange(
      who.tenant,
      { chatId, id: newEventId(), userId: who.userId, ts, name: "callDataChanged", data },
      { kind: "callDataChanged", changes: effective },
    );
    return { seq, callData: sorted(next) };
  }
}

/** Keys in order, as the store reads them back. */
function sorted(callData: CallData): CallData {
  return Object.fromEntries(Object.entries(callData).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
