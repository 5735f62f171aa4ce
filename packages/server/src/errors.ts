import { wireError, type ErrorCode, type WireError } from "@parley/protocol";

/**
 * An error the client is meant to see: it carries a code from the protocol's
 * registry. Anything else thrown inside the server is an internal error and
 * is answered as `INTERNAL_ERROR` without its message.
 */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? wireError(code).message);
    this.name = "ParleyError";
    this.code = code;
    this.details = details;
  }

  toWire(): WireError {
    return wireError(this.code, this.message, this.details);
  }
}

/** The wire form of any thrown value; unknown errors never leak their message. */
export function toWireError(error: unknown): WireError {
  if (error instanceof ParleyError) return error.toWire();
  return wireError("INTERNAL_ERROR");
}
