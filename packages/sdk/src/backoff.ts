/**
 * Full-jitter exponential backoff, as centrifuge-js does it: the delay before
 * reconnect attempt `step` (0-based) is `min + random × min(max, min × 2^step)`,
 * never above `max`. Jitter spreads the reconnects of many clients after a
 * server restart instead of having them all arrive at once.
 *
 * @param step - How many attempts failed in a row (0 for the first retry).
 * @param minMs - Base delay (500 ms by default in the SDK).
 * @param maxMs - Cap (20 s by default in the SDK).
 * @param random - Source of uniform numbers in [0, 1); injectable for tests.
 */
export function backoff(step: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, step), 31);
  const window = Math.min(maxMs, minMs * 2 ** exponent);
  return Math.min(maxMs, Math.floor(minMs + random() * window));
}
