/**
 * The one error for a database that is away, shared by the chat store and
 * the blob store (both may sit on the same PostgreSQL).
 * @module
 */
import { ParleyError } from "../errors.js";

/**
 * The database cannot be used right now: unreachable, restarting, a dropped
 * connection, or its schema is behind this build. Clients see
 * `STORE_UNAVAILABLE` and retry; `reason` is for operators (logs, `/readyz`)
 * and never sent to clients, as it may name hosts.
 */
export class StoreUnavailableError extends ParleyError {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super("STORE_UNAVAILABLE");
    this.name = "StoreUnavailableError";
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
