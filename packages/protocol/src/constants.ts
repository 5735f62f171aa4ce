/**
 * Protocol constants with no dependencies, so the browser SDK can import them
 * without pulling in the schema library.
 * @module
 */

/** Protocol version spoken by this package; sent in `hello`. */
export const PROTOCOL_VERSION = 1;

/** Path of the WebSocket endpoint on a Parley server. */
export const SOCKET_PATH = "/v1/socket";
