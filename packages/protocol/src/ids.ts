/**
 * Identifier formats. Ids are opaque to clients but keep the original
 * product's shapes: `CHAT_<uuid>`, `USER_<uuid>`, `MSG_<uuid>`.
 * @module
 */

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** Pattern of a chat (contact) id, e.g. `CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d`. */
export const CHAT_ID_PATTERN = `^CHAT_${UUID}$`;
/** Pattern of a user id. */
export const USER_ID_PATTERN = `^USER_${UUID}$`;
/** Pattern of a message id. */
export const MESSAGE_ID_PATTERN = `^MSG_${UUID}$`;

/** Whether a value is a well-formed chat id. */
export function isChatId(value: unknown): value is string {
  return typeof value === "string" && new RegExp(CHAT_ID_PATTERN).test(value);
}

/**
 * A tenant's name (the original product's domain): lowercase letters, digits
 * and dashes, 1 to 63 characters, neither first nor last a dash. Here,
 * beside the other patterns, so the browser SDK can check one without
 * bundling the schema library.
 */
export const TENANT_PATTERN = "^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$";
