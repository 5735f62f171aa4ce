/**
 * A customer's export: everything stored about one customer, as a ZIP of
 * JSON and files, streamed (see docs/privacy.md for the layout):
 *
 * - `chats/<chatId>.json`: the chat, its participants, its visitor context and every event;
 * - `files/<chatId>/<uploadId>-<fileName>`: each file's bytes, from the blob store;
 * - `customer.json`, written last: who, which chats, which files.
 *
 * Everything that decides whether the export may run — the chats and the
 * total size of their files — is read before the first byte is sent, so a
 * refusal is a coded error, not a broken download.
 * @module
 */
import type { BlobStore } from "../blobs/types.js";
import { ParleyError } from "../errors.js";
import type { CustomerSelector } from "../store/lifecycle-store.js";
import type { ContactWithParticipants, MediaRecord } from "../store/types.js";
import { customerChatIds, type CustomerDataLimits, type CustomerDataStore } from "./customer-data.js";
import type { ZipWriter } from "./zip-writer.js";

/** Events read per query while writing a chat. */
const EVENTS_PAGE = 500;
/** Files are mostly compressed already: deflate lightly. */
const FILE_LEVEL = 1;
const JSON_LEVEL = 6;

/** An export checked against the limits, ready to write. */
export interface ExportPlan {
  chats: Array<{ contact: ContactWithParticipants; files: MediaRecord[] }>;
  /** Bytes of every file. */
  bytes: number;
}

/** Finds the customer's chats and files and checks them against the limits. */
export async function planExport(store: CustomerDataStore, selector: CustomerSelector, limits: CustomerDataLimits): Promise<ExportPlan> {
  const ids = await customerChatIds(store, selector, limits);
  if (ids.length === 0) throw new ParleyError("CONTACT_NOT_FOUND", "No chat of this tenant matches.");
  const plan: ExportPlan = { chats: [], bytes: 0 };
  for (const chatId of ids) {
    const contact = await store.getContact(chatId);
    if (contact === undefined) continue;
    const files = await store.chatMedia(chatId);
    for (const file of files) plan.bytes += file.fullsize.size;
    plan.chats.push({ contact, files });
  }
  if (plan.bytes > limits.maxExportBytes) {
    throw new ParleyError("CUSTOMER_DATA_TOO_LARGE", `The customer's files exceed ${limits.maxExportBytes} bytes; export them a chat id at a time.`, {
      limit: limits.maxExportBytes,
    });
  }
  return plan;
}

/** Writes the planned export into `zip` and finishes it. */
export async function writeExport(
  plan: ExportPlan,
  deps: { store: CustomerDataStore; blobs: BlobStore },
  zip: ZipWriter,
  about: { tenant: string; selector: CustomerSelector; exportedAt: string },
): Promise<void> {
  const customers = new Map<string, { userId: string; nicknames: Set<string>; emails: Set<string> }>();
  const files: Array<{ chatId: string; uploadId: string; fileName: string; path: string | null; size: number; mimeType: string; createdAt: string }> = [];
  for (const { contact, files: chatFiles } of plan.chats) {
    const customer = customers.get(contact.customerUserId) ?? { userId: contact.customerUserId, nicknames: new Set(), emails: new Set() };
    customer.nicknames.add(contact.nickname);
    if (contact.email !== null) customer.emails.add(contact.email);
    customers.set(contact.customerUserId, customer);

    const events = [];
    for (let after = 0; ; ) {
      const page = await deps.store.eventsAfter(contact.id, after, EVENTS_PAGE);
      for (const { payload: _text, ...event } of page) events.push(event);
      const last = page[page.length - 1];
      if (last === undefined || page.length < EVENTS_PAGE) break;
      after = last.seq;
    }
    const visitorContext = (await deps.store.getVisitorContext(contact.id)) ?? null;
    await zip.add(`chats/${contact.id}.json`, json({ chat: contact, visitorContext, events }), { level: JSON_LEVEL, modified: new Date(contact.createdAt) });

    for (const file of chatFiles) {
      const path = `files/${contact.id}/${file.id}-${file.fileName}`;
      const bytes = await deps.blobs.open(file.fullsize.blobKey);
      files.push({
        chatId: contact.id,
        uploadId: file.id,
        fileName: file.fileName,
        // A blob that is gone (damage, a restore that missed it) is named here, not silently left out.
        path: bytes === undefined ? null : path,
        size: file.fullsize.size,
        mimeType: file.fullsize.mimeType,
        createdAt: file.createdAt,
      });
      if (bytes !== undefined) await zip.add(path, bytes, { level: FILE_LEVEL, modified: new Date(file.createdAt) });
    }
  }
  const customer = {
    tenant: about.tenant,
    selector: about.selector,
    exportedAt: about.exportedAt,
    customers: [...customers.values()].map((c) => ({ userId: c.userId, nicknames: [...c.nicknames], emails: [...c.emails] })),
    chats: plan.chats.map(({ contact }) => ({
      chatId: contact.id,
      status: contact.status,
      createdAt: contact.createdAt,
      endedAt: contact.endedAt,
      erasedAt: contact.erasedAt ?? null,
    })),
    files,
  };
  await zip.add("customer.json", json(customer), { level: JSON_LEVEL });
  await zip.finish();
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, "utf8");
}
