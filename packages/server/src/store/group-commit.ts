/**
 * Group commit: requests made in the same turn of the event loop are handed
 * to one `commitBatch` call (one transaction), and each caller's promise
 * settles only after that commit. While a batch is being committed, new
 * requests gather for the next one.
 * @module
 */

interface Pending<Req, Res> {
  request: Req;
  resolve: (result: Res) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<Req, Res> {
  /** Commits every request in one transaction; returns one result per request, in order. */
  commitBatch: (requests: Req[]) => Promise<Res[]>;
  /**
   * Commits one request alone. Used after a batch failed, so that one bad
   * request fails only its own caller.
   */
  commitOne: (request: Req) => Promise<Res>;
  /** Largest batch; bounds the length of one transaction. */
  maxBatch?: number;
  /**
   * Whether a failed batch is worth retrying request by request (default:
   * always). A store answers false when the database itself is away: every
   * retry would fail the same way, each after its own connection timeout.
   */
  isRetryableAlone?: (error: unknown) => boolean;
}

export class GroupCommitter<Req, Res> {
  private queue: Pending<Req, Res>[] = [];
  private scheduled = false;
  private running: Promise<void> | undefined;
  private readonly maxBatch: number;

  constructor(private readonly options: GroupCommitOptions<Req, Res>) {
    this.maxBatch = options.maxBatch ?? 500;
  }

  submit(request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every request submitted so far is committed (or failed). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.running !== undefined) {
      if (this.running !== undefined) await this.running;
      else await this.runBatch();
    }
  }

  private schedule(): void {
    if (this.scheduled || this.running !== undefined) return;
    this.scheduled = true;
    // setImmediate rather than a microtask: it lets every request of this turn of the loop join.
    setImmediate(() => {
      this.scheduled = false;
      if (this.running === undefined) void this.runBatch();
    });
  }

  private runBatch(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return Promise.resolve();
    this.running = this.commit(batch).finally(() => {
      this.running = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    return this.running;
  }

  private async commit(batch: Pending<Req, Res>[]): Promise<void> {
    let results: Res[];
    try {
      results = await this.options.commitBatch(batch.map((p) => p.request));
    } catch (error) {
      if (this.options.isRetryableAlone?.(error) === false) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      // The batch rolled back as a whole: retry each request alone so only the culprit fails.
      for (const pending of batch) {
        try {
          pending.resolve(await this.options.commitOne(pending.request));
        } catch (error) {
          pending.reject(error);
        }
      }
      return;
    }
    batch.forEach((pending, i) => pending.resolve(results[i] as Res));
  }
}
