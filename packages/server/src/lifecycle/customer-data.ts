/**
 * What the export and the erasure of a customer's data read and how far they
 * may go: the store methods they use and the limits of one request.
 * @module
 */
import { ParleyError } from "../errors.js";
import type { TenantLifecycleStore } from "../store/lifecycle-store.js";
import type { CommittedEvent, ContactWithParticipants } from "../store/types.js";
import type { StoredVisitorContext } from "../store/visitor-context-queries.js";

/** The tenant's store, as the export and the erasure use it. */
export interface CustomerDataStore extends Pick<TenantLifecycleStore, "customerChats" | "chatMedia" | "eraseChat"> {
  getContact(chatId: string): Promise<ContactWithParticipants | undefined>;
  /** What the customer's browser told about itself: exported with the chat. */
  getVisitorContext(chatId: string): Promise<StoredVisitorContext | undefined>;
  eventsAfter(chatId: string, afterSeq: number, limit: number): Promise<CommittedEvent[]>;
  /** Deletes the offline messages left with an e-mail address; how many (absent: none are kept). */
  eraseOfflineMessages?(email: string): Promise<number>;
}

/** How much one export or erasure may hold (docs/limits.md). */
export interface CustomerDataLimits {
  /** Chats one request may cover. */
  maxChats: number;
  /** Bytes of files one export may hold. */
  maxExportBytes: number;
}

export const DEFAULT_CUSTOMER_DATA_LIMITS: CustomerDataLimits = {
  maxChats: 1000,
  maxExportBytes: 1024 * 1024 * 1024,
};

/** The customer's chat ids, refused with `CUSTOMER_DATA_TOO_LARGE` past the limit. */
export async function customerChatIds(
  store: CustomerDataStore,
  selector: Parameters<CustomerDataStore["customerChats"]>[0],
  limits: CustomerDataLimits,
): Promise<string[]> {
  // One more than allowed tells that there are too many.
  const ids = await store.customerChats(selector, limits.maxChats + 1);
  if (ids.length > limits.maxChats) {
    throw new ParleyError("CUSTOMER_DATA_TOO_LARGE", `The customer has more than ${limits.maxChats} chats; ask for them a chat id at a time.`, {
      limit: limits.maxChats,
    });
  }
  return ids;
}
