/**
 * Waiting without sleeping: resolve when a condition holds, fail with a clear
 * message when it does not within the time allowed. Polling a condition is not
 * a timed assertion: the test passes as soon as the state is reached.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  describe: () => string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Reads until `accept` takes a value and returns that value (e.g. polling
 * `/readyz` until it turns red, then asserting on the answer); fails with
 * the last value read when the time allowed is over.
 */
export async function readUntil<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  describe: string,
  timeoutMs = 20_000,
): Promise<T> {
  let last: T | undefined;
  await waitFor(
    async () => accept((last = await read())),
    () => `${describe} (last read: ${JSON.stringify(last)})`,
    timeoutMs,
  );
  return last as T;
}

/**
 * Resolves with the first value an event source emits that matches, or fails after the timeout.
 * Subscribe before the action that causes the event: a value emitted earlier is not seen.
 */
export function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  matches: (value: T) => boolean = () => true,
  timeoutMs = 30_000,
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
