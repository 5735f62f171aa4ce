/**
 * A customer's erasure: for each of their chats, an active one is ended
 * first (its participants see `contactEnded`), then its personal content is
 * erased in one transaction (store/customer-data-queries.ts) and the bytes of
 * its files are reclaimed once no file of any tenant names them. The chats
 * stay as tombstones, so reports still count them. Running it again finds
 * nothing left to erase and changes nothing.
 * @module
 */
import type { BlobStore } from "../blobs/types.js";
import type { CustomerSelector, InstallLifecycleStore } from "../store/lifecycle-store.js";
import { customerChatIds, type CustomerDataLimits, type CustomerDataStore } from "./customer-data.js";
import { reclaimBlobs } from "./reclaim-blobs.js";

/** What an erasure did. */
export interface ErasureResult {
  /** The chats erased (ids), already erased ones included. */
  chatIds: string[];
  /** The customers (user ids) those chats belonged to. */
  customerIds: string[];
  /** Events rewritten. */
  events: number;
  /** Files erased. */
  files: number;
  /** Blobs reclaimed. */
  blobs: number;
  /** Offline messages deleted (an erasure by e-mail only: they belong to no chat). */
  offlineMessages: number;
}

export interface ErasureDeps {
  store: CustomerDataStore;
  install: InstallLifecycleStore;
  blobs: BlobStore;
  limits: CustomerDataLimits;
  /** Ends an active chat for everyone, as the server (`contactEnded`, reason `endedByServer`). */
  endChat(chatId: string): Promise<void>;
  now?: () => Date;
}

export async function eraseCustomer(deps: ErasureDeps, selector: CustomerSelector): Promise<ErasureResult> {
  const result: ErasureResult = { chatIds: [], customerIds: [], events: 0, files: 0, blobs: 0, offlineMessages: 0 };
  const customers = new Set<string>();
  for (const chatId of await customerChatIds(deps.store, selector, deps.limits)) {
    const contact = await deps.store.getContact(chatId);
    if (contact === undefined) continue;
    // Ended first, so that nothing is written to it after it is erased.
    if (contact.status === "active") await deps.endChat(chatId);
    const erased = await deps.store.eraseChat(chatId, (deps.now?.() ?? new Date()).toISOString());
    if (erased === undefined) continue;
    customers.add(contact.customerUserId);
    result.chatIds.push(chatId);
    result.events += erased.events;
    result.files += erased.files;
    result.blobs += await reclaimBlobs(deps.install, deps.blobs, erased.blobKeys);
  }
  result.customerIds = [...customers];
  if ("email" in selector && deps.store.eraseOfflineMessages !== undefined) result.offlineMessages = await deps.store.eraseOfflineMessages(selector.email);
  return result;
}
