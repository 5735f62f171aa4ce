/** The tenant a token belongs to, as the desk keys agents. @module */
import type { TokenClaims } from "../auth/tokens.js";
import { DEFAULT_TENANT } from "../store/tenant-db.js";

/** A token without a tenant belongs to `default`. */
export function tenantOf(claims: TokenClaims): string {
  return (claims as TokenClaims & { tenant?: string }).tenant ?? DEFAULT_TENANT;
}
