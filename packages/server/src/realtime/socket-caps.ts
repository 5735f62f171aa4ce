/**
 * Open sockets counted per key (a client address, a token) with a cap, so
 * that one address or one leaked token cannot hold the node's sockets. Keys
 * are forgotten when their last socket closes: memory follows open sockets.
 * @module
 */

export class SocketCounter {
  private readonly counts = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Counts one more socket for `key`; false (and nothing counted) when the cap is reached. */
  tryAcquire(key: string): boolean {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.max) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  /** One socket counted for `key` closed. */
  release(key: string): void {
    const count = this.counts.get(key) ?? 0;
    if (count <= 1) this.counts.delete(key);
    else this.counts.set(key, count - 1);
  }
}
