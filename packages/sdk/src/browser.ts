/**
 * Entry point of the `<script src="/sdk/livechatsdk.js">` bundle: defines the
 * globals `LIVECHATSDK` (the default instance) and `createLiveChatSdk`. When
 * the script is served by a Parley server, that server is the default
 * `serverUrl`, so `LIVECHATSDK.init` is optional.
 * @module
 */
import { LiveChatError } from "./errors.js";
import { LIVECHATSDK } from "./instance.js";
import { createLiveChatSdk } from "./sdk.js";

const target = (typeof window === "undefined" ? globalThis : window) as unknown as Record<string, unknown>;
target.LIVECHATSDK = LIVECHATSDK;
target.createLiveChatSdk = createLiveChatSdk;
target.LiveChatError = LiveChatError;

const script = typeof document === "undefined" ? null : (document.currentScript as { src?: unknown } | null);
if (script && typeof script.src === "string" && script.src !== "") {
  try {
    LIVECHATSDK.init({ serverUrl: new URL(script.src).origin });
  } catch {
    // A script URL that is not http(s) (e.g. file:): the page calls init itself.
  }
}
