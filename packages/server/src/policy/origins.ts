/**
 * Which web pages may use this server from a browser: the allowed origins of
 * the configuration (`PARLEY_ALLOWED_ORIGINS`), applied to CORS and to the
 * WebSocket upgrade alike.
 * @module
 */

export class OriginPolicy {
  private readonly allowed: ReadonlySet<string> | "*";

  /** @param allowed - `"*"` (any origin) or origins as browsers send them (`https://shop.example.com`). */
  constructor(allowed: "*" | readonly string[]) {
    this.allowed = allowed === "*" ? "*" : new Set(allowed);
  }

  /** Whether every origin is allowed. */
  get isAnyOrigin(): boolean {
    return this.allowed === "*";
  }

  /**
   * Whether a request may proceed. No `Origin` header means no browser page
   * made it (a server, the SDK in Node.js, curl): allowed, as a page is what the
   * list protects against. A page of the server itself (same host) is always allowed.
   */
  allows(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined || this.allowed === "*") return true;
    if (this.allowed.has(origin)) return true;
    try {
      return host !== undefined && new URL(origin).host === host.toLowerCase();
    } catch {
      return false;
    }
  }
}
