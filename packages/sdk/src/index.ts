/**
 * @module @parley/sdk
 * Parley's JavaScript SDK: the `LIVECHATSDK` facade of the original product.
 * One WebSocket per instance shared by every joined chat, typed events,
 * resume without loss or duplicates, idempotent sends and explicit connection
 * state. This entry point uses `globalThis.WebSocket`; Node.js gets the `ws`
 * build (`index.node.ts`) through the package's `node` export condition.
 */
export { createLiveChatSdk } from "./sdk.js";
export { LIVECHATSDK } from "./instance.js";
export * from "./exports.js";
