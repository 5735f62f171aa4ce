/** Chats as agents see them in the list and the feed, built from stored records. @module */
import type { ChatAgent, ChatListItem, ChatListStatus, ChatSummary, MessagePreview } from "@parley/protocol";
import type { ContactListEntry, ContactRecord, ParticipantRecord, StoredEvent } from "../store/types.js";

const PREVIEW_CHARS = 200;

/** Waiting (no agent present), active (an agent present) or ended. */
export function listStatus(status: ContactRecord["status"], participants: Iterable<ParticipantRecord>): ChatListStatus {
  if (status === "ended") return "ended";
  for (const p of participants) if (p.isAgent && p.leftAt === null) return "active";
  return "waiting";
}

export function toChatSummary(
  contact: Pick<ContactRecord, "id" | "status" | "nickname" | "createdAt" | "endedAt">,
  participants: Iterable<ParticipantRecord>,
  lastSeq: number,
): ChatSummary {
  const all = [...participants].sort((a, b) => (a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : 0));
  const agents: ChatAgent[] = all.filter((p) => p.isAgent).map((p) => ({ id: p.userId, nickname: p.nickname, isPresent: p.leftAt === null }));
  return {
    id: contact.id,
    status: listStatus(contact.status, all),
    nickname: contact.nickname,
    createdAt: contact.createdAt,
    endedAt: contact.endedAt,
    agents,
    lastSeq,
  };
}

/** The preview of a message event; undefined for any other event. */
export function toMessagePreview(event: StoredEvent): MessagePreview | undefined {
  let kind: MessagePreview["kind"];
  let text: string;
  switch (event.name) {
    case "message":
      [kind, text] = ["text", event.data.content.text];
      break;
    case "link":
      [kind, text] = ["link", event.data.content.url];
      break;
    case "multimediaMessage":
      [kind, text] = [event.data.messageType === "IMAGE" ? "image" : "document", event.data.content.fileName];
      break;
    default:
      return undefined;
  }
  const { id, content, ts } = event.data;
  return { id, kind, text: text.slice(0, PREVIEW_CHARS), user: content.user, ts };
}

export function toChatListItem(entry: ContactListEntry): ChatListItem {
  const firstMessage = entry.firstMessage === null ? null : (toMessagePreview(entry.firstMessage) ?? null);
  return { ...toChatSummary(entry, entry.participants, entry.lastSeq), firstMessage, callData: entry.callData };
}
