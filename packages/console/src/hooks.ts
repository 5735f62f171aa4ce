import { useEffect, useState } from "preact/hooks";
import type { Desk } from "./desk.js";

/** Re-renders the caller whenever the desk changes. */
export function useDesk(desk: Desk): void {
  const [, setVersion] = useState(0);
  useEffect(() => desk.subscribe(() => setVersion((v) => v + 1)), [desk]);
}

/** The current time, ticking every `everyMs` (for waiting times). */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
