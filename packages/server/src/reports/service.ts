/**
 * Builds a tenant's report for a checked range: reads the range's chats from
 * the store (at most {@link MAX_REPORT_CHATS}) and the agents' names, and
 * computes the rows.
 * @module
 */
import type { Report, ReportGrouping } from "@parley/protocol";
import { ParleyError } from "../errors.js";
import type { TenantStore } from "../store/types.js";
import { computeReport } from "./compute.js";
import { reportRange } from "./range.js";

/** The most chats one report reads: their rows are held in memory while the medians are taken. */
export const MAX_REPORT_CHATS = 200_000;

/** What a report is asked for: days in a zone (UTC when absent) and a grouping (`day` when absent). */
export interface ReportRequest {
  from: string;
  to: string;
  tz?: string;
  groupBy?: ReportGrouping;
}

/** The report, or a coded refusal (`REPORT_RANGE_INVALID`, `TIME_ZONE_INVALID`, `REPORT_TOO_LARGE`). */
export async function buildReport(store: TenantStore, request: ReportRequest, limit = MAX_REPORT_CHATS): Promise<Report> {
  const range = reportRange(request.from, request.to, request.tz);
  const chats = await store.reportChats({ from: range.start, to: range.end }, limit + 1);
  if (chats.length > limit) throw new ParleyError("REPORT_TOO_LARGE", undefined, { limit });
  const by = request.groupBy ?? "day";
  const names = new Map<string, string>();
  if (by === "agent") for (const agent of await store.listAgentAccounts()) names.set(agent.id, agent.nickname);
  return computeReport(range, by, chats, names);
}
