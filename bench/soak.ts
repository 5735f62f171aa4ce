/**
 * The soak: Parley at a fixed rate for a long time (half the rate the ramp
 * sustained, by default), its memory read every few seconds and its latency
 * summarised window by window, then judged against the soak targets: RSS
 * growth after the warm-up, latency drift, and nothing lost, duplicated or out
 * of order.
 * @module
 */
import type { DeliveryErrors } from "./lib/delivery-ledger.js";
import { CpuMeter, rssBytes } from "./lib/proc.js";
import { p99, round, type LatencySummary } from "./lib/stats.js";
import { LoadProcess } from "./load/load-process.js";
import type { SoakWindowResult } from "./load/messages.js";
import type { SoakOptions } from "./options.js";
import type { ServerProcess } from "./targets/server-process.js";

/** RSS may grow by less than this, in %, from the end of the warm-up to the end. */
export const MAX_RSS_GROWTH_PERCENT = 5;
/** The last window's p99 may be at most this many times the first one's after the warm-up. */
export const MAX_P99_DRIFT = 1.5;
/** How long the soak's traffic may take to drain at the end before what is missing counts as lost. */
const DRAIN_TIMEOUT_MS = 30_000;
/** A memory reading that takes longer is skipped (the server's event loop answers it). */
const HEAP_READING_TIMEOUT_MS = 5_000;

/** The server's memory at one moment of the soak, summed over its nodes. */
export interface MemoryReading {
  /** Since the soak started: the planned time of the reading. */
  atMs: number;
  /** From /proc/<pid>/status (VmRSS); undefined where there is no /proc. */
  rssBytes: number | undefined;
  /** V8's used heap, without a forced collection; undefined when the probe did not answer in time. */
  heapUsedBytes: number | undefined;
}

/** One window of the soak (a minute by default). */
export interface SoakWindow {
  /** Planned start and end since the soak started; the last window also holds the traffic that drained after the end. */
  startMs: number;
  endMs: number;
  sent: number;
  acknowledged: number;
  sendErrors: number;
  eventsPerSecond: number;
  latencyMs: LatencySummary;
  textLatencyMs: LatencySummary;
  imageLatencyMs: LatencySummary;
  ackLatencyMs: LatencySummary;
  serverCpuCores: number | undefined;
}

export type VerdictStatus = "met" | "missed" | "not judged";

export interface SoakVerdict {
  status: VerdictStatus;
  /** The figures behind it, in words. */
  detail: string;
}

export interface SoakReport {
  durationMs: number;
  warmupMs: number;
  sampleMs: number;
  windowMs: number;
  chats: number;
  messagesPerSecondPerParticipant: number;
  offeredMessagesPerSecond: number;
  /** Where the rate came from: half the ramp's highest sustained step, or `--soak-rate`. */
  rateSource: "ramp" | "option";
  samples: MemoryReading[];
  windows: SoakWindow[];
  /** RSS at the first reading after the warm-up and at the last one, and the growth between them in %. */
  rss: { atWarmupEndBytes: number | undefined; atEndBytes: number | undefined; growthPercent: number | undefined; peakBytes: number | undefined };
  heap: { atWarmupEndBytes: number | undefined; atEndBytes: number | undefined };
  /** p99 of every message in the first window after the warm-up and in the last window. */
  drift: { firstP99Ms: number | undefined; lastP99Ms: number | undefined; ratio: number | undefined };
  /** Over the whole soak, counted after its traffic drained. */
  errors: DeliveryErrors;
  sendErrors: number;
  settled: boolean;
  verdicts: { rssGrowth: SoakVerdict; latencyDrift: SoakVerdict; deliveryErrors: SoakVerdict };
}

/** What a soak runs against: the Parley deployment and its agents. */
export interface SoakDeployment {
  urls: string[];
  nodes: ServerProcess[];
  agentTokens: string[];
}

export interface SoakWorkload {
  chats: number;
  chatsPerAgent: number;
  imageShare: number;
  /** A small PNG, Base64. */
  image: string;
  messagesPerSecondPerParticipant: number;
  rateSource: SoakReport["rateSource"];
}

/**
 * The moments of the soak, planned in advance so that a slow reading does not
 * change how many there are: a memory reading every `sampleMs` from 0 to the end,
 * and the end of a window every `windowMs` and at the end.
 */
