/**
 * The Store contract for the front door's queries (survey and hours by
 * queue, answered surveys and their averages, offline messages): every
 * store runs it, and each tenant's view finds only its own rows.
 */
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SURVEY, type BusinessHours, type SurveyResult } from "@parley/protocol";
import type { Store } from "../src/store/types.js";
import type { StoreFactory } from "./store.contract.js";
import { storeWithAcme } from "./store-fixtures.js";

const HOURS: BusinessHours = { timeZone: "Europe/Paris", weekly: [{ day: 1, open: "09:00", close: "17:30" }], holidays: ["2026-12-25"] };

function survey(chatId: string, overrides: Partial<SurveyResult> = {}): SurveyResult {
  return { chatId, queue: "default", agentId: "USER_a", rating: 4, comment: null, answers: {}, submittedAt: "2026-11-30T10:00:00.000Z", ...overrides };
}

function offline(createdAt: string, name = "Nina") {
  return { id: `OFF_${randomUUID()}`, queue: "default", name, email: "nina@example.com", message: "Call me back", consent: true, createdAt, clientIp: "127.0.0.1" };
}

export function frontDoorContract(name: string, factory: StoreFactory): void {
  describe(`Store contract, front door: ${name}`, () => {
    let store: Store;
    const opened = storeWithAcme(factory);
    beforeEach(() => {
      store = opened();
    });

    it("keeps a site's invitation rules, replaced whole, each tenant its own", async () => {
      const acme = store.tenant("acme");
      const other = store.tenant("default");
      expect(await acme.invitationRules()).toEqual([]);
      const rules = [
        { id: "orders", message: "Need a hand with your order?", secondsOnPage: 20, urlPattern: "/shop/*", minPages: 2 },
        { id: "any", message: "Hello!", secondsOnPage: 60, urlPattern: "", minPages: 1 },
      ];
      await acme.setInvitationRules(rules, "2026-11-30T10:00:00.000Z");
      expect(await acme.invitationRules()).toEqual(rules);
      expect(await other.invitationRules()).toEqual([]);
      await acme.setInvitationRules([rules[1]!], "2026-11-30T10:01:00.000Z");
      expect(await acme.invitationRules()).toEqual([rules[1]]);
      await acme.setInvitationRules([], "2026-11-30T10:02:00.000Z");
      expect(await acme.invitationRules()).toEqual([]);
    });

    it("keeps a queue's survey and hours by name, each tenant its own", async () => {
      const acme = store.tenant("acme");
      const other = store.tenant("default");
      expect(await acme.surveyConfig("sales")).toBeUndefined();
      expect(await acme.businessHours("sales")).toBeUndefined();
      const config = { ...DEFAULT_SURVEY, scale: { min: 0, max: 10 }, questions: [{ id: "fixed", kind: "rating" as const, label: "Fixed?", required: true }] };
      await acme.setSurveyConfig("sales", config, "2026-11-30T10:00:00.000Z");
      await acme.setBusinessHours("sales", HOURS, "2026-11-30T10:00:00.000Z");
      expect(await acme.surveyConfig("sales")).toEqual(config);
      expect(await acme.businessHours("sales")).toEqual(HOURS);
      // Setting one leaves the other.
      await acme.setSurveyConfig("sales", DEFAULT_SURVEY, "2026-11-30T10:01:00.000Z");
      expect(await acme.businessHours("sales")).toEqual(HOURS);
      await acme.setBusinessHours("sales", null, "2026-11-30T10:02:00.000Z");
      expect(await acme.businessHours("sales")).toBeUndefined();
      expect(await acme.surveyConfig("sales")).toEqual(DEFAULT_SURVEY);
      expect(await other.surveyConfig("sales")).toBeUndefined();
      expect(await acme.surveyConfig("support")).toBeUndefined();
    });

    it("stores one survey per chat, the first, and averages them by day, queue and agent", async () => {
      const acme = store.tenant("acme");
      expect(await acme.insertSurvey(survey("CHAT_1", { rating: 5, comment: "Great", answers: { fixed: 3, why: "fast" } }))).toBe(true);
      expect(await acme.insertSurvey(survey("CHAT_1", { rating: 1 }))).toBe(false);
      expect(await acme.surveyOf("CHAT_1")).toEqual(survey("CHAT_1", { rating: 5, comment: "Great", answers: { fixed: 3, why: "fast" } }));
      expect(await store.tenant("default").surveyOf("CHAT_1")).toBeUndefined();
      // The same chat id in another tenant is another chat.
      expect(await store.tenant("default").insertSurvey(survey("CHAT_1", { rating: 1 }))).toBe(true);

      await acme.insertSurvey(survey("CHAT_2", { rating: 2, queue: "sales", agentId: "USER_b" }));
      await acme.insertSurvey(survey("CHAT_3", { rating: 3, agentId: null, submittedAt: "2026-12-01T08:00:00.000Z" }));
      await acme.insertSurvey(survey("CHAT_4", { rating: 5, submittedAt: "2026-12-05T08:00:00.000Z" }));
      const range = { from: "2026-11-30T00:00:00.000Z", to: "2026-12-02T00:00:00.000Z" };
      expect(await acme.surveyAverages({ ...range, by: "day" })).toEqual([
        { key: "2026-11-30", count: 2, average: 3.5 },
        { key: "2026-12-01", count: 1, average: 3 },
      ]);
      expect(await acme.surveyAverages({ ...range, by: "queue" })).toEqual([
        { key: "default", count: 2, average: 4 },
        { key: "sales", count: 1, average: 2 },
      ]);
      expect(await acme.surveyAverages({ ...range, by: "agent" })).toEqual([
        { key: "", count: 1, average: 3 },
        { key: "USER_a", count: 1, average: 5 },
        { key: "USER_b", count: 1, average: 2 },
      ]);
    });

    it("lists offline messages newest first in pages, counts the unanswered and marks them read then answered", async () => {
      const acme = store.tenant("acme");
      const made = [offline("2026-11-30T10:00:00.000Z", "A"), offline("2026-11-30T10:00:00.000Z", "B"), offline("2026-11-30T11:00:00.000Z", "C")];
      for (const message of made) await acme.insertOfflineMessage(message);
      await store.tenant("default").insertOfflineMessage(offline("2026-11-30T12:00:00.000Z", "Other"));
      expect(await acme.countOpenOfflineMessages()).toBe(3);

      const all = await acme.listOfflineMessages({ limit: 10 });
      expect(all.map((m) => m.name)).toEqual(["C", ...[made[0]!, made[1]!].sort((a, b) => (a.id < b.id ? 1 : -1)).map((m) => m.name)]);
      expect(all[0]).toEqual({
        id: made[2]!.id,
        queue: "default",
        name: "C",
        email: "nina@example.com",
        message: "Call me back",
        consent: true,
        state: "new",
        createdAt: "2026-11-30T11:00:00.000Z",
        answeredBy: null,
        answeredAt: null,
      });
      const first = await acme.listOfflineMessages({ limit: 2 });
      const rest = await acme.listOfflineMessages({ limit: 2, before: { createdAt: first[1]!.createdAt, id: first[1]!.id } });
      expect([...first, ...rest].map((m) => m.id)).toEqual(all.map((m) => m.id));

      const id = made[0]!.id;
      expect((await acme.updateOfflineMessage(id, "read", "Ann", "2026-11-30T12:00:00.000Z"))?.state).toBe("read");
      const answered = await acme.updateOfflineMessage(id, "answered", "Ann", "2026-11-30T12:05:00.000Z");
      expect(answered).toMatchObject({ state: "answered", answeredBy: "Ann", answeredAt: "2026-11-30T12:05:00.000Z" });
      // A late "read" does not reopen it.
      expect((await acme.updateOfflineMessage(id, "read", "Bob", "2026-11-30T12:06:00.000Z"))?.state).toBe("answered");
      expect(await acme.countOpenOfflineMessages()).toBe(2);
      expect((await acme.listOfflineMessages({ state: "answered", limit: 10 })).map((m) => m.id)).toEqual([id]);
      // Another tenant's id finds nothing and changes nothing.
      expect(await store.tenant("default").updateOfflineMessage(id, "read", "Eve", "2026-11-30T12:07:00.000Z")).toBeUndefined();
      expect(await store.tenant("default").countOpenOfflineMessages()).toBe(1);

      // A customer's erasure by e-mail: every message left with the address, whatever its case, in this tenant only.
      expect(await acme.eraseOfflineMessages("NINA@example.com")).toBe(3);
      expect(await acme.listOfflineMessages({ limit: 10 })).toEqual([]);
      expect(await store.tenant("default").countOpenOfflineMessages()).toBe(1);
    });
  });
}
