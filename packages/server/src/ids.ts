import { randomUUID } from "node:crypto";

// Ids keep the original product's shapes (see @parley/protocol ids.ts).

/** A new chat (contact) id: `CHAT_<uuid>`. */
export const newChatId = (): string => `CHAT_${randomUUID()}`;
/** A new user id: `USER_<uuid>`. */
export const newUserId = (): string => `USER_${randomUUID()}`;
/** A new message id: `MSG_<uuid>`. */
export const newMessageId = (): string => `MSG_${randomUUID()}`;
/** Id of a stored event that is not a message (joins, receipts, end). */
export const newEventId = (): string => `EVT_${randomUUID()}`;
