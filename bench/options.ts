/** The bench's command line, with the defaults bench/README.md documents. @module */
import { parseArgs } from "node:util";

export interface BenchOptions {
  quick: boolean;
  json?: string;
  writeDocs: boolean;
  cluster: boolean;
  chats: number;
  chatsPerAgent: number;
  /** Messages per second per participant at the first step. */
  startRate: number;
  /** Each step offers this many times the previous one's rate. */
  rampFactor: number;
  maxSteps: number;
  stepMs: number;
  drainTimeoutMs: number;
  /** A step is sustained only if its p99 is at most this. */
  maxP99Ms: number;
  imageShare: number;
  /** Times a step that only missed the latency bound is run again. */
  stepRetries: number;
  idleSockets: number;
  /** How long the idle sockets sit idle before the server's memory is read again. */
  idleSettleMs: number;
  /** Which parts to run. */
  skipBaseline: boolean;
  skipIdle: boolean;
  skipRamp: boolean;
  /** Directory for the Parley server's CPU profile (`node --cpu-prof`). */
  cpuProfile?: string;
  /** The soak, when asked for (`--soak <minutes>`). */
  soak?: SoakOptions;
}

/** The soak: Parley at a fixed rate for a long time, its memory and latency watched. */
export interface SoakOptions {
  durationMs: number;
  /**
   * Messages per second per participant (`--soak-rate`); without it, half the
   * rate of the highest step the ramp sustained in the same run.
   */
  messagesPerSecondPerParticipant?: number;
  /** What comes before it is not judged: caches fill, the JIT settles, the heap finds its size. */
  warmupMs: number;
  /** The server's memory is read this often. */
  sampleMs: number;
  /** Latency percentiles are taken over windows this long (a minute by default). */
  windowMs: number;
}

export const USAGE = `npm run bench -- [options]
  --quick                 a short run (under 60 s): 30 chats, 2 s steps, at most 5 of them, 1,000 idle sockets
  --json <file>           write the results as JSON
  --write-docs            rewrite the results section of docs/performance.md
  --cluster               two Parley nodes on PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)
  --chats <n>             concurrent chats (default 200; quick 30)
  --chats-per-agent <n>   chats an agent serves on one socket (default 5)
  --start-rate <r>        messages/s per participant at the first step (default 0.5; quick 2)
  --ramp-factor <f>       rate multiplier between steps (default 1.5; quick 2)
  --max-steps <n>         steps at most per target (default 12; quick 5)
  --step-seconds <s>      length of a step (default 10; quick 2)
  --max-p99 <ms>          latency bound of a sustained step (default 50)
  --step-retries <n>      runs of a step that only missed the latency bound, again (default 1)
  --image-share <0..1>    share of messages carrying a small image (default 0.05)
  --idle-sockets <n>      sockets of the idle test (default 20000; quick 1000)
  --idle-settle-seconds <s>  idle time before the idle test reads memory again (default 30; quick 5)
  --no-baseline | --no-idle | --no-ramp    skip a part
  --cpu-prof <dir>        write a CPU profile of the Parley server there (under the ramp)
  --soak <minutes>        then run Parley that long at half the highest sustained rate, watching memory and latency
  --soak-rate <r>         the soak's messages/s per participant, instead of half the ramp's (implies --no-ramp)
  --soak-warmup <minutes> not judged at the start of the soak (default 10 % of it, at least 1, at most half)
  --soak-sample-seconds <s>  the server's memory read this often (default 10)
  --soak-window-seconds <s>  latency percentiles over windows this long (default 60)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: "boolean", default: false },
      json: { type: "string" },
      "write-docs": { type: "boolean", default: false },
      cluster: { type: "boolean", default: false },
      chats: { type: "string" },
      "chats-per-agent": { type: "string" },
      "start-rate": { type: "string" },
      "ramp-factor": { type: "string" },
      "max-steps": { type: "string" },
      "step-seconds": { type: "string" },
      "max-p99": { type: "string" },
      "image-share": { type: "string" },
      "step-retries": { type: "string" },
      "idle-sockets": { type: "string" },
      "idle-settle-seconds": { type: "string" },
      "no-baseline": { type: "boolean", default: false },
      "no-idle": { type: "boolean", default: false },
      "no-ramp": { type: "boolean", default: false },
      "cpu-prof": { type: "string" },
      soak: { type: "string" },
      "soak-rate": { type: "string" },
      "soak-warmup": { type: "string" },
      "soak-sample-seconds": { type: "string" },
      "soak-window-seconds": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const number = (name: keyof typeof values, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number between ${min} and ${max}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const options: BenchOptions = {
    quick,
    writeDocs: values["write-docs"],
    cluster: values.cluster,
    chats: Math.round(number("chats", quick ? 30 : 200, 1, 5000)),
    chatsPerAgent: Math.round(number("chats-per-agent", 5, 1, 200)),
    startRate: number("start-rate", quick ? 2 : 0.5, 0.01),
    rampFactor: number("ramp-factor", quick ? 2 : 1.5, 1.05),
    maxSteps: Math.round(number("max-steps", quick ? 5 : 12, 1, 100)),
    stepMs: number("step-seconds", quick ? 2 : 10, 0.5) * 1000,
    drainTimeoutMs: 5_000,
    maxP99Ms: number("max-p99", 50, 1),
    imageShare: number("image-share", 0.05, 0, 1),
    stepRetries: Math.round(number("step-retries", 1, 0, 10)),
    idleSockets: Math.round(number("idle-sockets", quick ? 1000 : 20_000, 1, 100_000)),
    idleSettleMs: number("idle-settle-seconds", quick ? 5 : 30, 0, 600) * 1000,
    skipBaseline: values["no-baseline"],
    skipIdle: values["no-idle"],
    skipRamp: values["no-ramp"],
  };
  if (values.json !== undefined) options.json = values.json;
  if (values["cpu-prof"] !== undefined) options.cpuProfile = values["cpu-prof"];
  for (const name of ["soak-rate", "soak-warmup", "soak-sample-seconds", "soak-window-seconds"] as const) {
    if (values[name] !== undefined && values.soak === undefined) throw new Error(`--${name} needs --soak <minutes>`);
  }
  if (values.soak !== undefined) {
    const durationMs = number("soak", 0, 0.05, 24 * 60) * 60_000;
    // A tenth of the soak, but at least a minute — and never more than half of a short one.
    const defaultWarmupMs = Math.min(Math.max(durationMs / 10, 60_000), durationMs / 2);
    const warmupMs = number("soak-warmup", defaultWarmupMs / 60_000, 0) * 60_000;
    if (warmupMs >= durationMs) throw new Error(`--soak-warmup must be shorter than the soak (${durationMs / 60_000} min)`);
    const soak: SoakOptions = {
      durationMs,
      warmupMs,
      sampleMs: number("soak-sample-seconds", 10, 0.5) * 1000,
      windowMs: number("soak-window-seconds", 60, 1) * 1000,
    };
    if (values["soak-rate"] !== undefined) {
      soak.messagesPerSecondPerParticipant = number("soak-rate", 0, 0.01);
      // The rate is given: no ramp is needed to find it.
      options.skipRamp = true;
    } else if (options.skipRamp) {
      throw new Error("--soak without --soak-rate takes half the rate the ramp sustains: it cannot run with --no-ramp");
    }
    options.soak = soak;
  }
  return options;
}
