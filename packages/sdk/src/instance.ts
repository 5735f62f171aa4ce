import { createLiveChatSdk, type LiveChatSdk } from "./sdk.js";

/** The default instance (browser build): uses `globalThis.WebSocket` and `globalThis.fetch`. */
export const LIVECHATSDK: LiveChatSdk = createLiveChatSdk();
