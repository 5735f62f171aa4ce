/** The tenant a token belongs to, as the desk keys agents. @module */
import type { TokenClaims } from "../auth/tokens.js";

/** The token's tenant (a token without one was read as `default`'s). */
export function tenantOf(claims: TokenClaims): string {
  return claims.tenant;
}
