/**
 * A report's two bar charts, drawn as inline SVG (no chart library): chats
 * started, answered and missed per row, and the median wait per row. Each
 * chart is one image to assistive technology, named by what it shows; the
 * table below it holds every number.
 */
import type { Report, ReportRow } from "@parley/protocol";

const WIDTH = 560;
const HEIGHT = 200;
const AXIS = 28;
const TOP = 10;
/** Row labels drawn under the bars at most; the others are in the table. */
const MAX_LABELS = 12;

interface Series {
  name: string;
  className: string;
  value: (row: ReportRow) => number;
}

/** A round axis maximum at or above `max`: 1, 2 or 5 times a power of ten. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((step) => step * power).find((top) => top >= max) ?? 10 * power);
}

function BarChart({ id, title, rows, series, unit }: { id: string; title: string; rows: ReportRow[]; series: Series[]; unit: string }) {
  const top = niceMax(Math.max(0, ...rows.flatMap((row) => series.map((s) => s.value(row)))));
  const plotWidth = WIDTH - AXIS;
  const plotHeight = HEIGHT - TOP - 24;
  const slot = plotWidth / Math.max(1, rows.length);
  const barWidth = Math.max(1, (slot * 0.8) / series.length);
  const labelEvery = Math.ceil(rows.length / MAX_LABELS);
  const summary = rows.map((row) => `${row.label}: ${series.map((s) => `${s.value(row)} ${s.name.toLowerCase()}`).join(", ")}`).join("; ");
  return (
    <figure class="report-chart">
      <h3 id={`${id}-title`}>{title}</h3>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title`} aria-describedby={`${id}-desc`}>
        <desc id={`${id}-desc`}>{summary === "" ? "No rows." : `${summary} (${unit}).`}</desc>
        <line x1={AXIS} y1={TOP} x2={AXIS} y2={TOP + plotHeight} stroke="currentColor" />
        <line x1={AXIS} y1={TOP + plotHeight} x2={WIDTH} y2={TOP + plotHeight} stroke="currentColor" />
        <text x={AXIS - 4} y={TOP + 8} text-anchor="end">
          {top}
        </text>
        <text x={AXIS - 4} y={TOP + plotHeight} text-anchor="end">
          0
        </text>
        {rows.map((row, i) => (
          <g key={row.key} data-key={row.key}>
            {series.map((s, j) => {
              const height = (s.value(row) / top) * plotHeight;
              return (
                <rect
                  key={s.name}
                  class={`bar ${s.className}`}
                  x={AXIS + i * slot + slot * 0.1 + j * barWidth}
                  y={TOP + plotHeight - height}
                  width={barWidth}
                  height={height}
                  data-series={s.className}
                  data-value={s.value(row)}
                >
                  <title>{`${row.label}: ${s.value(row)} ${s.name.toLowerCase()}`}</title>
                </rect>
              );
            })}
            {i % labelEvery === 0 && (
              <text x={AXIS + i * slot + slot / 2} y={HEIGHT - 8} text-anchor="middle">
                {row.label.length > 12 ? `${row.label.slice(0, 11)}…` : row.label}
              </text>
            )}
          </g>
        ))}
      </svg>
      {series.length > 1 && (
        <ul class="report-legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.name}>
              <span class={`swatch ${s.className}`} />
              {s.name}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

export function ReportCharts({ report, groupName }: { report: Report; groupName: string }) {
  const per = groupName.toLowerCase();
  return (
    <div class="report-charts">
      <BarChart
        id="report-chats"
        title={`Chats per ${per}`}
        rows={report.rows}
        unit="chats"
        series={[
          { name: "Started", className: "started", value: (row) => row.started },
          { name: "Answered", className: "answered", value: (row) => row.answered },
          { name: "Missed", className: "missed", value: (row) => row.missed },
        ]}
      />
      <BarChart
        id="report-wait"
        title={`Median wait per ${per}`}
        rows={report.rows}
        unit="seconds"
        series={[{ name: "Seconds", className: "wait", value: (row) => row.waitMedianSeconds ?? 0 }]}
      />
    </div>
  );
}
