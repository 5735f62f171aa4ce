/**
 * A site's proactive invitation rules over REST: `GET /v1/invitations`,
 * public, which the widget asks on each page (the tenant from the host name
 * or `?tenant=`, as for `POST /v1/contacts`), and `PUT /v1/invitations`,
 * admins (`config:manage`), which replaces them.
 * @module
 */
import { InvitationRules, InvitationsQuery } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { recordAudit } from "../audit/record.js";
import type { TenantGate } from "../auth/tenant-gate.js";
import { ParleyError } from "../errors.js";
import { agreedTenant, tenantOfHost } from "../policy/request-tenant.js";
import type { Store } from "../store/types.js";
import type { AuthRule } from "./authenticate.js";
import { perAddressRateLimit } from "./rate-limit.js";
import type { AdminResolver } from "./tenant-admin.js";
import { ERRORS } from "./schemas/common.js";

export interface InvitationRoutesDeps {
  store: Store;
  tenants: TenantGate;
  tenantHosts?: Record<string, string>;
  admin: AdminResolver;
  /** `POST /v1/contacts` per address per minute; the rules allow ten times as many (a widget asks on each page). */
  contactsPerMinute: number;
}

const ADMIN = { auth: { role: "agent", apiKeyScope: "config:manage" } satisfies AuthRule };
/** Twenty rules of a few hundred characters: well under this. */
const BODY_LIMIT = 32 * 1024;
/** Pages ask on every view: a minute's reuse is enough for a change to reach them. */
const PUBLIC_CACHE = "public, max-age=60";

export function invitationRoutes(app: FastifyInstance, deps: InvitationRoutesDeps): void {
  app.get<{ Querystring: InvitationsQuery }>(
    "/v1/invitations",
    { schema: { querystring: InvitationsQuery, response: { 200: InvitationRules, ...ERRORS } }, onRequest: perAddressRateLimit(deps.contactsPerMinute * 10) },
    async (request, reply) => {
      const tenant = agreedTenant(request.query.tenant, tenantOfHost(deps.tenantHosts ?? {}, request.headers.host));
      await deps.tenants.requireActive(tenant);
      const rules = await deps.store.tenant(tenant).invitationRules();
      return reply.header("cache-control", PUBLIC_CACHE).send({ rules });
    },
  );

  app.put<{ Body: InvitationRules }>(
    "/v1/invitations",
    { schema: { body: InvitationRules, response: { 200: InvitationRules, ...ERRORS } }, config: ADMIN, bodyLimit: BODY_LIMIT },
    async (request) => {
      const caller = await deps.admin(request);
      const { rules } = request.body;
      const ids = new Set(rules.map((rule) => rule.id));
      if (ids.size !== rules.length) throw new ParleyError("VALIDATION_FAILED", "Each invitation rule needs an id of its own.");
      const store = deps.store.tenant(caller.tenant);
      await store.setInvitationRules(rules, new Date().toISOString());
      await recordAudit(store, caller, "invitations.set", { type: "tenant", id: caller.tenant }, { rules: rules.length });
      return { rules };
    },
  );
}
