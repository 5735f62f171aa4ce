import { ERRORS, isErrorCode } from "@parley/protocol";
import type { ErrorCode, WireError } from "@parley/protocol";

/**
 * The error every rejected SDK promise carries: a stable {@link ErrorCode} from
 * the protocol's registry (see `docs/errors.md`), a human message and, when the
 * server gave them, machine-readable `details` (e.g. `{ limit: 10000 }`).
 */
export class LiveChatError extends Error {
  /** Stable code from the registry, e.g. `"CONTACT_ENDED"`. Branch on this, never on `message`. */
  readonly code: ErrorCode;
  /** Optional machine-readable context given by the server or the SDK. */
  readonly details?: Record<string, unknown>;

  /** Creates an error for `code`, with the registry's message unless one is given. */
  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERRORS[code].message);
    this.name = "LiveChatError";
    this.code = code;
    if (details !== undefined) this.details = details;
  }

  /**
   * Builds an error from a wire error (`reply.error`, an `error` frame or a REST
   * error body). An unknown code becomes `INTERNAL_ERROR` with the original code
   * in `details.code`.
   */
  static from(wire: WireError | { code?: unknown; message?: unknown; details?: unknown } | null | undefined): LiveChatError {
    const message = typeof wire?.message === "string" ? wire.message : undefined;
    const details =
      wire?.details !== null && typeof wire?.details === "object" ? (wire.details as Record<string, unknown>) : undefined;
    if (isErrorCode(wire?.code)) return new LiveChatError(wire.code, message, details);
    return new LiveChatError("INTERNAL_ERROR", message, { ...details, code: wire?.code });
  }
}