export function soakSchedule(options: Pick<SoakOptions, "durationMs" | "sampleMs" | "windowMs">): { atMs: number; sample: boolean; windowEnds: boolean }[] {
  const marks = new Map<number, { atMs: number; sample: boolean; windowEnds: boolean }>();
  const mark = (atMs: number) => {
    const at = round(Math.min(atMs, options.durationMs), 3);
    let entry = marks.get(at);
    if (entry === undefined) marks.set(at, (entry = { atMs: at, sample: false, windowEnds: false }));
    return entry;
  };
  for (let i = 0; i * options.sampleMs < options.durationMs; i++) mark(i * options.sampleMs).sample = true;
  mark(options.durationMs).sample = true;
  for (let i = 1; i * options.windowMs < options.durationMs; i++) mark(i * options.windowMs).windowEnds = true;
  mark(options.durationMs).windowEnds = true;
  return [...marks.values()].sort((a, b) => a.atMs - b.atMs);
}

const percent = (from: number, to: number) => round(((to - from) / from) * 100);

/** Judges a soak's readings and windows against the targets (nothing here looks at the clock). */
export function judgeSoak(
  input: { warmupMs: number; samples: MemoryReading[]; windows: SoakWindow[]; errors: DeliveryErrors; sendErrors: number; settled: boolean },
): Pick<SoakReport, "rss" | "heap" | "drift" | "verdicts"> {
  const { warmupMs, samples, windows } = input;
  // The first reading once the warm-up is over, and the last one.
  const startIndex = samples.findIndex((sample) => sample.atMs >= warmupMs);
  const first = startIndex >= 0 ? samples[startIndex] : undefined;
  const last = samples.length > 0 && startIndex >= 0 && startIndex < samples.length - 1 ? samples[samples.length - 1] : undefined;
  const rssValues = samples.flatMap((sample) => (sample.rssBytes === undefined ? [] : [sample.rssBytes]));
  const rss: SoakReport["rss"] = {
    atWarmupEndBytes: first?.rssBytes,
    atEndBytes: last?.rssBytes,
    growthPercent: first?.rssBytes !== undefined && last?.rssBytes !== undefined ? percent(first.rssBytes, last.rssBytes) : undefined,
    peakBytes: rssValues.length === 0 ? undefined : Math.max(...rssValues),
  };
  const heap: SoakReport["heap"] = { atWarmupEndBytes: first?.heapUsedBytes, atEndBytes: last?.heapUsedBytes };
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const rssGrowth: SoakVerdict =
    rss.growthPercent === undefined || rss.atWarmupEndBytes === undefined || rss.atEndBytes === undefined
      ? { status: "not judged", detail: "no RSS reading after the warm-up and at the end" }
      : {
          status: rss.growthPercent < MAX_RSS_GROWTH_PERCENT ? "met" : "missed",
          detail: `${mib(rss.atWarmupEndBytes)} → ${mib(rss.atEndBytes)} (${rss.growthPercent >= 0 ? "+" : ""}${rss.growthPercent} %)`,
        };

  // The first window that starts once the warm-up is over, and the last one; each must have messages.
  const after = windows.filter((window) => window.startMs >= warmupMs && window.latencyMs.count > 0);
  const firstWindow = after.length >= 2 ? after[0] : undefined;
  const lastWindow = after.length >= 2 ? after[after.length - 1] : undefined;
  const drift: SoakReport["drift"] = {
    firstP99Ms: firstWindow?.latencyMs.p99,
    lastP99Ms: lastWindow?.latencyMs.p99,
    ratio: firstWindow && lastWindow && firstWindow.latencyMs.p99 > 0 ? round(lastWindow.latencyMs.p99 / firstWindow.latencyMs.p99) : undefined,
  };
  const latencyDrift: SoakVerdict =
    drift.ratio === undefined
      ? { status: "not judged", detail: "fewer than two windows with messages after the warm-up" }
      : { status: drift.ratio <= MAX_P99_DRIFT ? "met" : "missed", detail: `p99 ${drift.firstP99Ms} ms → ${drift.lastP99Ms} ms (${drift.ratio} ×)` };

  const { lost, duplicated, outOfOrder } = input.errors;
  const deliveryErrors: SoakVerdict = {
    status: lost + duplicated + outOfOrder + input.sendErrors === 0 ? "met" : "missed",
    detail: `${lost} lost, ${duplicated} duplicated, ${outOfOrder} out of order, ${input.sendErrors} sends refused${input.settled ? "" : "; the traffic did not drain"}`,
  };
  return { rss, heap, drift, verdicts: { rssGrowth, latencyDrift, deliveryErrors } };
}

