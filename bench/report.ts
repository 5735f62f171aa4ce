/** The bench's results: as JSON, as a Markdown table, and in docs/performance.md. @module */
import { readFile, writeFile } from "node:fs/promises";
import type { DeliveryErrors } from "./lib/delivery-ledger.js";
import type { MachineDescription } from "./lib/machine.js";
import { p50p99, round, type LatencySummary } from "./lib/stats.js";
import type { IdleReport } from "./idle.js";
import type { BenchOptions } from "./options.js";
import type { RampReport, StepReport } from "./ramp.js";
import type { SoakReport } from "./soak.js";
import { soakMarkdown } from "./soak-report.js";

type Percentiles = { p50: number; p95: number; p99: number; max: number };

export interface TargetFigures {
  eventsPerSecond: number;
  offeredMessagesPerSecond: number;
  latencyMs: Percentiles;
  /** Texts alone, and messages carrying an image alone, at the same step (a short step may have no image: count 0). */
  textLatencyMs: LatencySummary;
  imageLatencyMs: LatencySummary;
  serverCpuCores: number | undefined;
  eventsPerCpuSecond: number | undefined;
  loadCpuCores: number | undefined;
  serverRssBytes: number | undefined;
  steps: StepReport[];
}

export interface BenchResults {
  machine: MachineDescription;
  pinning: string;
  mode: "embedded" | "cluster";
  options: Omit<BenchOptions, "json" | "writeDocs">;
  parley?: TargetFigures;
  baseline?: TargetFigures;
  ratio?: { eventsPerSecond: number; latencyP50: number; latencyP99: number; eventsPerCpuSecond: number };
  /** Parley, over every step it ran (the one that broke the bounds too), counted after the traffic drained. */
  errors?: DeliveryErrors;
  idle?: {
    sockets: number;
    /** Server RSS per connected socket. */
    bytesPerSocket: number;
    heapBytesPerSocket: number;
    externalBytesPerSocket: number;
    failures: number;
    baseline?: IdleReport;
  };
  soak?: SoakReport;
  /** Why a soak that was asked for did not run. */
  soakNotRun?: string;
}

const percentiles = (summary: LatencySummary | undefined): Percentiles =>
  summary ? { p50: summary.p50, p95: summary.p95, p99: summary.p99, max: summary.max } : { p50: 0, p95: 0, p99: 0, max: 0 };

const NO_SAMPLES: LatencySummary = { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };

export function figures(ramp: RampReport): TargetFigures {
  const best = ramp.best;
  return {
    eventsPerSecond: best?.eventsPerSecond ?? 0,
    offeredMessagesPerSecond: best?.offeredMessagesPerSecond ?? 0,
    latencyMs: percentiles(best?.latencyMs),
    textLatencyMs: best?.textLatencyMs ?? NO_SAMPLES,
    imageLatencyMs: best?.imageLatencyMs ?? NO_SAMPLES,
    serverCpuCores: best?.serverCpuCores,
    eventsPerCpuSecond: best?.eventsPerCpuSecond,
    loadCpuCores: best?.loadCpuCores,
    serverRssBytes: best?.serverRssBytes,
    steps: ramp.steps,
  };
}

/** Parley's figure over the baseline's (0 when the baseline has none). */
export function ratio(parley: number, baseline: number): number {
  return baseline === 0 ? 0 : round(parley / baseline);
}

const kib = (bytes: number | undefined) => (bytes === undefined ? "–" : `${(bytes / 1024).toFixed(1)} KiB`);
const mib = (bytes: number | undefined) => (bytes === undefined ? "–" : `${(bytes / 2 ** 20).toFixed(0)} MiB`);
const num = (value: number | undefined) => (value === undefined ? "–" : value.toLocaleString("en-US"));

/**
 * The texts' latency target: p99 of texts within the bound at every step
 * Parley sustained (images are 5 % of the messages; their work must not hold
 * the texts up).
 */
