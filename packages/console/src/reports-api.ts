/** The reports' REST calls: a report as JSON, and the same report as a CSV file. */
import type { Report, ReportGrouping } from "@parley/protocol";
import { ApiError, bearer, call } from "./api.js";

/** What a report is asked for: days (both included) in a zone, and a grouping. */
export interface ReportParams {
  from: string;
  to: string;
  tz: string;
  groupBy: ReportGrouping;
}

function query(params: ReportParams): string {
  return new URLSearchParams({ from: params.from, to: params.to, tz: params.tz, groupBy: params.groupBy }).toString();
}

/** Supervisors and admins: the report. */
export function fetchReport(token: string, params: ReportParams): Promise<Report> {
  return call<Report>(`/v1/reports?${query(params)}`, { headers: bearer(token) });
}

/** The report as CSV, to save; a refusal is an {@link ApiError} as for JSON calls. */
export async function fetchReportCsv(token: string, params: ReportParams): Promise<Blob> {
  const response = await fetch(`/v1/reports.csv?${query(params)}`, { headers: bearer(token) }).catch(() => undefined);
  if (response === undefined) throw new ApiError("CONNECTION_CLOSED", "The server cannot be reached.", 0);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    throw new ApiError(body.error?.code ?? "INTERNAL_ERROR", body.error?.message ?? `The server answered ${response.status}.`, response.status);
  }
  return response.blob();
}
