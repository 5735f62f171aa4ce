/**
 * Judging documents on worker threads. Walking a ZIP's central directory (up
 * to 10,000 entries), its content types (up to 1 MiB) or a Compound File's
 * directory is bounded, but it is still milliseconds of work per upload that
 * hostile files can multiply; on a worker thread it never holds the event loop
 * that serves every chat of the node. A few workers take jobs from a bounded
 * queue; a job past its deadline has its worker terminated, so even a bug in a
 * parser cannot hold a thread for good; and each worker's heap is capped.
 * @module
 */
import { Worker } from "node:worker_threads";
import type { DocumentType } from "@parley/protocol";
import { ParleyError } from "../errors.js";
import type { JudgeAnswer, JudgeRequest } from "./container-messages.js";
import type { ContainerJudge, ContainerKind } from "./containers.js";

/** The bounds of {@link ContainerJudges}. */
export interface ContainerJudgesOptions {
  /** Worker threads; started when first needed. */
  workers: number;
  /** Jobs waiting for a worker; past it, `RATE_LIMITED`. */
  maxQueued: number;
  /** The most one judgement may take; past it, its worker is terminated and the file refused. */
  timeoutMs: number;
}

/** One worker and the job it is on. */
interface Judge {
  worker: Worker;
  isReady: boolean;
  job: Job | undefined;
}

interface Job {
  request: JudgeRequest;
  resolve(type: DocumentType): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/** A judge's heap: content types are at most 1 MiB, and everything else is read in small pieces. */
const HEAP_LIMIT_MB = 64;

/**
 * The worker's script. Built, it is the `.js` beside this module. When this
 * module runs from its TypeScript source (the test suite runs the server from
 * `src/`), the worker loads the source through tsx, a development dependency.
 */
function startWorker(): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: HEAP_LIMIT_MB };
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./container-worker.js", import.meta.url), { resourceLimits });
  const source = new URL("./container-worker.ts", import.meta.url).href;
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, resourceLimits });
}

export class ContainerJudges {
  private readonly judges: Judge[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private isClosed = false;

  constructor(private readonly options: ContainerJudgesOptions) {}

  /** Judgements running now. */
  get active(): number {
    return this.judges.filter((judge) => judge.job !== undefined).length;
  }

  /** Judgements waiting for a worker. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Judges a container on a worker thread.
   * @throws ParleyError as `judgeContainer` does; `RATE_LIMITED` when the queue is full;
   *   `MEDIA_PROCESSING_TIMEOUT` when the judgement takes longer than allowed
   */
  readonly judge: ContainerJudge = (kind: ContainerKind, path: string, size: number) => {
    if (this.isClosed) return Promise.reject(new ParleyError("UNAVAILABLE"));
    if (this.waiting.length >= this.options.maxQueued) {
      return Promise.reject(new ParleyError("RATE_LIMITED", "Too many documents are being checked; retry shortly.", { retryAfterMs: 1_000 }));
    }
    return new Promise<DocumentType>((resolve, reject) => {
      this.waiting.push({ request: { id: this.nextId++, kind, path, size }, resolve, reject });
      this.dispatch();
    });
  };

  /** Terminates the workers; waiting and running judgements fail. */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const job of this.waiting.splice(0)) job.reject(new ParleyError("UNAVAILABLE"));
    await Promise.all(this.judges.splice(0).map((judge) => this.retire(judge, new ParleyError("UNAVAILABLE"))));
  }

  /** Hands waiting jobs to idle, ready workers, starting workers up to the allowed number. */
  private dispatch(): void {
    for (const judge of this.judges) {
      const job = judge.isReady && judge.job === undefined ? this.waiting.shift() : undefined;
      if (job === undefined) continue;
      judge.job = job;
      job.timer = setTimeout(() => {
        void this.retire(judge, new ParleyError("MEDIA_PROCESSING_TIMEOUT", "The document took longer to check than allowed."));
        this.dispatch();
      }, this.options.timeoutMs);
      judge.worker.postMessage(job.request);
    }
    const starting = this.judges.filter((judge) => !judge.isReady).length;
    if (this.waiting.length > starting && this.judges.length < this.options.workers && !this.isClosed) this.hire();
  }

  private hire(): void {
    const judge: Judge = { worker: startWorker(), isReady: false, job: undefined };
    // An idle worker must not keep the process alive; close() terminates it anyway.
    judge.worker.unref();
    judge.worker.on("message", (answer: JudgeAnswer) => this.answered(judge, answer));
    judge.worker.on("error", (error) => void this.retire(judge, error));
    judge.worker.on("exit", () => void this.retire(judge, new Error("a document judge exited")));
    this.judges.push(judge);
  }

  private answered(judge: Judge, answer: JudgeAnswer): void {
    if ("ready" in answer) {
      judge.isReady = true;
    } else {
      const job = judge.job;
      if (job === undefined || job.request.id !== answer.id) return;
      clearTimeout(job.timer);
      judge.job = undefined;
      if ("type" in answer) job.resolve(answer.type);
      else if (answer.refusal !== undefined) job.reject(new ParleyError(answer.refusal.code, answer.refusal.message, answer.refusal.details));
      else job.reject(new Error(`judging a document failed: ${answer.fault ?? "unknown"}`));
    }
    this.dispatch();
  }

  /** Stops a worker (after a timeout, a crash or at close); its job, if any, fails with `reason`. */
  private async retire(judge: Judge, reason: Error): Promise<void> {
    const index = this.judges.indexOf(judge);
    if (index >= 0) this.judges.splice(index, 1);
    const job = judge.job;
    judge.job = undefined;
    if (job !== undefined) {
      clearTimeout(job.timer);
      job.reject(reason);
    }
    judge.worker.removeAllListeners("exit");
    // A worker that fails before it is ready would fail again: the jobs waiting for it fail now instead.
    if (!judge.isReady) for (const waiting of this.waiting.splice(0)) waiting.reject(reason);
    await judge.worker.terminate();
    if (!this.isClosed) this.dispatch();
  }
}
