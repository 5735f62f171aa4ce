/**
 * Which company (tenant) the console works for: the one named in the agent's
 * token, the one to log into (`?tenant=` in the address, else the last one
 * used on this browser), and the rule a tenant name follows.
 */

/** The tenant of a single-company install, and of every token that names none. */
export const DEFAULT_TENANT = "default";

/** A tenant name as the server accepts it: lowercase letters, digits and dashes, 1 to 63. */
export const TENANT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const LAST_TENANT_KEY = "parley.console.tenant";

/**
 * The `tnt` claim of an agent token (a JWT whose payload the console may read
 * but never trusts for access: the server checks every call). A token without
 * one belongs to `default`.
 */
export function tenantOfToken(token: string): string {
  try {
    const payload = token.split(".")[1] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const claims = JSON.parse(json) as { tnt?: unknown };
    return typeof claims.tnt === "string" && claims.tnt !== "" ? claims.tnt : DEFAULT_TENANT;
  } catch {
    return DEFAULT_TENANT;
  }
}

/** The tenant to prefill the login form with: `?tenant=` first, then the last one logged into here. */
export function preferredTenant(): string {
  const fromUrl = new URLSearchParams(location.search).get("tenant")?.trim().toLowerCase();
  if (fromUrl) return fromUrl;
  try {
    return localStorage.getItem(LAST_TENANT_KEY) ?? "";
  } catch {
    return "";
  }
}

/** Remembers the tenant of a successful login; `default` (or none) is not worth remembering. */
export function rememberTenant(tenant: string): void {
  try {
    if (tenant === "" || tenant === DEFAULT_TENANT) localStorage.removeItem(LAST_TENANT_KEY);
    else localStorage.setItem(LAST_TENANT_KEY, tenant);
  } catch {
    // Storage blocked: the field is simply not prefilled next time.
  }
}
