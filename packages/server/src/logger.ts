import { pino, type DestinationStream, type Logger } from "pino";
import { redactText, redactUrl } from "./redact.js";

export type { Logger };

/** Log levels accepted by `LOG_LEVEL` and the `logLevel` option. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Headers and fields that carry a credential, wherever they appear in a log line. */
const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.ctlivetoken",
  "req.headers.cookie",
  "headers.authorization",
  "headers.ctlivetoken",
  "headers.cookie",
  "body.password",
  "body.token",
  "token",
  "password",
  "secret",
  "*.token",
  "*.password",
  "*.secret",
];

/** Replaces credentials quoted in the strings of a log line's fields (one level down). */
function redactFields(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    out[key] = typeof value === "string" ? redactText(value) : value;
  }
  return out;
}

/**
 * The server's structured logger. Credentials never reach its output: URLs
 * lose their credential parameters, credential headers and fields are
 * censored, and any token quoted in a message or an error is replaced.
 * `destination` (default: standard output) lets a test read what is written.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    serializers: {
      err: (error: Error) => {
        const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
        if (typeof serialized.message === "string") serialized.message = redactText(serialized.message);
        if (typeof serialized.stack === "string") serialized.stack = redactText(serialized.stack);
        return serialized;
      },
      req: (request: { method?: string; url?: string; ip?: string }) => ({
        method: request.method,
        url: request.url === undefined ? undefined : redactUrl(request.url),
      }),
    },
    formatters: { log: redactFields },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...args: unknown[]) => void) {
        const redacted = args.map((arg) => (typeof arg === "string" ? redactText(arg) : arg));
        // Without a message pino uses the error's own, after this hook: give it the redacted one.
        const [first] = args;
        const error = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
        if (args.length === 1 && error instanceof Error) redacted.push(redactText(error.message));
        method.apply(this, redacted);
      },
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
