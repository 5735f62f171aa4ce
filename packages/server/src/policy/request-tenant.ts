/**
 * Which tenant a request is for. Several sources may name it — the token (or
 * a signed link), the `:domain` of a back-office route, a `tenant` field of
 * the body, the host name through `tenantHosts` — and they must agree: two
 * that differ are `TENANT_MISMATCH`, never a choice between them. None at
 * all is `default`, today's single-tenant install.
 * @module
 */
import { ParleyError } from "../errors.js";
import { DEFAULT_TENANT } from "../store/tenant-db.js";

/** The tenant `tenantHosts` maps the request's Host header to, if any (the port and case are ignored). */
export function tenantOfHost(hosts: Record<string, string>, host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const name = host.replace(/:\d+$/, "").toLowerCase();
  return Object.hasOwn(hosts, name) ? hosts[name] : undefined;
}

/** The one tenant every given source names; `default` when none names one. */
export function agreedTenant(...sources: Array<string | undefined>): string {
  let agreed: string | undefined;
  for (const source of sources) {
    if (source === undefined) continue;
    if (agreed !== undefined && agreed !== source) throw new ParleyError("TENANT_MISMATCH", undefined, { tenants: [agreed, source] });
    agreed = source;
  }
  return agreed ?? DEFAULT_TENANT;
}
