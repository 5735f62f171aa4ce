/**
 * The soak's machinery, run for a few seconds against a real Parley server (the
 * built CLI, as the bench starts it) with a few chats: the readings and windows
 * it plans are all taken, every message sent is accounted for, and the report
 * has its fields and verdicts. What the figures are is the bench's business
 * (`npm run bench -- --soak <minutes>`), never a test's: nothing here is timed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePng } from "../bench/lib/png.js";
import { runSoak, type SoakReport } from "../bench/soak.js";
import { soakMarkdown } from "../bench/soak-report.js";
import { startParley, type ParleyDeployment } from "../bench/targets/parley.js";

const CHATS = 6;
const SOAK = { durationMs: 20_000, warmupMs: 5_000, sampleMs: 2_000, windowMs: 5_000 };

describe("the soak", () => {
  let parley: ParleyDeployment;
  let report: SoakReport;
  const lines: string[] = [];

  beforeAll(async () => {
    parley = await startParley({ agents: 2 });
    report = await runSoak(
      { urls: parley.urls, nodes: parley.nodes, agentTokens: parley.agentTokens },
      {
        chats: CHATS,
        chatsPerAgent: 3,
        // One message in five carries an image, so that every window has some of both.
        imageShare: 0.2,
        image: makePng(48, 48).toString("base64"),
        messagesPerSecondPerParticipant: 1,
        rateSource: "option",
      },
      SOAK,
      (line) => lines.push(line),
    );
  }, 120_000);

  afterAll(async () => {
    await parley?.stop();
  });

  it("takes every memory reading it planned, from the start to the end, each with the server's RSS", () => {
    expect(report.samples.map((sample) => sample.atMs)).toEqual([0, 2_000, 4_000, 6_000, 8_000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000]);
    for (const sample of report.samples) expect(sample.rssBytes).toBeGreaterThan(0);
    // The heap is read through the server's own event loop; a reading that did not come in time is left out, not made up.
    const heaps = report.samples.flatMap((sample) => (sample.heapUsedBytes === undefined ? [] : [sample.heapUsedBytes]));
    expect(heaps.length).toBeGreaterThan(0);
    for (const heap of heaps) expect(heap).toBeGreaterThan(0);
  });

  it("closes every window it planned, each with texts and images sent and received", () => {
    expect(report.windows.map((window) => [window.startMs, window.endMs])).toEqual([
      [0, 5_000],
      [5_000, 10_000],
      [10_000, 15_000],
      [15_000, 20_000],
    ]);
    for (const window of report.windows) {
      expect(window.sent).toBeGreaterThan(0);
      expect(window.latencyMs.count).toBe(window.textLatencyMs.count + window.imageLatencyMs.count);
      expect(window.serverCpuCores).toBeDefined();
    }
    const total = (count: (window: SoakReport["windows"][number]) => number) => report.windows.reduce((sum, window) => sum + count(window), 0);
    expect(total((window) => window.textLatencyMs.count)).toBeGreaterThan(0);
    expect(total((window) => window.imageLatencyMs.count)).toBeGreaterThan(0);
  });

  it("accounts for every message: each one sent was acknowledged and received once, in order, and none was refused", () => {
    const sent = report.windows.reduce((sum, window) => sum + window.sent, 0);
    expect(report.windows.reduce((sum, window) => sum + window.acknowledged, 0)).toBe(sent);
    expect(report.windows.reduce((sum, window) => sum + window.latencyMs.count, 0)).toBe(sent);
    expect(report.errors).toEqual({ lost: 0, duplicated: 0, outOfOrder: 0 });
    expect(report.sendErrors).toBe(0);
    expect(report.settled).toBe(true);
    expect(report.verdicts.deliveryErrors.status).toBe("met");
  });

  it("judges RSS growth and latency drift after the warm-up, and reports the run's settings and figures", () => {
    expect(report).toMatchObject({ ...SOAK, chats: CHATS, messagesPerSecondPerParticipant: 1, offeredMessagesPerSecond: CHATS * 2, rateSource: "option" });
    expect(report.rss.atWarmupEndBytes).toBe(report.samples[3]!.rssBytes);
    expect(report.rss.atEndBytes).toBe(report.samples[10]!.rssBytes);
    expect(report.rss.growthPercent).toBeDefined();
    expect(report.drift.firstP99Ms).toBe(report.windows[1]!.latencyMs.p99);
    expect(report.drift.lastP99Ms).toBe(report.windows[3]!.latencyMs.p99);
    // Met or missed is the machine's business; that they were judged is the soak's.
    expect(report.verdicts.rssGrowth.status).not.toBe("not judged");
    expect(report.verdicts.latencyDrift.status).not.toBe("not judged");
  });

  it("prints a line per window as it goes, and a Markdown section with a verdict per target and a row per window", () => {
    expect(lines.filter((line) => line.startsWith("  soak "))).toHaveLength(4);
    const markdown = soakMarkdown(report);
    expect(markdown).toMatch(/^\| RSS growth after the warm-up < 5 % \| .+ \| (met|\*\*missed\*\*) \|$/m);
    expect(markdown).toMatch(/^\| no latency drift: .+ \| (met|\*\*missed\*\*) \|$/m);
    expect(markdown).toMatch(/^\| 0 lost, duplicated or out of order \(and no send refused\) \| 0 lost, 0 duplicated, 0 out of order, 0 sends refused \| met \|$/m);
    expect(markdown.split("\n").filter((line) => /^\| \d+:\d\d–\d+:\d\d/.test(line))).toHaveLength(4);
  });
});
