import { createHash, randomUUID } from "node:crypto";

// Ids keep the original product's shapes (see @parley/protocol ids.ts).

/** A new chat (contact) id: `CHAT_<uuid>`. */
export const newChatId = (): string => `CHAT_${randomUUID()}`;
/** A new user id: `USER_<uuid>`. */
export const newUserId = (): string => `USER_${randomUUID()}`;
/** A new message id: `MSG_<uuid>`. */
export const newMessageId = (): string => `MSG_${randomUUID()}`;
/** Id of a stored event that is not a message (joins, receipts, end). */
export const newEventId = (): string => `EVT_${randomUUID()}`;

/** Id of an internal note. */
export const newNoteId = (): string => `NOTE_${randomUUID()}`;
/** `UPLOAD_<uuid>`: an uploaded media file. */
export const newUploadId = (): string => `UPLOAD_${randomUUID()}`;
/** A new canned response id. */
export const newCannedId = (): string => `CANNED_${randomUUID()}`;

/**
 * The upload id of a file sent inline: derived from the chat, the sender, the
 * send's client id and the file's bytes, so that a retried send finds the file
 * it stored before instead of storing it again, and a different file under the
 * same client id is a different upload (and the send then `CLIENT_ID_REUSED`).
 */
export function inlineUploadId(chatId: string, userId: string, clientId: string, bytes: Uint8Array): string {
  const content = createHash("sha256").update(bytes).digest("hex");
  const hex = createHash("sha256").update(`inline\n${chatId}\n${userId}\n${clientId}\n${content}`).digest("hex");
  // Shaped as a version-4-like UUID so that it matches the upload id pattern.
  return `UPLOAD_${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
