/** Latency summaries: exact percentiles over every sample of a step (a step holds at most a few hundred thousand). @module */

/** Percentiles of a latency distribution, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * The nearest-rank percentile (`p` in 0..100) of ascending `sorted` samples:
 * the smallest sample at or below which `p` % of the samples lie.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  if (p <= 0) return sorted[0]!;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** Collects latency samples and summarises them. */
export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private length = 0;

  record(ms: number): void {
    if (this.length === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.length++] = ms;
  }

  get count(): number {
    return this.length;
  }

  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.length).sort();
    return {
      count: this.length,
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(this.length === 0 ? 0 : sorted[this.length - 1]!),
    };
  }

  reset(): void {
    this.length = 0;
  }
}

/** "p50 / p99" of a summary, or "–" when it has no samples (a short step may carry no image at all). */
export function p50p99(summary: LatencySummary): string {
  return summary.count === 0 ? "–" : `${summary.p50} / ${summary.p99}`;
}

/** The p99 of a summary, or "–" when it has no samples. */
export function p99(summary: LatencySummary): string {
  return summary.count === 0 ? "–" : String(summary.p99);
}

/** Two decimals: latencies are reported in ms with 0.01 ms resolution. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
