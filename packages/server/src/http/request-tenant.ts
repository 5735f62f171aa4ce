/** The tenant a request acts in, as its credential says. @module */
import type { FastifyRequest } from "fastify";
import { DEFAULT_TENANT } from "../store/tenant-db.js";

/** The tenant of the request's API key or token; `default` for a token from before tenants. */
export function requestTenant(request: FastifyRequest): string {
  if (request.apiKey !== null) return request.apiKey.tenant;
  return (request.claims as { tenant?: string } | null)?.tenant ?? DEFAULT_TENANT;
}
