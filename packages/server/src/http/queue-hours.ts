/**
 * A queue's business hours (`GET/PUT /v1/queues/:name/hours`, admins) and
 * the public `GET /v1/availability`, which the widget asks before offering a
 * chat: the tenant comes from the host name or the `tenant` parameter, as
 * for `POST /v1/contacts`.
 * @module
 */
import { Type } from "@sinclair/typebox";
import { AvailabilityQuery, BusinessHours, DEFAULT_QUEUE, QueueParams, type AvailabilityResponse } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { recordAudit } from "../audit/record.js";
import type { TenantGate } from "../auth/tenant-gate.js";
import type { AgentDesk } from "../desk/desk.js";
import { Availability } from "../front-door/availability.js";
import { checkHours } from "../front-door/hours.js";
import { agreedTenant, tenantOfHost } from "../policy/request-tenant.js";
import type { Store } from "../store/types.js";
import type { AuthRule } from "./authenticate.js";
import { perAddressRateLimit } from "./rate-limit.js";
import type { AdminResolver } from "./tenant-admin.js";
import { ERRORS } from "./schemas/common.js";

export interface QueueHoursRoutesDeps {
  store: Store;
  tenants: TenantGate;
  tenantHosts?: Record<string, string>;
  admin: AdminResolver;
  desk?: AgentDesk | undefined;
  /** `POST /v1/contacts` per address per minute; availability allows ten times as many (a widget asks on each page). */
  contactsPerMinute: number;
}

const ADMIN = { auth: { role: "agent", apiKeyScope: "config:manage" } satisfies AuthRule };
const HoursResponse = Type.Object({ queue: Type.String(), hours: Type.Union([BusinessHours, Type.Null()]) });
const PutHoursBody = Type.Object({ hours: Type.Union([BusinessHours, Type.Null()]) }, { additionalProperties: false });
const AvailabilityAnswer = Type.Object({
  open: Type.Boolean(),
  agentsAvailable: Type.Boolean(),
  reason: Type.Union([Type.Literal("open"), Type.Literal("outsideHours"), Type.Literal("holiday"), Type.Literal("noAgent")]),
});

export function queueHoursRoutes(app: FastifyInstance, deps: QueueHoursRoutesDeps): void {
  const availability = new Availability({
    hours: (tenant, queue) => deps.store.tenant(tenant).businessHours(queue),
    // No desk (a server without one): nobody can answer.
    hasAvailableAgent: async (tenant, queue) => (await deps.desk?.canAnswer(tenant, queue)) ?? false,
  });

  app.get<{ Params: QueueParams }>("/v1/queues/:name/hours", { schema: { params: QueueParams, response: { 200: HoursResponse, ...ERRORS } }, config: ADMIN }, async (request, reply) => {
    const { tenant } = await deps.admin(request);
    const hours = (await deps.store.tenant(tenant).businessHours(request.params.name)) ?? null;
    return reply.header("cache-control", "no-store").send({ queue: request.params.name, hours });
  });

  app.put<{ Params: QueueParams; Body: { hours: BusinessHours | null } }>(
    "/v1/queues/:name/hours",
    { schema: { params: QueueParams, body: PutHoursBody, response: { 200: HoursResponse, ...ERRORS } }, config: ADMIN, bodyLimit: 64 * 1024 },
    async (request) => {
      const caller = await deps.admin(request);
      const { tenant } = caller;
      const { hours } = request.body;
      if (hours !== null) checkHours(hours);
      const store = deps.store.tenant(tenant);
      await store.setBusinessHours(request.params.name, hours, new Date().toISOString());
      await recordAudit(store, caller, "queue.hours_set", { type: "queue", id: request.params.name }, hours === null ? { removed: true } : { timeZone: hours.timeZone, intervals: hours.weekly.length, holidays: hours.holidays.length });
      // This node answers with the new hours at once; others within the cache's few seconds.
      availability.forget(tenant, request.params.name);
      return { queue: request.params.name, hours };
    },
  );

  app.get<{ Querystring: AvailabilityQuery }>(
    "/v1/availability",
    {
      schema: { querystring: AvailabilityQuery, response: { 200: AvailabilityAnswer, ...ERRORS } },
      onRequest: perAddressRateLimit(deps.contactsPerMinute * 10),
    },
    async (request, reply) => {
      const tenant = agreedTenant(request.query.tenant, tenantOfHost(deps.tenantHosts ?? {}, request.headers.host));
      await deps.tenants.requireActive(tenant);
      const body: AvailabilityResponse = await availability.of(tenant, request.query.queue ?? DEFAULT_QUEUE);
      return reply.header("cache-control", "no-store").send(body);
    },
  );
}