export function textLatencyVerdict(steps: StepReport[], maxP99Ms: number): string {
  const sustained = steps.filter((step) => step.sustained);
  if (sustained.length === 0) return `Texts' p99 ≤ ${maxP99Ms} ms at every step Parley sustained: not judged (no step sustained).`;
  const worst = sustained.reduce((a, b) => (b.textLatencyMs.p99 > a.textLatencyMs.p99 ? b : a));
  const met = worst.textLatencyMs.p99 <= maxP99Ms;
  return (
    `Texts' p99 ≤ ${maxP99Ms} ms at every step Parley sustained: ${met ? "met" : "**missed**"} ` +
    `(highest ${worst.textLatencyMs.p99} ms, at ${num(worst.offeredMessagesPerSecond)} messages/s; ` +
    (worst.imageLatencyMs.count === 0 ? "no image in that step)." : `images' p99 there ${worst.imageLatencyMs.p99} ms).`)
  );
}

/** Every step a target ran, with texts' and images' latency apart. */
function stepsTable(name: string, steps: StepReport[]): string[] {
  const lines = [
    `| ${name}: messages/s offered | events/s | p50 / p99 (ms) | texts p50 / p99 | images p50 / p99 | server CPU | verdict |`,
    "|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const step of steps) {
    lines.push(
      `| ${num(step.offeredMessagesPerSecond)} | ${num(step.eventsPerSecond)} | ${p50p99(step.latencyMs)} | ` +
        `${p50p99(step.textLatencyMs)} | ${p50p99(step.imageLatencyMs)} | ${num(step.serverCpuCores)} | ${step.verdict} |`,
    );
  }
  lines.push("");
  return lines;
}

