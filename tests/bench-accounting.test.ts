/**
 * The benchmark's own bookkeeping: percentiles, and the lost / duplicated /
 * out-of-order counts it reports. The bench itself is run with `npm run bench`,
 * never as a test.
 */
import { describe, expect, it } from "vitest";
import { DeliveryLedger } from "../bench/lib/delivery-ledger.js";
import { LatencyRecorder, percentile } from "../bench/lib/stats.js";
import { decodeMessage, encodeMessage } from "../bench/load/contact-center.js";
import { parseOptions } from "../bench/options.js";
import { judgeStep, type StepReport } from "../bench/ramp.js";
import { textLatencyVerdict } from "../bench/report.js";
import { judgeSoak, soakSchedule, type MemoryReading, type SoakWindow } from "../bench/soak.js";
import type { StepResult } from "../bench/load/messages.js";
import type { LatencySummary } from "../bench/lib/stats.js";

describe("percentiles", () => {
  it("are nearest-rank: the smallest sample with p % of the samples at or below it", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });

  it("a recorder summarises samples given in any order, and starts afresh after a reset", () => {
    const recorder = new LatencyRecorder();
    for (const ms of [5, 1, 4, 2, 3, 100, 6, 7, 8, 9]) recorder.record(ms);
    expect(recorder.summary()).toEqual({ count: 10, p50: 5, p95: 100, p99: 100, max: 100 });
    recorder.reset();
    expect(recorder.summary()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
    // More samples than the first allocation.
    for (let i = 2000; i >= 1; i--) recorder.record(i / 10);
    expect(recorder.summary()).toMatchObject({ count: 2000, p50: 100, p99: 198, max: 200 });
  });
});

describe("delivery ledger", () => {
  it("counts nothing when every acknowledged message arrived once, in order", () => {
    const ledger = new DeliveryLedger();
    for (let n = 1; n <= 3; n++) {
      ledger.acknowledged("chat1:customer", n);
      ledger.received("chat1:customer", n);
    }
    expect(ledger.isSettled()).toBe(true);
    expect(ledger.errors()).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0 });
  });

  it("counts a message that arrived twice as duplicated, once", () => {
    const ledger = new DeliveryLedger();
    ledger.acknowledged("s", 2);
    ledger.received("s", 1);
    ledger.received("s", 2);
    ledger.received("s", 2);
    expect(ledger.errors()).toEqual({ lost: 0, duplicated: 1, outOfOrder: 0 });
  });

  it("counts a message that arrived after a later one as out of order", () => {
    const ledger = new DeliveryLedger();
    ledger.acknowledged("s", 3);
    ledger.received("s", 1);
    ledger.received("s", 3);
    ledger.received("s", 2);
    expect(ledger.errors()).toEqual({ lost: 0, duplicated: 0, outOfOrder: 1 });
  });

  it("counts acknowledged messages that never arrived as lost, and is not settled while they are missing", () => {
    const ledger = new DeliveryLedger();
    ledger.acknowledged("a", 4);
    ledger.received("a", 1);
    ledger.received("a", 4);
    ledger.acknowledged("b", 1);
    expect(ledger.isSettled()).toBe(false);
    expect(ledger.errors()).toEqual({ lost: 3, duplicated: 0, outOfOrder: 0 });
  });

  it("keeps streams apart: the same number in two chats is two messages", () => {
    const ledger = new DeliveryLedger();
    ledger.acknowledged("chat1:agent", 1);
    ledger.acknowledged("chat2:agent", 1);
    ledger.received("chat1:agent", 1);
    ledger.received("chat2:agent", 1);
    expect(ledger.errors()).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0 });
  });

  it("a message received before its sender's acknowledgment is not lost", () => {
    const ledger = new DeliveryLedger();
    ledger.received("s", 1);
    ledger.acknowledged("s", 1);
    expect(ledger.isSettled()).toBe(true);
    expect(ledger.errors().lost).toBe(0);
  });
});

describe("bench messages", () => {
  it("carry the sender's number and the send time, and anything else is not a bench message", () => {
    expect(decodeMessage(encodeMessage(42, 1_700_000_000_123.456))).toEqual({ n: 42, sentAt: 1_700_000_000_123.456 });
    expect(decodeMessage("hello")).toBeUndefined();
  });
});