/** The server's memory now, summed over its nodes; a part that cannot be read is left undefined. */
async function readMemory(nodes: ServerProcess[], atMs: number): Promise<MemoryReading> {
  let rss: number | undefined = 0;
  let heap: number | undefined = 0;
  for (const node of nodes) {
    const bytes = rssBytes(node.pid);
    rss = rss === undefined || bytes === undefined ? undefined : rss + bytes;
    try {
      const memory = await node.memory({ collectGarbage: false, timeoutMs: HEAP_READING_TIMEOUT_MS });
      heap = heap === undefined ? undefined : heap + memory.heapUsed;
    } catch {
      heap = undefined;
    }
  }
  return { atMs, rssBytes: rss, heapUsedBytes: heap };
}

const clock = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")}`;

export async function runSoak(
  deployment: SoakDeployment,
  workload: SoakWorkload,
  options: SoakOptions,
  log: (line: string) => void,
): Promise<SoakReport> {
  const load = new LoadProcess();
  const samples: MemoryReading[] = [];
  const windows: SoakWindow[] = [];
  let stopped: { errors: DeliveryErrors; settled: boolean } | undefined;
  let sendErrors = 0;
  try {
    await load.request(
      {
        type: "setup",
        target: "parley",
        serverUrls: deployment.urls,
        chats: workload.chats,
        chatsPerAgent: workload.chatsPerAgent,
        agentTokens: deployment.agentTokens,
        imageShare: workload.imageShare,
        image: workload.image,
      },
      "ready",
    );
    const cpu = new CpuMeter(deployment.nodes.map((node) => node.pid));
    await load.request({ type: "soakStart", messagesPerSecondPerParticipant: workload.messagesPerSecondPerParticipant }, "soakStarted");
    const startedAt = performance.now();
    cpu.start();
    let windowStartMs = 0;
    for (const mark of soakSchedule(options)) {
      const wait = startedAt + mark.atMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // The reading first: at the end it is taken under load, before the traffic stops.
      if (mark.sample) samples.push(await readMemory(deployment.nodes, mark.atMs));
      if (!mark.windowEnds) continue;
      let result: SoakWindowResult;
      if (mark.atMs < options.durationMs) {
        result = await load.request({ type: "soakWindow" }, "soakWindowResult");
      } else {
        const last = await load.request({ type: "soakStop", drainTimeoutMs: DRAIN_TIMEOUT_MS }, "soakStopped");
        result = last.window;
        stopped = { errors: last.errors, settled: last.settled };
      }
      const cores = cpu.stop();
      cpu.start();
      const window: SoakWindow = {
        startMs: windowStartMs,
        endMs: mark.atMs,
        sent: result.sent,
        acknowledged: result.acknowledged,
        sendErrors: result.sendErrors,
        eventsPerSecond: result.elapsedMs > 0 ? Math.round(result.events / (result.elapsedMs / 1000)) : 0,
        latencyMs: result.latency,
        textLatencyMs: result.textLatency,
        imageLatencyMs: result.imageLatency,
        ackLatencyMs: result.ackLatency,
        serverCpuCores: cores === undefined ? undefined : round(cores),
      };
      windows.push(window);
      sendErrors += result.sendErrors;
      windowStartMs = mark.atMs;
      const memory = samples[samples.length - 1];
      log(
        `  soak ${clock(window.startMs)}–${clock(window.endMs)}${window.endMs <= options.warmupMs ? " (warm-up)" : ""}: ${window.sent} sent, ` +
          `${window.eventsPerSecond} events/s, p50 ${window.latencyMs.p50} ms, p99 ${window.latencyMs.p99} ms ` +
          `(texts ${p99(window.textLatencyMs)}, images ${p99(window.imageLatencyMs)}), server CPU ${window.serverCpuCores ?? "?"} cores, ` +
          `RSS ${memory?.rssBytes === undefined ? "?" : `${(memory.rssBytes / 2 ** 20).toFixed(0)} MiB`}`,
      );
    }
  } finally {
    await load.close();
  }
  const errors = stopped?.errors ?? { lost: 0, duplicated: 0, outOfOrder: 0 };
  const settled = stopped?.settled ?? false;
  return {
    durationMs: options.durationMs,
    warmupMs: options.warmupMs,
    sampleMs: options.sampleMs,
    windowMs: options.windowMs,
    chats: workload.chats,
    messagesPerSecondPerParticipant: workload.messagesPerSecondPerParticipant,
    offeredMessagesPerSecond: round(workload.messagesPerSecondPerParticipant * workload.chats * 2, 1),
    rateSource: workload.rateSource,
    samples,
    windows,
    errors,
    sendErrors,
    settled,
    ...judgeSoak({ warmupMs: options.warmupMs, samples, windows, errors, sendErrors, settled }),
  };
}
