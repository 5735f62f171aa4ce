/** The soak's section of the report: a verdict line per target, then the soak window by window. @module */
import { p50p99, p99 } from "./lib/stats.js";
import { MAX_P99_DRIFT, MAX_RSS_GROWTH_PERCENT, type MemoryReading, type SoakReport, type SoakVerdict } from "./soak.js";

const minutes = (ms: number) => `${Number((ms / 60_000).toFixed(2))} min`;
const clock = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")}`;
const mib = (bytes: number | undefined) => (bytes === undefined ? "–" : `${(bytes / 2 ** 20).toFixed(0)} MiB`);
const num = (value: number | undefined) => (value === undefined ? "–" : value.toLocaleString("en-US"));
const verdict = (v: SoakVerdict) => (v.status === "met" ? "met" : v.status === "missed" ? "**missed**" : "not judged");

/** The last memory reading taken at or before `atMs`. */
function readingAt(samples: MemoryReading[], atMs: number): MemoryReading | undefined {
  let found: MemoryReading | undefined;
  for (const sample of samples) if (sample.atMs <= atMs) found = sample;
  return found;
}

export function soakMarkdown(soak: SoakReport): string {
  const source = soak.rateSource === "ramp" ? "half the rate of the highest step the ramp sustained" : "given with --soak-rate";
  const lines = [
    `Soak: ${minutes(soak.durationMs)} at ${num(soak.offeredMessagesPerSecond)} messages/s (${soak.messagesPerSecondPerParticipant} per participant, ${source}), ` +
      `${num(soak.chats)} chats; warm-up: the first ${minutes(soak.warmupMs)}. Memory read every ${soak.sampleMs / 1000} s, latency per ${soak.windowMs / 1000} s window.`,
    "",
    "| soak target | measured | verdict |",
    "|---|---|---|",
    `| RSS growth after the warm-up < ${MAX_RSS_GROWTH_PERCENT} % | ${soak.verdicts.rssGrowth.detail} | ${verdict(soak.verdicts.rssGrowth)} |`,
    `| no latency drift: the last window's p99 ≤ ${MAX_P99_DRIFT} × the first's after the warm-up | ${soak.verdicts.latencyDrift.detail} | ${verdict(soak.verdicts.latencyDrift)} |`,
    `| 0 lost, duplicated or out of order (and no send refused) | ${soak.verdicts.deliveryErrors.detail} | ${verdict(soak.verdicts.deliveryErrors)} |`,
    "",
    `JS heap used (without a forced collection): ${mib(soak.heap.atWarmupEndBytes)} after the warm-up, ${mib(soak.heap.atEndBytes)} at the end; peak RSS ${mib(soak.rss.peakBytes)}.`,
    "",
    "| window | sent | events/s | p50 / p99 (ms) | texts p50 / p99 | images p50 / p99 | ack p99 | server CPU | RSS | heap |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const window of soak.windows) {
    const reading = readingAt(soak.samples, window.endMs);
    const warmup = window.endMs <= soak.warmupMs ? " (warm-up)" : "";
    lines.push(
      `| ${clock(window.startMs)}–${clock(window.endMs)}${warmup} | ${num(window.sent)} | ${num(window.eventsPerSecond)} | ` +
        `${p50p99(window.latencyMs)} | ${p50p99(window.textLatencyMs)} | ${p50p99(window.imageLatencyMs)} | ${p99(window.ackLatencyMs)} | ${num(window.serverCpuCores)} | ` +
        `${mib(reading?.rssBytes)} | ${mib(reading?.heapUsedBytes)} |`,
    );
  }
  lines.push("");
  return lines.join("\n");
}
