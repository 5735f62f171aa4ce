/**
 * WebSocket close codes used by Parley, and what the SDK does for each.
 * @module
 */

/** Close codes the server uses, each with the SDK's reaction documented. */
export const CLOSE_CODES = {
  /** Normal closure, e.g. after logout. The SDK does not reconnect. */
  NORMAL: 1000,
  /** A frame exceeded the hard size limit (ws `maxPayload`). The SDK reconnects and resumes. */
  MESSAGE_TOO_BIG: 1009,
  /** The first frame was not a valid `hello`. The SDK does not reconnect. */
  HELLO_INVALID: 4400,
  /** The token was missing, malformed or forged. The SDK does not reconnect. */
  AUTH_FAILED: 4401,
  /** The token expired. The SDK calls the login callback with `"keepaliveExpired"`. */
  TOKEN_EXPIRED: 4402,
  /** No `hello` arrived in time after the socket opened. The SDK reconnects. */
  HELLO_TIMEOUT: 4408,
  /** The socket could not keep up with its events and was dropped. The SDK reconnects and resumes. */
  SLOW_CONSUMER: 4429,
  /** Too many sockets are open with this token (`TOO_MANY_SOCKETS`). The SDK reconnects with backoff. */
  TOO_MANY_SOCKETS: 4430,
  /** The client missed heartbeats. The SDK reconnects and resumes. */
  HEARTBEAT_TIMEOUT: 4410,
  /** The server is shutting down. The SDK reconnects (to another node when it has several) and resumes. */
  SHUTTING_DOWN: 4503,
} as const;

/** One of {@link CLOSE_CODES}' values. */
export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

/** Close codes after which the SDK must not reconnect on its own. */
export const TERMINAL_CLOSE_CODES: readonly number[] = [
  CLOSE_CODES.NORMAL,
  CLOSE_CODES.HELLO_INVALID,
  CLOSE_CODES.AUTH_FAILED,
  CLOSE_CODES.TOKEN_EXPIRED,
];
