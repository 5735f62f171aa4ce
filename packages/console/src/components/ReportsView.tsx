/**
 * Reports, for supervisors and admins: a range of days in a time zone, grouped
 * by day, queue or agent, as two small bar charts (inline SVG) and a table,
 * and the same report as a CSV file. The numbers are the server's
 * (`GET /v1/reports`); this view only shows them.
 */
import { useEffect, useState } from "preact/hooks";
import type { Report, ReportGrouping, ReportRow } from "@parley/protocol";
import { describeFailure } from "../api.js";
import { fetchReport, fetchReportCsv, type ReportParams } from "../reports-api.js";
import { saveBlob } from "../text.js";
import { ReportCharts } from "./ReportCharts.js";
import "../reports.css";

const GROUP_NAMES: Record<ReportGrouping, string> = { day: "Day", queue: "Queue", agent: "Agent" };

/** A duration in words: `45 s`, `1 min 20 s`, `2 h 5 min`; `—` for nothing measured. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return "—";
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
}

/** The browser's day, `YYYY-MM-DD`, `days` days back from today. */
function localDay(daysBack: number): string {
  const at = new Date();
  at.setDate(at.getDate() - daysBack);
  return `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, "0")}-${String(at.getDate()).padStart(2, "0")}`;
}

function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

type Column = [field: keyof ReportRow, heading: string, show: (row: ReportRow) => string];

const COLUMNS: Column[] = [
  ["started", "Started", (row) => String(row.started)],
  ["answered", "Answered", (row) => String(row.answered)],
  ["missed", "Missed", (row) => String(row.missed)],
  ["transferred", "Transferred", (row) => String(row.transferred)],
  ["waitMedianSeconds", "Median wait", (row) => formatSeconds(row.waitMedianSeconds)],
  ["waitP90Seconds", "90th percentile wait", (row) => formatSeconds(row.waitP90Seconds)],
  ["handleMedianSeconds", "Median handle time", (row) => formatSeconds(row.handleMedianSeconds)],
  ["firstResponseMedianSeconds", "Median first response", (row) => formatSeconds(row.firstResponseMedianSeconds)],
  ["satisfactionAverage", "Satisfaction", (row) => (row.satisfactionAverage === null ? "—" : String(row.satisfactionAverage))],
  ["satisfactionCount", "Surveys", (row) => String(row.satisfactionCount)],
];

function Cells({ row }: { row: ReportRow }) {
  return (
    <>
      {COLUMNS.map(([field, , show]) => (
        <td key={field} data-field={field} data-value={String(row[field] ?? "")}>
          {show(row)}
        </td>
      ))}
    </>
  );
}

function ReportTable({ report }: { report: Report }) {
  return (
    <div class="report-table-wrap" role="region" aria-labelledby="report-table-caption" tabIndex={0}>
      <table class="report-table">
        <caption id="report-table-caption" class="sr-only">
          Report by {report.groupBy}, {report.from} to {report.to} ({report.timeZone})
        </caption>
        <thead>
          <tr>
            <th scope="col">{GROUP_NAMES[report.groupBy]}</th>
            {COLUMNS.map(([field, heading]) => (
              <th key={field} scope="col">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={row.key} data-key={row.key}>
              <th scope="row">{row.label}</th>
              <Cells row={row} />
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-key="total">
            <th scope="row">Total</th>
            <Cells row={report.total} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

export function ReportsView({ token, onClose }: { token: string; onClose: () => void }) {
  const [form, setForm] = useState<ReportParams>(() => ({ from: localDay(6), to: localDay(0), tz: browserZone(), groupBy: "day" }));
  const [asked, setAsked] = useState<ReportParams>(form);
  const [report, setReport] = useState<Report | undefined>(undefined);
  const [error, setError] = useState("");
  const [isLoading, setLoading] = useState(true);

  useEffect(() => {
    let isCurrent = true;
    setLoading(true);
    fetchReport(token, asked).then(
      (answer) => {
        if (!isCurrent) return;
        setReport(answer);
        setError("");
        setLoading(false);
      },
      (failure: unknown) => {
        if (!isCurrent) return;
        setError(describeFailure(failure));
        setLoading(false);
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [token, asked]);

  const download = async () => {
    try {
      saveBlob(await fetchReportCsv(token, asked), `parley-report-${asked.groupBy}-${asked.from}-${asked.to}.csv`);
    } catch (failure) {
      setError(describeFailure(failure));
    }
  };
  const set = (field: keyof ReportParams) => (event: Event) => setForm({ ...form, [field]: (event.currentTarget as HTMLInputElement).value });

  return (
    <section class="reports" aria-labelledby="reports-heading" data-state={isLoading ? "loading" : error !== "" ? "failed" : "loaded"}>
      <div class="privacy-head">
        <h2 id="reports-heading">Reports</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <form
        class="report-form"
        onSubmit={(event) => {
          event.preventDefault();
          setAsked({ ...form });
        }}
      >
        <label>
          <span id="report-from-label">From</span>
          <input type="date" id="report-from" aria-labelledby="report-from-label" name="from" required value={form.from} onInput={set("from")} />
        </label>
        <label>
          <span id="report-to-label">To</span>
          <input type="date" id="report-to" aria-labelledby="report-to-label" name="to" required value={form.to} onInput={set("to")} />
        </label>
        <label>
          <span id="report-tz-label">Time zone</span>
          <input type="text" id="report-tz" aria-labelledby="report-tz-label" name="tz" required value={form.tz} onInput={set("tz")} />
        </label>
        <label>
          <span id="report-group-label">Group by</span>
          <select id="report-group" aria-labelledby="report-group-label" name="groupBy" value={form.groupBy} onChange={set("groupBy")}>
            <option value="day">Day</option>
            <option value="queue">Queue</option>
            <option value="agent">Agent</option>
          </select>
        </label>
        <button type="submit">Show report</button>
        <button type="button" class="secondary" onClick={() => void download()}>
          Download CSV
        </button>
      </form>
      <p class="muted">
        Chats started in the range, counted on the day they started. Times are medians (the wait's 90th percentile too); see the console guide for each
        definition.
      </p>
      {error !== "" && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {report === undefined ? (
        isLoading && <p class="muted">Loading…</p>
      ) : (
        <div aria-busy={isLoading}>
          <ReportCharts report={report} groupName={GROUP_NAMES[report.groupBy]} />
          <ReportTable report={report} />
        </div>
      )}
    </section>
  );
}