describe("a step of the ramp", () => {
  const step = (overrides: Partial<StepResult>): StepResult => ({
    type: "stepResult",
    offered: 100,
    sent: 100,
    acknowledged: 100,
    sendErrors: 0,
    events: 500,
    elapsedMs: 1000,
    latency: { count: 100, p50: 2, p95: 10, p99: 20, max: 30 },
    textLatency: { count: 95, p50: 2, p95: 9, p99: 15, max: 20 },
    imageLatency: { count: 5, p50: 8, p95: 30, p99: 30, max: 30 },
    ackLatency: { count: 100, p50: 2, p95: 10, p99: 20, max: 30 },
    errors: { lost: 0, duplicated: 0, outOfOrder: 0 },
    settled: true,
    ...overrides,
  });

  it("is sustained within the latency bound, drained, with nothing refused or wrong", () => {
    expect(judgeStep(step({}), 50)).toEqual({ sustained: true, verdict: "sustained" });
  });

  it("is not sustained past the p99 bound, with errors, refusals, or traffic left over", () => {
    expect(judgeStep(step({ latency: { count: 100, p50: 2, p95: 10, p99: 51, max: 60 } }), 50).sustained).toBe(false);
    expect(judgeStep(step({ errors: { lost: 1, duplicated: 0, outOfOrder: 0 } }), 50).verdict).toMatch(/1 lost/);
    expect(judgeStep(step({ sendErrors: 2 }), 50).verdict).toMatch(/2 sends refused/);
    expect(judgeStep(step({ settled: false }), 50).verdict).toMatch(/did not drain/);
  });
});

