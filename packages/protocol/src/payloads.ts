/**
 * Event payloads exactly as integrators read them (see the seed page and
 * API-FACTS): the `data` of each event frame is what `contact.on(name, cb)`
 * hands to the application, unchanged.
 * @module
 */

import type { WireError } from "./errors.js";
import type { QueuePosition } from "./queue-position.js";

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

import type { DocumentType, MediaMessageType, MediaRendition } from "./media.js";

/** Message kinds. */
export type MessageType = "TEXT" | "LINK" | MediaMessageType;

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

/**
 * What a multimedia message carries besides its sender: its caption and the
 * file's metadata, all decided by the server from the file's bytes.
 */
export interface MultimediaContent {
  /** The sender's caption (may be empty). */
  caption: string;
  /** A plain file name (no path), its extension matching the detected type. */
  fileName: string;
  /** The detected type: `PNG`, `JPEG`, `PDF`, `DOC`, `DOCX`, `PPT`, `PPTX`, `XLS` or `XLSX`. */
  documentType: DocumentType;
  /** MIME type of the stored file (served as `Content-Type`). */
  mimeType: string;
  /** Size in bytes of the stored (possibly resized) file. */
  size: number;
  /** Pixels of the stored image (images only). */
  width?: number;
  height?: number;
  /** The 320 px preview (images only). */
  thumbnail?: MediaRendition;
  /**
   * Whether this payload carries the file's Base64 as `img` (images) or
   * `document` (documents). Live events and resumes do when the stored file
   * is at most `maxInlineMediaBytes`; history, transcripts and the sender's
   * own answer never do. Otherwise fetch it with `GetMultimediaMessageInActiveChat`
   * or the download URL.
   */
  inline: boolean;
  /** The image, Base64 (inline images only). */
  img?: string;
  /** The document, Base64 (inline documents only). */
  document?: string;
  user: UserRef;
}

/** Payload of `multimediaMessage`: an image or a document. */
export interface MultimediaMessageEvent {
  /** `MSG_<uuid>`. */
  id: string;
  chatId: string;
  messageType: MediaMessageType;
  content: MultimediaContent;
  /** When the server committed the message (ISO 8601). */
  ts: string;
}

/**
 * Payload of `multimediaMessageStored`: the file has been resized (images)
 * and stored, and can be fetched in these formats. It follows the
 * `multimediaMessage` of every image sent inline (which was delivered at once
 * with its original, stripped of metadata) and of every file too large to
 * ride inline. When an image's processing could not be finished, `error` says
 * why (`MEDIA_PROCESSING_FAILED`) and `formats` holds only the stripped original.
 */
export interface MultimediaMessageStoredEvent {
  /** The multimedia message the file belongs to. */
  messageID: string;
  chatId: string;
  messageType: MediaMessageType;
  /** What can be fetched: `fullsize` always, `thumbnail` for images. */
  formats: { fullsize: MediaRendition; thumbnail?: MediaRendition };
  /** Whether the server resized the image (it was larger than 2,048 px or 1 MiB). */
  resized: boolean;
  /** Bytes as the sender uploaded them. */
  originalSize: number;
  ts: string;
  /** Set when the processing failed: `code` is `MEDIA_PROCESSING_FAILED`, `details.reason` the code that stopped it. */
  error?: WireError;
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

/**
 * A chat's call data: key–value string attributes set when it starts and
 * updated by agents and integrations (limits in `CALL_DATA_LIMITS`).
 */
export type CallData = Record<string, string>;

/**
 * Payload of `callDataChanged`: agents or an integration changed the chat's
 * call data. Agents receive it whole; a customer's socket receives the event
 * (it keeps the log's sequence whole) with `changes` empty and `callData`
 * absent, since the values are for the contact center.
 */
export interface CallDataChangedEvent {
  chatId: string;
  /** The keys set (their new value) and removed (null). */
  changes: Record<string, string | null>;
  /** Who changed it: an agent, an API key (as the agent named after it), or null for the server. */
  user: UserRef | null;
  ts: string;
}

/**
 * Payloads of the events stored in a chat's log, keyed by event name: the one
 * map every stored-event and event-frame type below is derived from.
 */
export interface EventPayloads {
  message: MessageEvent;
  link: LinkEvent;
  multimediaMessage: MultimediaMessageEvent;
  multimediaMessageStored: MultimediaMessageStoredEvent;
  messageReceived: ReceiptEvent;
  messageSeen: ReceiptEvent;
  userAdded: UserAddedEvent;
  userLeft: UserLeftEvent;
  contactEnded: ContactEndedEvent;
  callDataChanged: CallDataChangedEvent;
}

/** @deprecated The same map as {@link EventPayloads}, by its former name. */
export type StoredEventMap = EventPayloads;

/** Name of an event stored in a chat's log (it has a sequence number). */
export type StoredEventName = keyof EventPayloads;

/**
 * An event name with its payload, as a union over the names: a
 * `switch (event.name)` narrows `event.data` to that name's payload.
 */
export type NamedEvent<N extends StoredEventName = StoredEventName> = { [K in N]: { name: K; data: EventPayloads[K] } }[N];

/**
 * One event of a chat's log, as the server stores and replays it. A union
 * over the names (see {@link NamedEvent}), so `switch (event.name)` narrows
 * `event.data`.
 */
export type StoredEvent<N extends StoredEventName = StoredEventName> = {
  [K in N]: {
    /** The chat (`CHAT_<uuid>`). */
    chatId: string;
    /** The event's place in the chat's log: 1, 2, 3… without gaps. */
    seq: number;
    /** `MSG_<uuid>` for messages, `EVT_<uuid>` for other events. */
    id: string;
    name: K;
    /** Who caused the event, or null for the server. */
    userId: string | null;
    /** When the server committed it (ISO 8601). */
    ts: string;
    /** The payload exactly as the event frame carries it. */
    data: EventPayloads[K];
  };
}[N];

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
  "callDataChanged",
];

/** Every event a contact emits, keyed by the name given to `contact.on`. */
export interface ContactEventMap extends EventPayloads {
  isWriting: IsWritingEvent;
  /** Customers only: the chat's place in its queue while it waits (see `docs/routing.md`). */
  queuePosition: QueuePosition;
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
  /** For media: the metadata only, never the Base64 (`inline` is false; fetch the file instead). */
  content: MessageEvent["content"] | LinkEvent["content"] | MultimediaContent;
  /** When the server committed the message (ISO 8601), as in the live event. */
  ts: string;
  /** The same instant as `ts`, in epoch milliseconds (the original product's transcripts give `ts` this way). */
  tsMs: number;
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
