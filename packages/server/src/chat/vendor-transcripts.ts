/**
 * Transcripts in the original product's shape, for its back-office calls
 * (`getChatTranscriptByChatID`, `…ByUserID`, `…ByCalldata`): a transcript
 * object `{ _id, room, ctlive_type, messages: [{ data, _id, room }] }` whose
 * messages carry `ts` in epoch milliseconds, `messageSeen` (when the other
 * side saw it, or null), `replyTo` and `deliveryErrorReason` as empty strings,
 * and the chat's end as an `endChat` entry. Parley's own history keeps ISO
 * `ts` (with `tsMs` beside it); see docs/rest.md.
 * @module
 */
import type { CallData, UserRef } from "@parley/protocol";
import type { StoredEvent } from "../store/types.js";
import { withoutInlineFile } from "./payloads.js";

/** A message as the original product's transcripts give it. */
export interface VendorMessage {
  id: string;
  /** `TEXT`, `LINK`, `IMAGE`, `DOCUMENT`, or `endChat` for the chat's end. */
  messageType: string;
  content: Record<string, unknown> & { user: UserRef | null };
  /** Epoch milliseconds. */
  ts: number;
  /** Always `""`: replies are not supported. */
  replyTo: string;
  /** When the message was first seen by someone other than its sender (epoch milliseconds), or null. */
  messageSeen: number | null;
  deliverySuccess: boolean;
  /** `""` when delivered. */
  deliveryErrorReason: string;
}

/** The original product's transcript object. */
export interface VendorTranscript {
  /** The chat id. */
  _id: string;
  /** The chat id again (the original's room). */
  room: string;
  /** How the contact was started: always `chat` in Parley (web chat). */
  ctlive_type: "chat";
  /** Whether the chat is still going on (a Parley addition). */
  isChatActive: boolean;
  /** The chat's call data (a Parley addition). */
  callData: CallData;
  messages: Array<{ data: VendorMessage; _id: string; room: string }>;
}

/** Builds the transcript of one chat from its whole log, oldest first. */
export function vendorTranscript(chat: { id: string; status: "active" | "ended"; callData: CallData }, events: readonly StoredEvent[]): VendorTranscript {
  const seen = new Map<string, number>();
  const authors = new Map<string, string>();
  for (const event of events) {
    if (event.name === "message" || event.name === "link" || event.name === "multimediaMessage") authors.set(event.data.id, event.data.content.user.id);
    if (event.name === "messageSeen" && authors.get(event.data.messageID) !== event.data.user.id && !seen.has(event.data.messageID)) {
      seen.set(event.data.messageID, Date.parse(event.data.ts));
    }
  }
  const messages: VendorTranscript["messages"] = [];
  const entry = (data: VendorMessage) => messages.push({ data, _id: data.id, room: chat.id });
  for (const event of events) {
    const base = { replyTo: "", deliverySuccess: true, deliveryErrorReason: "" };
    switch (event.name) {
      case "message":
      case "link":
      case "multimediaMessage": {
        const data = event.name === "multimediaMessage" ? withoutInlineFile(event.data) : event.data;
        entry({ id: data.id, messageType: data.messageType, content: { ...data.content }, ts: Date.parse(data.ts), messageSeen: seen.get(data.id) ?? null, ...base });
        break;
      }
      case "contactEnded":
        entry({ id: event.id, messageType: "endChat", content: { user: event.data.user, reason: event.data.reason }, ts: Date.parse(event.data.ts), messageSeen: null, ...base });
        break;
      default:
        break;
    }
  }
  return { _id: chat.id, room: chat.id, ctlive_type: "chat", isChatActive: chat.status === "active", callData: chat.callData, messages };
}