describe("texts' latency apart from images'", () => {
  const latency = (p99: number): LatencySummary => ({ count: 100, p50: p99 / 2, p95: p99, p99, max: p99 });
  const step = (offered: number, textP99: number, imageP99: number, sustained: boolean): StepReport => ({
    messagesPerSecondPerParticipant: offered / 60,
    offeredMessagesPerSecond: offered,
    eventsPerSecond: offered * 5,
    latencyMs: latency(Math.max(textP99, imageP99)),
    textLatencyMs: latency(textP99),
    imageLatencyMs: latency(imageP99),
    ackLatencyMs: latency(5),
    serverCpuCores: 0.5,
    loadCpuCores: 0.3,
    eventsPerCpuSecond: offered * 10,
    serverRssBytes: 100 * 2 ** 20,
    errors: { lost: 0, duplicated: 0, outOfOrder: 0 },
    sendErrors: 0,
    settled: true,
    sustained,
    verdict: sustained ? "sustained" : "p99 over the bound",
  });

  it("the texts' target is met when their p99 stays within the bound at every sustained step, whatever the images' latency", () => {
    const verdict = textLatencyVerdict([step(100, 10, 40, true), step(200, 30, 45, true), step(400, 900, 2000, false)], 50);
    expect(verdict).toMatch(/: met \(highest 30 ms, at 200 messages\/s; images' p99 there 45 ms\)/);
  });

  it("is missed, naming the step, when the texts' p99 went over the bound at a sustained step", () => {
    expect(textLatencyVerdict([step(100, 10, 20, true), step(200, 60, 20, true)], 50)).toMatch(/\*\*missed\*\* \(highest 60 ms, at 200 messages\/s/);
  });

  it("is not judged when no step was sustained", () => {
    expect(textLatencyVerdict([step(100, 80, 90, false)], 50)).toMatch(/not judged/);
  });
});

describe("the soak's options", () => {
  it("default to a warm-up of a tenth of the soak, at least a minute, at most half of it; readings every 10 s, windows of a minute", () => {
    expect(parseOptions(["--soak", "30"]).soak).toEqual({ durationMs: 1_800_000, warmupMs: 180_000, sampleMs: 10_000, windowMs: 60_000 });
    expect(parseOptions(["--soak", "5"]).soak?.warmupMs).toBe(60_000);
    expect(parseOptions(["--soak", "1"]).soak?.warmupMs).toBe(30_000);
    expect(parseOptions(["--soak", "0.5", "--soak-warmup", "0.1", "--soak-sample-seconds", "2", "--soak-window-seconds", "5"]).soak).toEqual({
      durationMs: 30_000,
      warmupMs: 6_000,
      sampleMs: 2_000,
      windowMs: 5_000,
    });
  });

  it("take half the ramp's rate, unless --soak-rate gives one, which skips the ramp", () => {
    const fromRamp = parseOptions(["--soak", "30"]);
    expect(fromRamp.soak?.messagesPerSecondPerParticipant).toBeUndefined();
    expect(fromRamp.skipRamp).toBe(false);
    const given = parseOptions(["--soak", "2", "--soak-rate", "1.5"]);
    expect(given.soak?.messagesPerSecondPerParticipant).toBe(1.5);
    expect(given.skipRamp).toBe(true);
    expect(parseOptions([]).soak).toBeUndefined();
  });

  it("refuse what cannot run: soak settings without --soak, no ramp and no rate, a warm-up as long as the soak, no duration", () => {
    expect(() => parseOptions(["--soak-rate", "1"])).toThrow(/--soak-rate needs --soak/);
    expect(() => parseOptions(["--soak", "1", "--no-ramp"])).toThrow(/cannot run with --no-ramp/);
    expect(() => parseOptions(["--soak", "1", "--soak-warmup", "1"])).toThrow(/--soak-warmup must be shorter/);
    expect(() => parseOptions(["--soak", "0"])).toThrow(/--soak must be a number/);
    expect(() => parseOptions(["--soak", "2", "--soak-rate", "0"])).toThrow(/--soak-rate must be a number/);
  });
});

describe("the soak's schedule", () => {
  it("plans a memory reading every sample interval from the start to the end, and a window end every window and at the end", () => {
    const marks = soakSchedule({ durationMs: 20_000, sampleMs: 2_000, windowMs: 5_000 });
    expect(marks.filter((mark) => mark.sample).map((mark) => mark.atMs)).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000]);
    expect(marks.filter((mark) => mark.windowEnds).map((mark) => mark.atMs)).toEqual([5_000, 10_000, 15_000, 20_000]);
    expect(marks[marks.length - 1]).toEqual({ atMs: 20_000, sample: true, windowEnds: true });
  });

  it("ends the last window at the end when the soak is not a whole number of windows", () => {
    const marks = soakSchedule({ durationMs: 25_000, sampleMs: 10_000, windowMs: 10_000 });
    expect(marks).toEqual([
      { atMs: 0, sample: true, windowEnds: false },
      { atMs: 10_000, sample: true, windowEnds: true },
      { atMs: 20_000, sample: true, windowEnds: true },
      { atMs: 25_000, sample: true, windowEnds: true },
    ]);
  });
});

describe("the soak's verdicts", () => {
  const MiB = 2 ** 20;
  const reading = (atMs: number, rssMiB: number): MemoryReading => ({ atMs, rssBytes: rssMiB * MiB, heapUsedBytes: rssMiB * MiB * 0.4 });
  const window = (startMs: number, p99: number, count = 100): SoakWindow => {
    const latency = { count, p50: p99 / 4, p95: p99 / 2, p99, max: p99 * 2 };
    return {
      startMs,
      endMs: startMs + 60_000,
      sent: count,
      acknowledged: count,
      sendErrors: 0,
      eventsPerSecond: 10,
      latencyMs: latency,
      textLatencyMs: latency,
      imageLatencyMs: latency,
      ackLatencyMs: latency,
      serverCpuCores: 0.2,
    };
  };
  const clean = { errors: { lost: 0, duplicated: 0, outOfOrder: 0 }, sendErrors: 0, settled: true };
  // A warm-up of a minute, in which memory climbs and latency is high: neither counts.
  const samples = [reading(0, 50), reading(30_000, 90), reading(60_000, 100), reading(120_000, 102), reading(180_000, 104)];
  const windows = [window(0, 200), window(60_000, 10), window(120_000, 14)];

  it("measure RSS growth from the first reading after the warm-up to the last, and drift from the first window after it to the last", () => {
    const judged = judgeSoak({ warmupMs: 60_000, samples, windows, ...clean });
    expect(judged.rss).toEqual({ atWarmupEndBytes: 100 * MiB, atEndBytes: 104 * MiB, growthPercent: 4, peakBytes: 104 * MiB });
    expect(judged.heap).toEqual({ atWarmupEndBytes: 40 * MiB, atEndBytes: 104 * MiB * 0.4 });
    expect(judged.drift).toEqual({ firstP99Ms: 10, lastP99Ms: 14, ratio: 1.4 });
    expect(judged.verdicts.rssGrowth).toEqual({ status: "met", detail: "100.0 MiB → 104.0 MiB (+4 %)" });
    expect(judged.verdicts.latencyDrift).toEqual({ status: "met", detail: "p99 10 ms → 14 ms (1.4 ×)" });
    expect(judged.verdicts.deliveryErrors).toEqual({ status: "met", detail: "0 lost, 0 duplicated, 0 out of order, 0 sends refused" });
  });

  it("are missed at 5 % of RSS growth, past 1.5 × the first p99, and at any error or refused send", () => {
    const judged = judgeSoak({
      warmupMs: 60_000,
      samples: [...samples, reading(240_000, 105)],
      windows: [...windows, window(180_000, 16)],
      errors: { lost: 1, duplicated: 0, outOfOrder: 2 },
      sendErrors: 3,
      settled: false,
    });
    expect(judged.verdicts.rssGrowth.status).toBe("missed");
    expect(judged.verdicts.latencyDrift).toEqual({ status: "missed", detail: "p99 10 ms → 16 ms (1.6 ×)" });
    expect(judged.verdicts.deliveryErrors).toEqual({
      status: "missed",
      detail: "1 lost, 0 duplicated, 2 out of order, 3 sends refused; the traffic did not drain",
    });
    expect(judgeSoak({ warmupMs: 60_000, samples, windows, ...clean, sendErrors: 1 }).verdicts.deliveryErrors.status).toBe("missed");
  });

  it("are not judged without a reading or two windows with messages after the warm-up, nor without /proc", () => {
    const early = judgeSoak({ warmupMs: 60_000, samples: samples.slice(0, 3), windows: [window(0, 5), window(60_000, 5), window(120_000, 5, 0)], ...clean });
    expect(early.verdicts.rssGrowth.status).toBe("not judged");
    expect(early.verdicts.latencyDrift.status).toBe("not judged");
    expect(early.verdicts.deliveryErrors.status).toBe("met");
    const noProc = judgeSoak({ warmupMs: 60_000, samples: samples.map((s) => ({ ...s, rssBytes: undefined })), windows, ...clean });
    expect(noProc.verdicts.rssGrowth.status).toBe("not judged");
  });
});
