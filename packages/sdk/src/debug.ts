/**
 * The optional debug logger (`init({ serverUrl, debug })`): one line per frame
 * in and out and per state change. Off by default. Secrets never reach it: the
 * token of `hello` is replaced, and file contents riding inline are replaced
 * by their length.
 * @module
 */
import type { ClientFrame, ServerFrame } from "@parley/protocol";

/** Receives one debug line. */
export type DebugLogger = (line: string) => void;

/** What `init`'s `debug` option takes: `true` logs with `console.debug`, a function gets each line. */
export type DebugOption = boolean | DebugLogger;

/** The logger an option stands for, or undefined when debugging is off. */
export function debugLogger(option: DebugOption | undefined): DebugLogger | undefined {
  if (typeof option === "function") return option;
  // eslint-disable-next-line no-console -- only when the application asked for debug lines
  if (option === true) return (line) => console.debug(`[parley] ${line}`);
  return undefined;
}

/** Longest frame text written to the log; the rest is cut (a history page can be large). */
const MAX_LINE_CHARS = 2_000;

/** Keys whose values are secret or bulky, and what the log shows instead. */
function redact(key: string, value: unknown): unknown {
  if (key === "token" && typeof value === "string") return "[redacted]";
  if ((key === "data" || key === "img" || key === "document") && typeof value === "string" && value.length > 64) {
    return `[${value.length} chars]`;
  }
  return value;
}

/** A frame as one log line: `out {"t":"hello","token":"[redacted]",…}`. */
export function frameLine(direction: "in" | "out", frame: ClientFrame | ServerFrame): string {
  const text = JSON.stringify(frame, redact);
  return `${direction} ${text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… (${text.length} chars)` : text}`;
}
