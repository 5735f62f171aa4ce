/**
 * The Store contract for visitor contexts and previous chats: every store
 * runs it. A chat's context is stored with the chat; previous chats are
 * found by visitor id or e-mail (any case), newest first, without the chat
 * itself, erased chats or another tenant's chats; erasure and retention
 * remove the context.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { VisitorContext } from "@parley/protocol";
import type { Store, TenantStore } from "../src/store/types.js";
import type { StoreFactory } from "./store.contract.js";
import { freshStoreEachTest, participant, stub } from "./store-fixtures.js";

const VISITOR = "v_0123456789abcdefXYZ";

async function chat(store: TenantStore, createdAt: string, options: { email?: string; visitorContext?: VisitorContext } = {}): Promise<string> {
  const chatId = `CHAT_${randomUUID()}`;
  const customer = `USER_${randomUUID()}`;
  await store.createContact({
    contact: { id: chatId, createdAt, customerUserId: customer, nickname: "Nina", email: options.email ?? null, pageUri: null, pageTitle: null, userAgent: null, clientIp: null },
    customer: participant(customer),
    firstEvent: { id: `EVT_${randomUUID()}`, name: "userAdded", userId: customer, ts: createdAt, data: stub({ chatId }) },
    ...(options.visitorContext === undefined ? {} : { visitorContext: options.visitorContext }),
  });
  return chatId;
}

export function visitorContextContract(name: string, factory: StoreFactory): void {
  describe(`Store contract, visitor context: ${name}`, () => {
    const current = freshStoreEachTest(factory, ["acme"]);
    let store: Store;
    beforeEach(() => {
      store = current();
    });

    it("keeps a chat's visitor context with the chat, and none for a chat started without one", async () => {
      const acme = store.tenant("acme");
      const withContext = await chat(acme, "2026-11-30T09:00:00.000Z", { visitorContext: { visitorId: VISITOR, language: "de-CH", timeZone: "Europe/Zurich" } });
      const partial = await chat(acme, "2026-11-30T09:01:00.000Z", { visitorContext: { language: "fr" } });
      const without = await chat(acme, "2026-11-30T09:02:00.000Z");
      expect(await acme.getVisitorContext(withContext)).toEqual({ visitorId: VISITOR, language: "de-CH", timeZone: "Europe/Zurich" });
      expect(await acme.getVisitorContext(partial)).toEqual({ visitorId: null, language: "fr", timeZone: null });
      expect(await acme.getVisitorContext(without)).toBeUndefined();
      // Another tenant's view finds nothing of it.
      expect(await store.tenant("default").getVisitorContext(withContext)).toBeUndefined();
    });

    it("finds previous chats by visitor id and by e-mail in any case, newest first, never the chat itself", async () => {
      const acme = store.tenant("acme");
      const byVisitor = await chat(acme, "2026-11-01T09:00:00.000Z", { visitorContext: { visitorId: VISITOR } });
      const byEmail = await chat(acme, "2026-11-02T09:00:00.000Z", { email: "Nina@Example.com" });
      const byBoth = await chat(acme, "2026-11-03T09:00:00.000Z", { email: "nina@example.com", visitorContext: { visitorId: VISITOR } });
      await chat(acme, "2026-11-04T09:00:00.000Z", { email: "other@example.com", visitorContext: { visitorId: "v_someone_else_000000" } });
      // The same visitor id and e-mail in another tenant: not this tenant's customer.
      await chat(store.tenant("default"), "2026-11-05T09:00:00.000Z", { email: "nina@example.com", visitorContext: { visitorId: VISITOR } });
      const current = await chat(acme, "2026-11-30T09:00:00.000Z", { email: "NINA@example.com", visitorContext: { visitorId: VISITOR, language: "en" } });

      const previous = await acme.previousChats(current, 20);
      expect(previous.map((p) => [p.id, p.matchedBy])).toEqual([
        [byBoth, ["email", "visitor"]],
        [byEmail, ["email"]],
        [byVisitor, ["visitor"]],
      ]);
      expect(previous[0]).toMatchObject({ status: "active", createdAt: "2026-11-03T09:00:00.000Z", endedAt: null, nickname: "Nina", queue: "default" });
      // The limit keeps the newest.
      expect((await acme.previousChats(current, 2)).map((p) => p.id)).toEqual([byBoth, byEmail]);
      // A chat with neither an e-mail nor a visitor id has no previous chats; an unknown chat neither.
      expect(await acme.previousChats(await chat(acme, "2026-11-30T10:00:00.000Z"), 20)).toEqual([]);
      expect(await acme.previousChats("CHAT_unknown", 20)).toEqual([]);
    });

    it("erasing a chat removes its visitor context, and the chat is no longer anyone's previous chat", async () => {
      const acme = store.tenant("acme");
      const old = await chat(acme, "2026-11-01T09:00:00.000Z", { email: "nina@example.com", visitorContext: { visitorId: VISITOR, timeZone: "Asia/Tokyo" } });
      const current = await chat(acme, "2026-11-30T09:00:00.000Z", { visitorContext: { visitorId: VISITOR } });
      expect((await acme.previousChats(current, 20)).map((p) => p.id)).toEqual([old]);
      await acme.eraseChat(old, "2026-11-30T10:00:00.000Z");
      expect(await acme.getVisitorContext(old)).toBeUndefined();
      expect(await acme.previousChats(current, 20)).toEqual([]);
    });
  });
}
