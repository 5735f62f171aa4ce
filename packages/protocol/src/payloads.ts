/**
 * Event payloads exactly as integrators read them (see the seed page and
 * API-FACTS): the `data` of each event frame is what `contact.on(name, cb)`
 * hands to the application, unchanged.
 * @module
 */

/** A participant as it appears inside messages: `event.content.user`. */
export interface UserRef {
  /** `USER_<uuid>`. */
  id: string;
  /** The nickname the participant joined this chat with. */
  nickname: string;
  /** Whether the participant is an agent (false for the customer). */
  isAgent: boolean;
}

/** A participant with the details of the original product's User object. */
export interface User extends UserRef {
  /** When the participant joined the chat (ISO 8601). */
  beginTime: string;
  /** When the participant left (ISO 8601), or null while present. */
  endTime: string | null;
  /** Whether the participant has a connected session right now, as far as this server knows. */
  isOnline: boolean;
  /** Browser user agent given when the chat started (customers), or null. */
  userAgent: string | null;
  /** Page address where the chat started (customers), or null. */
  firstUri: string | null;
  /** Page title where the chat started (customers), or null. */
  firstTitle: string | null;
  /** How the participant reached the chat: `"web"` for customers, `"agent"` for agents. */
  channel: string;
  /** Client address the chat was started from (customers), or null. */
  firstIP: string | null;
}

/** Message kinds. */
export type MessageType = "TEXT" | "LINK" | "IMAGE" | "DOCUMENT";

/** Payload of `message`: a text message. */
export interface MessageEvent {
  /** `MSG_<uuid>`. */
  id: string;
  /** The chat the message belongs to. */
  chatId: string;
  messageType: "TEXT";
  content: { text: string; user: UserRef };
  /** When the server committed the message (ISO 8601). */
  ts: string;
}

/** Payload of `link`: a hyperlink. */
export interface LinkEvent {
  /** `MSG_<uuid>`. */
  id: string;
  /** The chat the link belongs to. */
  chatId: string;
  messageType: "LINK";
  content: { url: string; user: UserRef };
  /** When the server committed the link (ISO 8601). */
  ts: string;
}

/** Payload of `multimediaMessage` (reserved; carried by the multimedia release). */
export interface MultimediaMessageEvent {
  id: string;
  chatId: string;
  messageType: "IMAGE" | "DOCUMENT";
  content: {
    caption: string;
    fileName: string;
    documentType: string;
    user: UserRef;
    img?: string;
    document?: string;
    [field: string]: unknown;
  };
  ts: string;
}

/** Payload of `multimediaMessageStored` (reserved; carried by the multimedia release). */
export interface MultimediaMessageStoredEvent {
  messageID: string;
  chatId: string;
  ts: string;
  [field: string]: unknown;
}

/** Payload of `messageReceived` and `messageSeen`: a receipt for one message. */
export interface ReceiptEvent {
  /** The message the receipt is for. */
  messageID: string;
  /** The chat the message belongs to. */
  chatId: string;
  /** The participant who received or saw it. */
  user: UserRef;
  /** When the server recorded the receipt (ISO 8601). */
  ts: string;
}

/** Payload of `isWriting`: someone started or stopped writing. Never stored. */
export interface IsWritingEvent {
  /** True: started writing. False: stopped (or went silent for the typing timeout). */
  bwrite: boolean;
  /** The chat. */
  chatId: string;
  /** Who is writing. */
  user: UserRef;
}

/** Payload of `userAdded`: a participant joined. */
export interface UserAddedEvent {
  chatId: string;
  user: User;
  ts: string;
}

/** Payload of `userLeft`: a participant left; the chat stays open for the others. */
export interface UserLeftEvent {
  chatId: string;
  user: UserRef;
  ts: string;
}

/** Payload of `contactEnded`: the chat ended for everyone. */
export interface ContactEndedEvent {
  chatId: string;
  /** Who ended it, or null when the server ended it. */
  user: UserRef | null;
  /** Why: `"endedByParticipant"` or `"endedByServer"`. */
  reason: "endedByParticipant" | "endedByServer";
  ts: string;
}

/** Payloads of the events stored in a chat's log, keyed by event name. */
export interface StoredEventMap {
  message: MessageEvent;
  link: LinkEvent;
  multimediaMessage: MultimediaMessageEvent;
  multimediaMessageStored: MultimediaMessageStoredEvent;
  messageReceived: ReceiptEvent;
  messageSeen: ReceiptEvent;
  userAdded: UserAddedEvent;
  userLeft: UserLeftEvent;
  contactEnded: ContactEndedEvent;
}

/** Name of an event stored in a chat's log (it has a sequence number). */
export type StoredEventName = keyof StoredEventMap;

/** Names of the stored events, for validation. */
export const STORED_EVENT_NAMES: readonly StoredEventName[] = [
  "message",
  "link",
  "multimediaMessage",
  "multimediaMessageStored",
  "messageReceived",
  "messageSeen",
  "userAdded",
  "userLeft",
  "contactEnded",
];

/** Every event a contact emits, keyed by the name given to `contact.on`. */
export interface ContactEventMap extends StoredEventMap {
  isWriting: IsWritingEvent;
}

/** Name of any event a contact emits. */
export type ContactEventName = keyof ContactEventMap;

/**
 * A message as history and transcripts give it (the original product's Message object).
 * `content` is the same object the live event carried.
 */
export interface HistoryMessage {
  id: string;
  messageType: MessageType;
  content: MessageEvent["content"] | LinkEvent["content"] | MultimediaMessageEvent["content"];
  ts: string;
  /** Sequence number of the message in its chat's log. */
  seq: number;
  /** Always null: replies are not supported. */
  replyTo: null;
  /** True once the message is committed (always, for stored messages). */
  deliverySuccess: boolean;
  /** Null when delivered. */
  deliveryErrorReason: string | null;
}

/** One entry of `getChatHistory(...).messages`, shaped as the original product's: `{ data: Message }`. */
export interface HistoryEntry {
  data: HistoryMessage;
}

/** A chat's public description. */
export interface ContactInfo {
  /** `CHAT_<uuid>`. */
  id: string;
  /** `"active"` until someone ends the chat, then `"ended"`. */
  status: "active" | "ended";
  /** When the chat started (ISO 8601). */
  createdAt: string;
  /** When it ended (ISO 8601), or null. */
  endedAt: string | null;
}
