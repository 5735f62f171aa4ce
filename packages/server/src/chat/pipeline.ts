/**
 * The commit pipeline, the one way out for everything the chat domain
 * writes: an event's payload is serialised once, appended to the store (which
 * gives it its seq), and after the commit the same string goes on — to the
 * cached state, this node's sockets, the other nodes over the bus, and the
 * agents' feed. Typing signals take the same way out, without the store.
 * @module
 */
import type { IsWritingEvent } from "@parley/protocol";
import type { Logger } from "pino";
import type { Bus, JsonText } from "../bus/types.js";
import { ParleyError } from "../errors.js";
import type { AppendRequest, AppendResult, CommittedEvent, NewContact, StateChange, Store } from "../store/types.js";
import type { AgentsFeed } from "./agents-feed.js";
import { chatChannel, eventBusMessage, type ChatBusMessage } from "./bus-messages.js";

/** This node's sockets, as the pipeline hands them what was committed or signalled. */
export interface ChatDelivery {
  /** A committed event of a tenant's chat (ours, or another node's). */
  onEvent(tenant: string, event: CommittedEvent): void;
  /** A typing signal (volatile). */
  onSignal(tenant: string, chatId: string, data: IsWritingEvent): void;
}

/** What the pipeline keeps current about committed events. */
export interface CommittedState {
  committed(tenant: string, event: CommittedEvent): void;
  /** The store refused an append the cached state allowed: read the chat again. */
  storeKnewBetter(tenant: string, chatId: string): Promise<void>;
}

export interface CommitPipelineOptions {
  store: Store;
  bus: Bus;
  states: CommittedState;
  delivery: ChatDelivery;
  feed: AgentsFeed;
  logger: Logger;
}

/** An appended event as it was committed, its payload the string the store holds. */
function committedEvent(request: AppendRequest, seq: number, payload: string): CommittedEvent {
  const { clientId: _clientId, refId: _refId, change: _change, payload: _payload, ...event } = request;
  return { ...event, seq, payload };
}

export class CommitPipeline {
  private readonly store: Store;
  private readonly bus: Bus;
  private readonly states: CommittedState;
  private readonly delivery: ChatDelivery;
  private readonly feed: AgentsFeed;
  private readonly logger: Logger;

  constructor(options: CommitPipelineOptions) {
    ({ store: this.store, bus: this.bus, states: this.states, delivery: this.delivery, feed: this.feed, logger: this.logger } = options);
  }

  /**
   * Appends an event and publishes it once committed. Appends made in the same
   * turn reach the store in the same turn, so they join one group commit.
   */
  async append(tenant: string, request: AppendRequest): Promise<AppendResult> {
    const payload = JSON.stringify(request.data);
    const result = await this.store.tenant(tenant).append({ ...request, payload });
    if (result.status === "appended") this.published(tenant, committedEvent(request, result.seq, payload));
    return result;
  }

  /** Appends an event with its state change; its seq, or the error matching the refusal. */
  async appendChange(tenant: string, request: AppendRequest, change: StateChange): Promise<number> {
    const result = await this.append(tenant, { ...request, change });
    if (result.status !== "appended") return this.refused(tenant, request.chatId, result.status);
    return result.seq;
  }

  /** Creates a chat with its first event, and publishes that event. */
  async createContact(tenant: string, input: NewContact): Promise<CommittedEvent> {
    const payload = JSON.stringify(input.firstEvent.data);
    const event = await this.store.tenant(tenant).createContact({ ...input, firstEvent: { ...input.firstEvent, payload } });
    this.published(tenant, event);
    return event;
  }

  /** Throws the error matching an append the store refused. */
  async refused(tenant: string, chatId: string, status: AppendResult["status"]): Promise<never> {
    if (status === "contactEnded") {
      await this.states.storeKnewBetter(tenant, chatId);
      throw new ParleyError("CONTACT_ENDED");
    }
    if (status === "contactNotFound") throw new ParleyError("CONTACT_NOT_FOUND");
    if (status === "messageNotFound") throw new ParleyError("MESSAGE_NOT_FOUND");
    throw new ParleyError("INTERNAL_ERROR");
  }

  /** A typing signal: to this node's sockets and to the other nodes. */
  signal(tenant: string, data: IsWritingEvent): void {
    this.delivery.onSignal(tenant, data.chatId, data);
    this.publish(tenant, data.chatId, { kind: "signal", tenant, chatId: data.chatId, data });
  }

  /** After a commit: update the cached state, deliver locally, tell the other nodes and the agents' feed. */
  private published(tenant: string, event: CommittedEvent): void {
    this.states.committed(tenant, event);
    this.delivery.onEvent(tenant, event);
    this.publish(tenant, event.chatId, eventBusMessage(tenant, event));
    this.feed.committed(tenant, event);
  }

  private publish(tenant: string, chatId: string, message: JsonText | Extract<ChatBusMessage, { kind: "signal" }>): void {
    // The event is committed; a bus failure only delays other nodes, which fill gaps from the store.
    this.bus.publish(chatChannel(tenant, chatId), message).catch((error: unknown) => {
      this.logger.warn({ err: error }, "bus publish failed");
    });
  }
}
