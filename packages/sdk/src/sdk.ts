import { TENANT_PATTERN } from "@parley/protocol";
import { debugLogger, type DebugLogger } from "./debug.js";
import { LiveChatError } from "./errors.js";
import { LiveChat } from "./livechat.js";
import type { InitOptions, LiveChatSdkOptions, WebSocketConstructor } from "./types.js";
import { SDK_VERSION } from "./version.js";

/** An SDK instance: what the browser global `LIVECHATSDK` is. */
export interface LiveChatSdk {
  /**
   * Sets the server URL(s) and the optional debug logger. Call before `LIVECHAT.login`;
   * throws `VALIDATION_FAILED` for a URL that is not http(s)/ws(s).
   */
  init(options: InitOptions): void;
  /** The realtime API: login, contacts, history, connection state. */
  readonly LIVECHAT: LiveChat;
  /** The SDK's version. */
  readonly version: string;
}

/** Defaults of {@link LiveChatSdkOptions}. */
export const SDK_DEFAULTS = {
  requestTimeoutMs: 15_000,
  minReconnectDelayMs: 500,
  maxReconnectDelayMs: 20_000,
  stableConnectionMs: 10_000,
} as const;

/** The tenant named at `init`, checked against the server's rule for names. */
function normalizeTenant(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !new RegExp(TENANT_PATTERN).test(value)) {
    throw new LiveChatError("VALIDATION_FAILED", `tenant must be lowercase letters, digits and dashes: ${String(value)}`);
  }
  return value;
}

function normalizeUrls(serverUrl: string | string[]): string[] {
  const list = Array.isArray(serverUrl) ? serverUrl : [serverUrl];
  if (list.length === 0) throw new LiveChatError("VALIDATION_FAILED", "serverUrl must name at least one server.");
  return list.map((value) => {
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      throw new LiveChatError("VALIDATION_FAILED", `Invalid serverUrl: ${String(value)}`);
    }
    if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) {
      throw new LiveChatError("VALIDATION_FAILED", `serverUrl must be http(s) or ws(s): ${String(value)}`);
    }
    return `${url.origin.replace(/^ws/, "http")}${url.pathname.replace(/\/+$/, "")}`;
  });
}

/**
 * Creates an independent SDK instance with its own session and socket: several
 * users can live in one process (tests, benchmarks, a supervisor's tools).
 *
 * @example
 * ```ts
 * const sdk = createLiveChatSdk();
 * sdk.init({ serverUrl: "https://chat.example.com" });
 * await sdk.LIVECHAT.login(token);
 * const contact = await sdk.LIVECHAT.joinContact(chatId, "Alice");
 * ```
 */
export function createLiveChatSdk(options: LiveChatSdkOptions = {}): LiveChatSdk {
  let urls: string[] | undefined;
  let tenant: string | undefined;
  let log: DebugLogger | undefined;
  const LIVECHAT = new LiveChat({
    serverUrls: () => urls,
    tenant: () => tenant,
    log: () => log,
    WebSocket: () =>
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? undefined,
    fetch: () => options.fetch ?? (typeof globalThis.fetch === "function" ? globalThis.fetch.bind(globalThis) : undefined),
    XMLHttpRequest: () =>
      options.XMLHttpRequest ?? (globalThis as { XMLHttpRequest?: new () => XMLHttpRequest }).XMLHttpRequest,
    requestTimeoutMs: options.requestTimeoutMs ?? SDK_DEFAULTS.requestTimeoutMs,
    minReconnectDelayMs: options.minReconnectDelayMs ?? SDK_DEFAULTS.minReconnectDelayMs,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? SDK_DEFAULTS.maxReconnectDelayMs,
    stableConnectionMs: options.stableConnectionMs ?? SDK_DEFAULTS.stableConnectionMs,
    heartbeatMs: options.heartbeatMs,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
  });
  return {
    init(initOptions: InitOptions): void {
      urls = normalizeUrls(initOptions?.serverUrl);
      tenant = normalizeTenant(initOptions?.tenant);
      log = debugLogger(initOptions?.debug);
    },
    LIVECHAT,
    version: SDK_VERSION,
  };
}
