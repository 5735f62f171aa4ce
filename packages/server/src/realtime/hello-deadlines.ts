/**
 * The hello deadline of every socket still shaking hands, on one timer. All
 * sockets get the same delay, so their deadlines fall in the order they
 * connected: the timer waits for the oldest one only. A socket leaves the
 * queue once its deadline passed or it closed; a timer per socket would cost
 * a `Timeout` and a closure each, for as long as the socket lived.
 * @module
 */

export class HelloDeadlines<K = object> {
  /** Insertion-ordered: the first entry has the nearest deadline. */
  private readonly deadlines = new Map<K, number>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param timeoutMs - Time from connecting to the deadline.
   * @param expire - Called once per socket whose deadline passed (it checks whether hello came).
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly expire: (key: K) => void,
  ) {}

  add(key: K): void {
    this.deadlines.set(key, Date.now() + this.timeoutMs);
    if (this.timer === undefined) this.schedule(this.timeoutMs);
  }

  /** The socket closed: its deadline no longer matters. */
  forget(key: K): void {
    this.deadlines.delete(key);
  }

  clear(): void {
    this.deadlines.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => this.sweep(), Math.max(0, delayMs));
    this.timer.unref();
  }

  private sweep(): void {
    this.timer = undefined;
    const now = Date.now();
    for (const [key, deadline] of this.deadlines) {
      if (deadline > now) {
        this.schedule(deadline - now);
        return;
      }
      this.deadlines.delete(key);
      this.expire(key);
    }
  }
}