/** The results as Markdown: the comparison table, every step, the errors, the idle test (not the soak: see {@link markdown}). */
export function resultsMarkdown(results: BenchResults): string {
  const lines: string[] = [];
  const { parley, baseline, ratio: r } = results;
  if (parley !== undefined || baseline !== undefined) {
    lines.push(`Highest sustained step (p99 ≤ ${results.options.maxP99Ms} ms, nothing lost, refused or left undelivered):`, "");
    lines.push("| | Parley | Socket.IO relay baseline | Parley / baseline |", "|---|---:|---:|---:|");
    const row = (name: string, p: string, b: string, ratioText = "") => lines.push(`| ${name} | ${p} | ${b} | ${ratioText} |`);
    row("delivered events/s", num(parley?.eventsPerSecond), num(baseline?.eventsPerSecond), r ? `${r.eventsPerSecond} ×` : "");
    row("messages/s offered", num(parley?.offeredMessagesPerSecond), num(baseline?.offeredMessagesPerSecond));
    for (const key of ["p50", "p95", "p99", "max"] as const) {
      const ratioText = r && key === "p50" ? `${r.latencyP50} ×` : r && key === "p99" ? `${r.latencyP99} ×` : "";
      row(`latency ${key} (ms)`, num(parley?.latencyMs[key]), num(baseline?.latencyMs[key]), ratioText);
    }
    const pair = (summary: LatencySummary | undefined) => (summary === undefined ? "–" : p50p99(summary));
    row("texts: latency p50 / p99 (ms)", pair(parley?.textLatencyMs), pair(baseline?.textLatencyMs));
    row("images: latency p50 / p99 (ms)", pair(parley?.imageLatencyMs), pair(baseline?.imageLatencyMs));
    row("server CPU (cores)", num(parley?.serverCpuCores), num(baseline?.serverCpuCores));
    row("events per server CPU-second", num(parley?.eventsPerCpuSecond), num(baseline?.eventsPerCpuSecond), r ? `${r.eventsPerCpuSecond} ×` : "");
    row("load generator CPU (cores)", num(parley?.loadCpuCores), num(baseline?.loadCpuCores));
    row("server RSS", mib(parley?.serverRssBytes), mib(baseline?.serverRssBytes));
    lines.push("");
    if (parley !== undefined) lines.push(textLatencyVerdict(parley.steps, results.options.maxP99Ms), "");
    if (parley !== undefined) lines.push(...stepsTable("Parley", parley.steps));
    if (baseline !== undefined) lines.push(...stepsTable("baseline", baseline.steps));
  }
  if (results.errors !== undefined) {
    const e = results.errors;
    lines.push(`Parley, every step (after the traffic drained): ${e.lost} lost, ${e.duplicated} duplicated, ${e.outOfOrder} out of order.`, "");
  }
  if (results.idle !== undefined) {
    const idle = results.idle;
    lines.push("| idle sockets | server RSS / socket | JS heap / socket | off-heap / socket |", "|---|---:|---:|---:|");
    lines.push(`| Parley: ${num(idle.sockets)} (${idle.failures} failed) | ${kib(idle.bytesPerSocket)} | ${kib(idle.heapBytesPerSocket)} | ${kib(idle.externalBytesPerSocket)} |`);
    if (idle.baseline !== undefined) {
      const b = idle.baseline;
      lines.push(`| baseline: ${num(b.sockets)} (${b.failures} failed) | ${kib(b.rssBytesPerSocket)} | ${kib(b.heapBytesPerSocket)} | ${kib(b.externalBytesPerSocket)} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

/** The soak's section, or why it did not run; empty when no soak was asked for. */
export function soakSection(results: BenchResults): string {
  if (results.soak !== undefined) return soakMarkdown(results.soak);
  if (results.soakNotRun !== undefined) return `Soak: not run — ${results.soakNotRun}\n`;
  return "";
}

/** Everything the run measured, as Markdown. */
export function markdown(results: BenchResults): string {
  return [resultsMarkdown(results), soakSection(results)].filter((part) => part !== "").join("\n");
}

export function describeRun(results: BenchResults): string {
  const m = results.machine;
  const o = results.options;
  return [
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node.js ${m.node}; ${m.date.slice(0, 16).replace("T", " ")} UTC.`,
    `${results.pinning}. Mode: ${results.mode}${o.quick ? ", quick run" : ""}.`,
    `Workload: ${o.chats} chats, ${o.chatsPerAgent} per agent socket, ${Math.round(o.imageShare * 100)} % of messages with an image` +
      (o.skipRamp ? "." : `; ramp from ${o.startRate} msg/s per participant, ×${o.rampFactor} per ${o.stepMs / 1000} s step.`),
  ].join("\n");
}

const RESULTS = { start: "<!-- bench:results:start -->", end: "<!-- bench:results:end -->" };
const SOAK = { start: "<!-- bench:soak:start -->", end: "<!-- bench:soak:end -->" };

/** `page` with the text between `markers` replaced by `body`. */
function replaceSection(page: string, file: string, markers: { start: string; end: string }, body: string): string {
  const start = page.indexOf(markers.start);
  const end = page.indexOf(markers.end);
  if (start < 0 || end < start) throw new Error(`${file} has no ${markers.start} … ${markers.end} section`);
  return page.slice(0, start) + [markers.start, "", body, markers.end].join("\n") + page.slice(end + markers.end.length);
}

/**
 * Rewrites the sections of docs/performance.md this run has figures for: the
 * results (ramp, idle test) and the soak each have markers of their own, so a
 * soak run alone leaves the last full run's results in place, and the other way round.
 */
export async function writeDocs(file: string, results: BenchResults, note: string): Promise<void> {
  let page = await readFile(file, "utf8");
  const header = describeRun(results) + (note === "" ? "" : `\n\n${note}`);
  if (results.parley !== undefined || results.baseline !== undefined || results.idle !== undefined) {
    page = replaceSection(page, file, RESULTS, [header, "", "", resultsMarkdown(results)].join("\n"));
  }
  const soak = soakSection(results);
  if (soak !== "") page = replaceSection(page, file, SOAK, [header, "", soak].join("\n"));
  await writeFile(file, page);
}
