/**
 * The Store contract for the pre-chat form: a queue's form by name, and the
 * answers a chat starts with, written with the chat and gone with it. Every
 * store runs it; each tenant's view finds only its own rows.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { PrechatForm } from "@parley/protocol";
import type { PrechatRecord } from "../src/store/prechat-queries.js";
import type { Store } from "../src/store/types.js";
import type { StoreFactory } from "./store.contract.js";
import { participant, storeWithAcme, stub } from "./store-fixtures.js";

const FORM: PrechatForm = {
  fields: [
    { key: "nickname", kind: "nickname", mandatory: true, pattern: null, options: [], agentVisible: true, labels: { en: "Your name", fr: "Votre nom" } },
    { key: "contract", kind: "name", mandatory: false, pattern: "C-\\d{6}", options: [], agentVisible: false, labels: { en: "Contract" } },
  ],
  consent: { privacyUrl: "https://example.com/privacy", labels: { en: "I agree" } },
};

const RECORD: PrechatRecord = {
  queue: "sales",
  answers: { nickname: "Nina", contract: "C-123456" },
  hidden: ["contract"],
  consent: true,
  privacyUrl: "https://example.com/privacy",
  submittedAt: "2026-11-30T10:00:00.000Z",
};

export function prechatContract(name: string, factory: StoreFactory): void {
  describe(`Store contract, pre-chat form: ${name}`, () => {
    const opened = storeWithAcme(factory);
    let store: Store;
    beforeEach(() => {
      store = opened();
    });

    async function chatWith(prechat: PrechatRecord | undefined): Promise<string> {
      const chatId = `CHAT_${randomUUID()}`;
      const customer = `USER_${randomUUID()}`;
      const at = new Date().toISOString();
      await store.tenant("acme").createContact({
        contact: { id: chatId, createdAt: at, customerUserId: customer, nickname: "Nina", email: null, pageUri: null, pageTitle: null, userAgent: null, clientIp: "127.0.0.1", queue: "sales" },
        customer: participant(customer),
        firstEvent: { id: `EVT_${randomUUID()}`, name: "userAdded", userId: customer, ts: at, data: stub({ chatId, who: customer }) },
        callData: { nickname: "Nina" },
        ...(prechat === undefined ? {} : { prechat }),
      });
      return chatId;
    }

    it("keeps a queue's form by name, replaces and removes it, each tenant its own", async () => {
      const acme = store.tenant("acme");
      expect(await acme.prechatForm("sales")).toBeUndefined();
      await acme.setPrechatForm("sales", FORM, "2026-11-30T10:00:00.000Z");
      expect(await acme.prechatForm("sales")).toEqual(FORM);
      expect(await acme.prechatForm("support")).toBeUndefined();
      expect(await store.tenant("default").prechatForm("sales")).toBeUndefined();
      const smaller: PrechatForm = { fields: [FORM.fields[0]!], consent: null };
      await acme.setPrechatForm("sales", smaller, "2026-11-30T10:01:00.000Z");
      expect(await acme.prechatForm("sales")).toEqual(smaller);
      // Another tenant's form of the same name is its own row.
      await store.tenant("default").setPrechatForm("sales", FORM, "2026-11-30T10:02:00.000Z");
      expect(await acme.prechatForm("sales")).toEqual(smaller);
      await acme.setPrechatForm("sales", null, "2026-11-30T10:03:00.000Z");
      expect(await acme.prechatForm("sales")).toBeUndefined();
      expect(await store.tenant("default").prechatForm("sales")).toEqual(FORM);
    });

    it("stores a chat's answers with the chat, for its tenant only", async () => {
      const chatId = await chatWith(RECORD);
      const without = await chatWith(undefined);
      expect(await store.tenant("acme").prechatOf(chatId)).toEqual(RECORD);
      expect(await store.tenant("acme").prechatOf(without)).toBeUndefined();
      expect(await store.tenant("default").prechatOf(chatId)).toBeUndefined();
      // A form without consent records none (null, not false).
      const noConsent = await chatWith({ ...RECORD, consent: null, privacyUrl: null });
      expect((await store.tenant("acme").prechatOf(noConsent))?.consent).toBeNull();
    });

    it("erases and deletes the answers with their chat", async () => {
      const erased = await chatWith(RECORD);
      const deleted = await chatWith(RECORD);
      const kept = await chatWith(RECORD);
      await store.tenant("acme").eraseChat(erased, new Date().toISOString());
      await store.tenant("acme").deleteChats([deleted]);
      expect(await store.tenant("acme").prechatOf(erased)).toBeUndefined();
      expect(await store.tenant("acme").prechatOf(deleted)).toBeUndefined();
      expect(await store.tenant("acme").prechatOf(kept)).toEqual(RECORD);
    });
  });
}
