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
  /** Which parts to run. */
  skipBaseline: boolean;
  skipIdle: boolean;
  skipRamp: boolean;
  /** Directory for the Parley server's CPU profile (`node --cpu-prof`). */
  cpuProfile?: string;
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
  --no-baseline | --no-idle | --no-ramp    skip a part
  --cpu-prof <dir>        write a CPU profile of the Parley server there`;

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
      "no-baseline": { type: "boolean", default: false },
      "no-idle": { type: "boolean", default: false },
      "no-ramp": { type: "boolean", default: false },
      "cpu-prof": { type: "string" },
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
    skipBaseline: values["no-baseline"],
    skipIdle: values["no-idle"],
    skipRamp: values["no-ramp"],
  };
  if (values.json !== undefined) options.json = values.json;
  if (values["cpu-prof"] !== undefined) options.cpuProfile = values["cpu-prof"];
  return options;
}
