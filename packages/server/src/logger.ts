import { pino, type Logger } from "pino";

export type { Logger };

/** Log levels accepted by `LOG_LEVEL` and the `logLevel` option. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The server's structured logger. Tokens and passwords never reach it: the
 * redaction paths are a second line of defence for request logs.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    redact: {
      paths: ["req.headers.authorization", "req.headers.ctlivetoken", "token", "password", "*.token", "*.password"],
      censor: "[redacted]",
    },
  });
}
