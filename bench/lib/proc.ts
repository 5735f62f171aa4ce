/** A process's CPU time and resident memory, read from /proc (Linux). @module */
import { readFileSync } from "node:fs";

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU time of `pid` in milliseconds, or undefined where /proc is missing. */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Resident set size of `pid` in bytes, or undefined where /proc is missing. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** Measures a process's CPU use over an interval, as a share of one core (1 = 100 %). */
export class CpuMeter {
  private startCpu: number | undefined;
  private startAt = 0;

  constructor(private readonly pids: number[]) {}

  start(): void {
    this.startCpu = this.total();
    this.startAt = performance.now();
  }

  /** Cores used on average since {@link start}. */
  stop(): number | undefined {
    const end = this.total();
    if (end === undefined || this.startCpu === undefined) return undefined;
    return (end - this.startCpu) / (performance.now() - this.startAt);
  }

  private total(): number | undefined {
    let sum = 0;
    for (const pid of this.pids) {
      const ms = cpuTimeMs(pid);
      if (ms === undefined) return undefined;
      sum += ms;
    }
    return sum;
  }
}
