/**
 * Messages: sending a text, a link or a rich message (idempotent by client id), delivery and
 * read receipts, and history pages. Media messages have their own file
 * (media-messages.ts): they judge and store a file first.
 * @module
 */
import { DEFAULT_HISTORY_PAGE, type HistoryResult, type LinkEvent, type Limits, type MessageEvent, type ReceiptEvent, type ReceiptResult, type RichMessageEvent, type SendResult } from "@parley/protocol";
import type { TokenClaims } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import { newEventId, newMessageId } from "../ids.js";
import type { AppendRequest, Store } from "../store/types.js";
import type { ChatAccess } from "./access.js";
import { isSameMessage, messageEvent } from "./idempotency.js";
import { toHistoryEntry, userRef } from "./payloads.js";
import type { CommitPipeline } from "./pipeline.js";
import { offerPayload, responsePayload, type OutgoingOffer, type OutgoingResponse } from "./rich-messages.js";
import { validateLink, validateText } from "./validation.js";

/** A message to send, as the socket or REST layer received it. */
export type OutgoingMessage = { kind: "text"; text: string } | { kind: "link"; url: string } | OutgoingOffer | OutgoingResponse;

export interface ChatMessagesOptions {
  store: Store;
  access: ChatAccess;
  pipeline: CommitPipeline;
  limits: Limits;
}

const now = (): string => new Date().toISOString();

export class ChatMessages {
  private readonly store: Store;
  private readonly access: ChatAccess;
  private readonly pipeline: CommitPipeline;
  private readonly limits: Limits;

  constructor(options: ChatMessagesOptions) {
    ({ store: this.store, access: this.access, pipeline: this.pipeline, limits: this.limits } = options);
  }

  /**
   * Sends a text or a link. A repeated `clientId` returns the original message
   * when it asks for the same one (same kind and text or url), and is refused
   * with `CLIENT_ID_REUSED` when it asks for another.
   */
  async send(who: TokenClaims, chatId: string, clientId: string | undefined, message: OutgoingMessage): Promise<SendResult> {
    const { me } = await this.access.requireActiveParticipant(who, chatId);
    const id = newMessageId();
    const ts = now();
    const user = userRef(me);
    const base = { id, chatId, ts, user };
    let data: MessageEvent | LinkEvent | RichMessageEvent;
    switch (message.kind) {
      case "text":
        data = { ...base, messageType: "TEXT", content: { text: validateText(message.text, this.limits), user } };
        break;
      case "link":
        data = { ...base, messageType: "LINK", content: { url: validateLink(message.url, this.limits), user } };
        break;
      case "menu":
        data = offerPayload(who, message, base, this.limits);
        break;
      case "menuResponse":
        data = await responsePayload(who, this.store, message, base);
        break;
    }
    const event = messageEvent(data);
    const request: AppendRequest = { chatId, id, userId: who.userId, ts, ...event };
    if (clientId !== undefined) request.clientId = clientId;
    const result = await this.pipeline.append(who.tenant, request);
    switch (result.status) {
      case "appended":
        return { id, seq: result.seq, ts, duplicate: false };
      case "duplicate":
        if (!isSameMessage(event, result)) throw new ParleyError("CLIENT_ID_REUSED", undefined, { clientId });
        return { id: result.id, seq: result.seq, ts: result.ts, duplicate: true };
      default:
        return this.pipeline.refused(who.tenant, chatId, result.status);
    }
  }

  /**
   * Records a delivery or read receipt. Repeats, and receipts for one's own
   * message, are accepted and change nothing (`seq: null`).
   */
  async receipt(who: TokenClaims, chatId: string, messageId: string, kind: "received" | "seen"): Promise<ReceiptResult> {
    const { me } = await this.access.requireParticipant(who, chatId);
    const ts = now();
    const data: ReceiptEvent = { messageID: messageId, chatId, user: userRef(me), ts };
    const name = kind === "received" ? "messageReceived" : "messageSeen";
    const result = await this.pipeline.append(who.tenant, { chatId, id: newEventId(), name, userId: who.userId, ts, data, refId: messageId });
    switch (result.status) {
      case "appended":
        return { seq: result.seq };
      case "receiptIgnored":
      case "duplicate":
        return { seq: null };
      case "messageNotFound":
        throw new ParleyError("MESSAGE_NOT_FOUND");
      default:
        return this.pipeline.refused(who.tenant, chatId, result.status);
    }
  }

  /** A page of the tenant's chat's messages before `beforeSeq` (the newest when omitted), oldest first. */
  async history(tenant: string, chatId: string, beforeSeq: number | undefined, limit?: number): Promise<HistoryResult> {
    const size = Math.min(limit ?? DEFAULT_HISTORY_PAGE, this.limits.maxHistoryPage);
    const page = await this.store.tenant(tenant).messagesBefore(chatId, beforeSeq, size);
    return { messages: page.events.map(toHistoryEntry), hasMore: page.hasMore };
  }
}
