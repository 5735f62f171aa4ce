/** Builds the event payloads and objects exactly as `@parley/protocol` payloads.ts shapes them. @module */
import type {
  ContactInfo,
  HistoryEntry,
  HistoryMessage,
  MediaRendition,
  MultimediaContent,
  MultimediaMessageEvent,
  MultimediaMessageStoredEvent,
  User,
  UserRef,
} from "@parley/protocol";
import type { ContactRecord, MediaRecord, ParticipantRecord, StoredEvent, StoredRendition } from "../store/types.js";

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

/** A stored rendition as clients see it (no blob key). */
export function toRendition(rendition: StoredRendition): MediaRendition {
  const out: MediaRendition = { mimeType: rendition.mimeType, size: rendition.size };
  if (rendition.width !== null) out.width = rendition.width;
  if (rendition.height !== null) out.height = rendition.height;
  return out;
}

/** The content of a multimedia message; `base64` rides inline when given. */
/** The `multimediaMessageStored` notice of a message's file: its formats as stored now. */
export function storedNotice(media: MediaRecord, chatId: string, messageId: string, ts: string): MultimediaMessageStoredEvent {
  const notice: MultimediaMessageStoredEvent = {
    messageID: messageId,
    chatId,
    messageType: media.messageType,
    formats: { fullsize: toRendition(media.fullsize) },
    resized: media.resized,
    originalSize: media.originalSize,
    ts,
  };
  if (media.thumbnail !== null) notice.formats.thumbnail = toRendition(media.thumbnail);
  return notice;
}

export function multimediaContent(media: MediaRecord, caption: string, user: UserRef, base64: string | undefined): MultimediaContent {
  const content: MultimediaContent = {
    caption,
    fileName: media.fileName,
    documentType: media.documentType,
    ...toRendition(media.fullsize),
    inline: base64 !== undefined,
    user,
  };
  if (media.thumbnail !== null) content.thumbnail = toRendition(media.thumbnail);
  if (base64 !== undefined) {
    if (media.messageType === "IMAGE") content.img = base64;
    else content.document = base64;
  }
  return content;
}

/** A multimedia message without its Base64: what history and the sender's answer carry. */
export function withoutInlineFile(event: MultimediaMessageEvent): MultimediaMessageEvent {
  const { img: _img, document: _document, ...content } = event.content;
  return { ...event, content: { ...content, inline: false } };
}

/** A stored message as history and transcripts give it (media: metadata only). */
export function toHistoryEntry(event: StoredEvent): HistoryEntry {
  if (event.name !== "message" && event.name !== "link" && event.name !== "multimediaMessage") {
    throw new Error(`${event.name} is not a message`);
  }
  const data = event.name === "multimediaMessage" ? withoutInlineFile(event.data) : event.data;
  const message: HistoryMessage = {
    id: data.id,
    messageType: data.messageType,
    content: data.content,
    ts: data.ts,
    tsMs: Date.parse(data.ts),
    seq: event.seq,
    replyTo: null,
    deliverySuccess: true,
    deliveryErrorReason: null,
  };
  return { data: message };
}
