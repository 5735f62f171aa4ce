/** Builds the event payloads and objects exactly as `@parley/protocol` payloads.ts shapes them. @module */
import type { ContactInfo, HistoryEntry, HistoryMessage, LinkEvent, MessageEvent, User, UserRef } from "@parley/protocol";
import type { ContactRecord, ParticipantRecord, StoredEvent } from "../store/types.js";

export function userRef(p: Pick<ParticipantRecord, "userId" | "nickname" | "isAgent">): UserRef {
  return { id: p.userId, nickname: p.nickname, isAgent: p.isAgent };
}

/** The full User object; the customer carries the details of where the chat started. */
export function toUser(p: ParticipantRecord, contact: Omit<ContactRecord, "lastSeq">, isOnline: boolean): User {
  const isCustomer = p.userId === contact.customerUserId;
  return {
    ...userRef(p),
    beginTime: p.joinedAt,
    endTime: p.leftAt,
    isOnline,
    userAgent: isCustomer ? contact.userAgent : null,
    firstUri: isCustomer ? contact.pageUri : null,
    firstTitle: isCustomer ? contact.pageTitle : null,
    channel: p.channel,
    firstIP: isCustomer ? contact.clientIp : null,
  };
}

export function toContactInfo(contact: Omit<ContactRecord, "lastSeq">): ContactInfo {
  return { id: contact.id, status: contact.status, createdAt: contact.createdAt, endedAt: contact.endedAt };
}

/** A stored message as history and transcripts give it. */
export function toHistoryEntry(event: StoredEvent): HistoryEntry {
  const data = event.data as MessageEvent | LinkEvent;
  const message: HistoryMessage = {
    id: data.id,
    messageType: data.messageType,
    content: data.content,
    ts: data.ts,
    seq: event.seq,
    replyTo: null,
    deliverySuccess: true,
    deliveryErrorReason: null,
  };
  return { data: message };
}
