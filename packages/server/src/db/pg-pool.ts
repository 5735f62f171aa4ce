/**
 * Connecting to PostgreSQL: one `pg` pool per store, and the rules that tell
 * a database that is away (retry later) from a query that is wrong.
 * @module
 */
import pg from "pg";

export interface PgPoolOptions {
  /** `postgres://user:password@host:port/database`. */
  connectionString: string;
  /** Connections at most (`pg`'s default is 10). */
  max?: number;
  /** Called for errors of idle connections, e.g. the server closed them. Without it they would crash the process. */
  onError?: (error: Error) => void;
}

/** How long to wait for a new connection before failing the operation (the pool retries on the next one). */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A pool that recovers by itself: a connection the server dropped is
 * discarded (by `pg` when it errors or is released broken) and the next
 * operation opens a fresh one, so once the database is back everything works
 * again without a restart.
 */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Notices a peer that vanished without closing (a dead network path) instead of waiting forever.
    keepAlive: true,
    application_name: "parley",
  });
  const report = (error: Error) => options.onError?.(error);
  // Idle connections report through the pool. A connection checked out for a query or a
  // transaction has no listener of the pool's, and an `error` event nobody listens to would
  // crash the process: give each its own. Its operation fails by itself (the query rejects),
  // and the pool discards the connection when it comes back broken.
  pool.on("connect", (client) => client.on("error", report));
  pool.on("error", report);
  return pool;
}

/** Network errors of the socket to the database. */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);

/**
 * SQLSTATEs meaning "the database is away or cannot take us now", as opposed
 * to a fault of the query: connection exceptions (class 08), the server
 * shutting down or terminating our backend (57P01-57P03), too many
 * connections (53300), and a database that does not exist or refuses our
 * credentials (3D000, 28xxx), which only an operator can fix.
 */
function isUnavailableState(code: string): boolean {
  return code.startsWith("08") || code.startsWith("28") || ["57P01", "57P02", "57P03", "53300", "3D000"].includes(code);
}

/** Whether an error from `pg` means the database could not be reached or used, rather than a failed query. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || isUnavailableState(code))) return true;
  // `pg` raises these without a code when the socket closes under a query or a connect times out.
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    error.message,
  );
}

/** The URL without its password, for messages and logs. */
export function redactUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== "") url.password = "***";
    return url.toString();
  } catch {
    return "(unparsable URL)";
  }
}
