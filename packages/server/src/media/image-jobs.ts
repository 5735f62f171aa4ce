/**
 * How many images are worked on at once, on this node and for one client.
 *
 * sharp runs each image pipeline on a thread of libuv's pool (4 threads unless
 * `UV_THREADPOOL_SIZE` says otherwise): the same threads that read and write
 * files, inflate, and hash passwords for logins. A handful of costly images
 * once held every thread for many seconds, and logins and uploads of everyone
 * else waited that long. So images run a few at a time, fewer than the pool
 * has threads; the rest wait their turn in a bounded queue, and one client
 * cannot have more than its share in progress. A refusal is `RATE_LIMITED` with
 * `retryAfterMs`, like every other limit of a client's pace.
 * @module
 */
import { ParleyError } from "../errors.js";

/** The bounds of {@link ImageJobs}. */
export interface ImageJobLimits {
  /** Jobs running at once; below the thread pool's size, so other work always finds a thread. */
  concurrent: number;
  /** Jobs ready to run (their file complete) waiting for a turn. */
  queued: number;
  /** Jobs one client may hold at once, running or waiting. */
  perClient: number;
}

/** A place held by one admitted job: run the job in it, then release it. */
export interface ImageJobPlace {
  /** Waits for a turn, runs `job`, and gives the turn to the next one. Call once. */
  run<T>(job: () => Promise<T>): Promise<T>;
  /** Gives the place back. Idempotent; call it whether or not the job ran. */
  release(): void;
}

/** A guess of how long a job takes until one has been measured. */
const FIRST_ESTIMATE_MS = 1_000;
/** Weight of the latest job in the running average of durations. */
const AVERAGE_WEIGHT = 0.2;

export class ImageJobs {
  private running = 0;
  private readonly turns: (() => void)[] = [];
  private readonly byClient = new Map<string, number>();
  private averageMs = FIRST_ESTIMATE_MS;
  /** Deferred jobs admitted whose turn has not been asked for yet: they count against the queue. */
  private reserved = 0;

  constructor(private readonly limits: ImageJobLimits) {}

  /** Jobs running now. */
  get active(): number {
    return this.running;
  }

  /** Jobs waiting for a turn, with deferred jobs admitted but not yet asking for it. */
  get queued(): number {
    return this.turns.length + this.reserved;
  }

  /**
   * Admits one job of `client` (its address, or another key for one sender)
   * before its bytes are even read: a client over its share is refused at
   * once. The node's queue is checked when the job asks for its turn, once its
   * file is complete, so slow uploads never hold places in it.
   * @throws ParleyError `RATE_LIMITED` with `details.retryAfterMs` when the
   *   client already holds `perClient` places
   */
  admit(client: string): ImageJobPlace {
    return this.place(client);
  }

  /**
   * Admits one job that will run after its message has committed (an image
   * sent inline). Its place in the queue is checked now, while the send can
   * still be refused; once admitted, its turn is never refused. It counts in
   * no client's share: it is held until the image is processed, long after
   * the send, and a sender is already paced by its message rate; a share
   * refusal would only stall its later sends (they are held behind a refused
   * one so as not to overtake it).
   * @throws ParleyError `RATE_LIMITED` with `details.retryAfterMs` when the queue is full
   */
  admitDeferred(): ImageJobPlace {
    const ahead = this.turns.length + this.reserved;
    if (this.running >= this.limits.concurrent && ahead >= this.limits.queued) {
      throw this.refusal(Math.ceil((ahead + 1) / this.limits.concurrent));
    }
    return this.resumed();
  }

  /**
   * A place for a job resumed at start (its message committed before a
   * crash): no client's share, and its turn is never refused. Resume them one
   * at a time so they add at most one job to the queue.
   */
  resumed(): ImageJobPlace {
    return this.unshared();
  }

  /** A place in no client's share whose turn is never refused (the queue was checked, or is bypassed on purpose). */
  private unshared(): ImageJobPlace {
    this.reserved += 1;
    let isReleased = false;
    let isReserved = true;
    const unreserve = (): void => {
      if (isReserved) this.reserved -= 1;
      isReserved = false;
    };
    return {
      run: (job) => {
        unreserve();
        return this.runInTurn(job, true);
      },
      release: () => {
        if (isReleased) return;
        isReleased = true;
        unreserve();
      },
    };
  }

  private place(client: string): ImageJobPlace {
    const held = this.byClient.get(client) ?? 0;
    if (held >= this.limits.perClient) throw this.refusal(1);
    this.byClient.set(client, held + 1);
    let isReleased = false;
    return {
      run: (job) => this.runInTurn(job, false),
      release: () => {
        if (isReleased) return;
        isReleased = true;
        const left = (this.byClient.get(client) ?? 1) - 1;
        if (left === 0) this.byClient.delete(client);
        else this.byClient.set(client, left);
      },
    };
  }

  /** @throws ParleyError `RATE_LIMITED` when every turn is taken and the queue is full */
  private async runInTurn<T>(job: () => Promise<T>, isAdmitted: boolean): Promise<T> {
    if (this.running < this.limits.concurrent) {
      this.running += 1;
    } else {
      if (!isAdmitted && this.turns.length >= this.limits.queued) throw this.refusal(Math.ceil((this.turns.length + 1) / this.limits.concurrent));
      await new Promise<void>((resolve) => this.turns.push(resolve));
    }
    const started = performance.now();
    try {
      return await job();
    } finally {
      this.averageMs += AVERAGE_WEIGHT * (performance.now() - started - this.averageMs);
      // The turn passes straight to the next job waiting, so `running` never dips and lets a newcomer jump the queue.
      const next = this.turns.shift();
      if (next !== undefined) next();
      else this.running -= 1;
    }
  }

  /** `RATE_LIMITED`, saying to retry after about `jobsAhead` rounds of jobs. */
  private refusal(jobsAhead: number): ParleyError {
    const retryAfterMs = Math.max(100, Math.ceil(this.averageMs * Math.max(1, jobsAhead)));
    return new ParleyError("RATE_LIMITED", "Too many images are being processed; retry shortly.", { retryAfterMs });
  }
}
