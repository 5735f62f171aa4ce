import WebSocket from "ws";
import { createLiveChatSdk as createWithOptions, type LiveChatSdk } from "./sdk.js";
import type { LiveChatSdkOptions, WebSocketConstructor } from "./types.js";

/**
 * Creates an independent SDK instance for Node.js: like the browser
 * `createLiveChatSdk`, but `WebSocket` defaults to the `ws` package's
 * (Node 20 has no global WebSocket).
 */
export function createLiveChatSdk(options: LiveChatSdkOptions = {}): LiveChatSdk {
  return createWithOptions({ WebSocket: WebSocket as unknown as WebSocketConstructor, ...options });
}

/** The default instance for Node.js, using `ws`. */
export const LIVECHATSDK: LiveChatSdk = createLiveChatSdk();
