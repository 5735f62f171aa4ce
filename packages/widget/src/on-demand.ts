/**
 * Parts of the widget the first view does not need (the chat connection, and
 * later the survey, emoji or rich messages) are separate chunks of the build,
 * fetched the first time they are wanted:
 *
 * ```ts
 * const survey = loadOnDemand(() => import("./ui/Survey.js"));
 * const { Survey } = await survey();
 * ```
 *
 * Each chunk is fetched once; a failed fetch (the network dropped) is tried
 * again on the next call instead of being remembered.
 * @module
 */
import { useEffect, useState } from "preact/hooks";

/** A memoised dynamic import: call it for the module, as often as needed. */
export function loadOnDemand<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

/** The module of `load` once fetched (null until then), for a component that shows a part loaded on demand. */
export function useOnDemand<T>(load: () => Promise<T>, isWanted = true): T | null {
  const [loaded, setLoaded] = useState<T | null>(null);
  useEffect(() => {
    if (!isWanted || loaded !== null) return;
    let isCurrent = true;
    load().then(
      (module) => isCurrent && setLoaded(() => module),
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [isWanted]);
  return loaded;
}
