/** The bench's results: as JSON, as a Markdown table, and in docs/performance.md. @module */
import { readFile, writeFile } from "node:fs/promises";
import type { DeliveryErrors } from "./lib/delivery-ledger.js";
import type { MachineDescription } from "./lib/machine.js";
import { round } from "./lib/stats.js";
import type { IdleReport } from "./idle.js";
import type { BenchOptions } from "./options.js";
import type { RampReport, StepReport } from "./ramp.js";

export interface TargetFigures {
  eventsPerSecond: number;
  offeredMessagesPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
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
}

export function figures(ramp: RampReport): TargetFigures {
  const best = ramp.best;
  return {
    eventsPerSecond: best?.eventsPerSecond ?? 0,
    offeredMessagesPerSecond: best?.offeredMessagesPerSecond ?? 0,
    latencyMs: best ? { p50: best.latencyMs.p50, p95: best.latencyMs.p95, p99: best.latencyMs.p99, max: best.latencyMs.max } : { p50: 0, p95: 0, p99: 0, max: 0 },
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

/** The results as Markdown: the comparison table, the errors, the idle test. */
export function markdown(results: BenchResults): string {
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
    row("server CPU (cores)", num(parley?.serverCpuCores), num(baseline?.serverCpuCores));
    row("events per server CPU-second", num(parley?.eventsPerCpuSecond), num(baseline?.eventsPerCpuSecond), r ? `${r.eventsPerCpuSecond} ×` : "");
    row("load generator CPU (cores)", num(parley?.loadCpuCores), num(baseline?.loadCpuCores));
    row("server RSS", mib(parley?.serverRssBytes), mib(baseline?.serverRssBytes));
    lines.push("");
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

export function describeRun(results: BenchResults): string {
  const m = results.machine;
  const o = results.options;
  return [
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node.js ${m.node}; ${m.date.slice(0, 16).replace("T", " ")} UTC.`,
    `${results.pinning}. Mode: ${results.mode}${o.quick ? ", quick run" : ""}.`,
    `Workload: ${o.chats} chats, ${o.chatsPerAgent} per agent socket, ${Math.round(o.imageShare * 100)} % of messages with an image; ` +
      `ramp from ${o.startRate} msg/s per participant, ×${o.rampFactor} per ${o.stepMs / 1000} s step.`,
  ].join("\n");
}

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";

/** Replaces the text between the results markers of docs/performance.md. */
export async function writeDocs(file: string, results: BenchResults, note: string): Promise<void> {
  const page = await readFile(file, "utf8");
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${file} has no ${START} … ${END} section`);
  const section = [START, "", describeRun(results), note === "" ? "" : `\n${note}`, "", markdown(results), END].join("\n");
  await writeFile(file, page.slice(0, start) + section + page.slice(end + END.length));
}
