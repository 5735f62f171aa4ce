/**
 * Waiting without sleeping: resolve when a condition holds, fail with a clear
 * message when it does not within the time allowed. Polling a condition is not
 * a timed assertion: the test passes as soon as the state is reached.
 */
export async function waitFor(
  condition: () => boolean,
  describe: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with the first value an event source emits that matches, or fails after the timeout. */
export function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  matches: (value: T) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error("timed out waiting for an event"));
    }, timeoutMs);
    const unsubscribe = subscribe((value) => {
      if (!matches(value)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}
