/**
 * The benchmark's own bookkeeping: percentiles, and the lost / duplicated /
 * out-of-order counts it reports. The bench itself is run with `npm run bench`,
 * never as a test.
 */
import { describe, expect, it } from "vitest";
import { DeliveryLedger } from "../bench/lib/delivery-ledger.js";
import { LatencyRecorder, percentile } from "../bench/lib/stats.js";
import { decodeMessage, encodeMessage } from "../bench/load/contact-center.js";
import { judgeStep } from "../bench/ramp.js";
import type { StepResult } from "../bench/load/messages.js";

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
