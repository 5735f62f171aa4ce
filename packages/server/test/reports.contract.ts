/**
 * Reports against a real store: the seeded history's numbers, exactly, by
 * day (in a time zone), queue and agent, computed from what is stored.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildReport } from "../src/reports/service.js";
import type { Store } from "../src/store/types.js";
import { EXPECTED_BY_AGENT, EXPECTED_BY_DAY, EXPECTED_BY_QUEUE, EXPECTED_TOTAL, REPORT_RANGE, seedReportHistory } from "./report-fixtures.js";
import type { StoreFactory } from "./store.contract.js";

export function reportsContract(name: string, factory: StoreFactory): void {
  describe(`Store contract, reports: ${name}`, () => {
    let store: Store;
    let location: Awaited<ReturnType<StoreFactory["create"]>>;

    beforeEach(async () => {
      location = await factory.create();
      store = await location.open();
      await store.migrate();
      await seedReportHistory(store);
    });
    afterEach(async () => {
      await store.close();
      await location.cleanup();
    });

    it("gives the seeded history's numbers by day, queue and agent", async () => {
      const tenant = store.tenant("default");
      const byDay = await buildReport(tenant, { ...REPORT_RANGE, groupBy: "day" });
      expect(byDay).toEqual({ from: "2026-11-02", to: "2026-11-03", timeZone: "Europe/Paris", groupBy: "day", rows: EXPECTED_BY_DAY, total: EXPECTED_TOTAL });
      expect((await buildReport(tenant, { ...REPORT_RANGE, groupBy: "queue" })).rows).toEqual(EXPECTED_BY_QUEUE);
      const byAgent = await buildReport(tenant, { ...REPORT_RANGE, groupBy: "agent" });
      expect(byAgent.rows).toEqual(EXPECTED_BY_AGENT);
      expect(byAgent.total).toEqual(EXPECTED_TOTAL);
    });

    it("counts days in the zone asked for, UTC by default, and reads after the store is opened again", async () => {
      await store.close();
      store = await location.open();
      const byUtcDay = await buildReport(store.tenant("default"), { from: REPORT_RANGE.from, to: REPORT_RANGE.to });
      // In UTC the 23:30 chat belongs to the 2nd, and the 3rd's 23:00 chat (the 4th in Paris) is in.
      expect(byUtcDay.rows.map((r) => [r.key, r.started, r.answered, r.missed])).toEqual([
        ["2026-11-02", 4, 3, 1],
        ["2026-11-03", 4, 1, 1],
      ]);
      const oneDay = await buildReport(store.tenant("default"), { from: "2026-11-03", to: "2026-11-03", tz: "Europe/Paris" });
      expect(oneDay.rows).toEqual([EXPECTED_BY_DAY[1]]);
      // An empty day has a row of zeros; the other tenant's history is its own.
      const acme = await buildReport(store.tenant("acme"), { from: "2026-11-01", to: "2026-11-02" });
      expect(acme.rows.map((r) => [r.key, r.started, r.missed, r.waitMedianSeconds])).toEqual([
        ["2026-11-01", 0, 0, null],
        ["2026-11-02", 1, 1, null],
      ]);
    });

    it("refuses a range it cannot answer with a coded error", async () => {
      const tenant = store.tenant("default");
      const refusal = (request: Parameters<typeof buildReport>[1], limit?: number) =>
        buildReport(tenant, request, limit).then(
          () => undefined,
          (error: { code?: string; details?: unknown }) => ({ code: error.code, details: error.details }),
        );
      expect(await refusal({ from: "2026-11-3", to: "2026-11-04" })).toEqual({ code: "REPORT_RANGE_INVALID", details: { reason: "format" } });
      expect(await refusal({ from: "2026-02-30", to: "2026-03-01" })).toEqual({ code: "REPORT_RANGE_INVALID", details: { reason: "format" } });
      expect(await refusal({ from: "2026-11-04", to: "2026-11-03" })).toEqual({ code: "REPORT_RANGE_INVALID", details: { reason: "order" } });
      expect(await refusal({ from: "2026-01-01", to: "2026-04-03" })).toEqual({ code: "REPORT_RANGE_INVALID", details: { reason: "length", maxDays: 92 } });
      expect(await refusal({ from: "2026-01-01", to: "2026-04-02" })).toBeUndefined();
      expect(await refusal({ ...REPORT_RANGE, tz: "Mars/Olympus" })).toEqual({ code: "TIME_ZONE_INVALID", details: { tz: "Mars/Olympus" } });
      // Another spelling of a zone is the zone.
      expect((await buildReport(tenant, { ...REPORT_RANGE, tz: "europe/PARIS" })).timeZone).toBe("Europe/Paris");
      expect(await refusal(REPORT_RANGE, 6)).toEqual({ code: "REPORT_TOO_LARGE", details: { limit: 6 } });
      expect(await refusal(REPORT_RANGE, 7)).toBeUndefined();
    });
  });
}
