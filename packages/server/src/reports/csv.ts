/**
 * A report as CSV (RFC 4180): a header row, one line per row, then the
 * total. Cells that a spreadsheet would run as a formula are quoted with a
 * leading apostrophe, since queue names and nicknames are typed by people.
 * @module
 */
import type { Report, ReportRow } from "@parley/protocol";

/** The columns, in order: the header names and how each cell is read from a row. */
const COLUMNS: ReadonlyArray<[string, (row: ReportRow) => string | number | null]> = [
  ["key", (row) => row.key],
  ["label", (row) => row.label],
  ["started", (row) => row.started],
  ["answered", (row) => row.answered],
  ["missed", (row) => row.missed],
  ["transferred", (row) => row.transferred],
  ["wait_median_seconds", (row) => row.waitMedianSeconds],
  ["wait_p90_seconds", (row) => row.waitP90Seconds],
  ["handle_median_seconds", (row) => row.handleMedianSeconds],
  ["first_response_median_seconds", (row) => row.firstResponseMedianSeconds],
  ["satisfaction_average", (row) => row.satisfactionAverage],
  ["satisfaction_count", (row) => row.satisfactionCount],
];

function cell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report's CSV text, lines ended by CRLF. */
export function reportCsv(report: Report): string {
  const lines = [COLUMNS.map(([name]) => name), ...[...report.rows, report.total].map((row) => COLUMNS.map(([, read]) => cell(read(row))))];
  return lines.map((line) => line.join(",")).join("\r\n") + "\r\n";
}
