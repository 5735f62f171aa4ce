/**
 * @module @parley/sdk (Node.js)
 * The same API as the browser entry point, with instances whose WebSocket
 * defaults to the `ws` package.
 */
export { createLiveChatSdk, LIVECHATSDK } from "./sdk.node.js";
export * from "./exports.js";
