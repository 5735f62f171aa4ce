/**
 * The benchmark's own bookkeeping: percentiles, and the lost / duplicated /
 * out-of-order counts it reports. The bench itself is run with `npm run bench`,
 * never as a test.
 */
import { describe, expect, it } from "vitest";
import { DeliveryLedger } from "../bench/lib/delivery-ledger.js";
import { LatencyRecorder, percentile } from "../bench/lib/stats.js";
import { decodeMessage, encodeMessage } from "../bench/load/contact-center.js";
import { judgeStep, type StepReport } from "../bench/ramp.js";
import { textLatencyVerdict } from "../bench/report.js";
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
