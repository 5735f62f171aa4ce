/**
 * A queue's pre-chat form over REST: the public `GET /v1/queues/:name/form`,
 * which the widget reads without a token (the tenant comes from the host
 * name or the `tenant` parameter, as for `POST /v1/contacts`), and the
 * admins' `GET /v1/queues/:name/form/definition` and `PUT /v1/queues/:name/form`.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { PrechatFormResponse, PrechatFormSchema, PublicPrechatFormResponse, QueueParams, type PrechatForm } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { recordAudit } from "../audit/record.js";
import type { TenantGate } from "../auth/tenant-gate.js";
import { checkPrechatDefinition, publicPrechatForm } from "../front-door/prechat.js";
import { agreedTenant, tenantOfHost } from "../policy/request-tenant.js";
import type { Store } from "../store/types.js";
import type { AuthRule } from "./authenticate.js";
import { perAddressRateLimit } from "./rate-limit.js";
import { ERRORS, type RouteSchema } from "./schemas/common.js";
import type { AdminResolver } from "./tenant-admin.js";

export interface PrechatFormRoutesDeps {
  store: Store;
  tenants: TenantGate;
  tenantHosts?: Record<string, string>;
  admin: AdminResolver;
  /** `POST /v1/contacts` per address per minute; reading the form allows ten times as many (a widget asks on each page). */
  contactsPerMinute: number;
}

const ADMIN = { auth: { role: "agent", apiKeyScope: "config:manage" } satisfies AuthRule };
const PublicQuery = Type.Object({ tenant: Type.Optional(Type.String({ maxLength: 63 })) }, { additionalProperties: false });
const PutBody = Type.Object({ form: Type.Union([PrechatFormSchema, Type.Null()]) }, { additionalProperties: false });
const PUBLIC_SCHEMA: RouteSchema = {
  tags: ["queues"],
  summary: "The queue's pre-chat form, as customers see it",
  security: [{}],
  params: QueueParams,
  querystring: PublicQuery,
  response: { 200: PublicPrechatFormResponse, ...ERRORS },
};
const DEFINITION_SCHEMA: RouteSchema = { tags: ["queues"], summary: "The queue's pre-chat form, as admins define it", params: QueueParams, response: { 200: PrechatFormResponse, ...ERRORS } };
const PUT_SCHEMA: RouteSchema = { tags: ["queues"], summary: "Sets or removes the queue's pre-chat form", params: QueueParams, body: PutBody, response: { 200: PrechatFormResponse, ...ERRORS } };
/** A form of 20 fields with labels in six languages fits well within this. */
const BODY_LIMIT = 256 * 1024;

export function prechatFormRoutes(app: FastifyInstance, deps: PrechatFormRoutesDeps): void {
  app.get<{ Params: QueueParams; Querystring: Static<typeof PublicQuery> }>(
    "/v1/queues/:name/form",
    {
      schema: PUBLIC_SCHEMA,
      onRequest: perAddressRateLimit(deps.contactsPerMinute * 10),
    },
    async (request, reply) => {
      const tenant = agreedTenant(request.query.tenant, tenantOfHost(deps.tenantHosts ?? {}, request.headers.host));
      await deps.tenants.requireActive(tenant);
      const form = await deps.store.tenant(tenant).prechatForm(request.params.name);
      const body: PublicPrechatFormResponse = { queue: request.params.name, form: form === undefined ? null : publicPrechatForm(form) };
      return reply.header("cache-control", "no-store").send(body);
    },
  );

  app.get<{ Params: QueueParams }>(
    "/v1/queues/:name/form/definition",
    { schema: DEFINITION_SCHEMA, config: ADMIN },
    async (request, reply) => {
      const { tenant } = await deps.admin(request);
      const form = (await deps.store.tenant(tenant).prechatForm(request.params.name)) ?? null;
      const body: PrechatFormResponse = { queue: request.params.name, form };
      return reply.header("cache-control", "no-store").send(body);
    },
  );

  app.put<{ Params: QueueParams; Body: { form: PrechatForm | null } }>(
    "/v1/queues/:name/form",
    { schema: PUT_SCHEMA, config: ADMIN, bodyLimit: BODY_LIMIT },
    async (request) => {
      const caller = await deps.admin(request);
      const { form: given } = request.body;
      if (given !== null) checkPrechatDefinition(given);
      // A form that asks nothing is no form: the widget then starts chats as before.
      const form = given === null || (given.fields.length === 0 && given.consent === null) ? null : given;
      const store = deps.store.tenant(caller.tenant);
      await store.setPrechatForm(request.params.name, form, new Date().toISOString());
      await recordAudit(store, caller, "queue.form_set", { type: "queue", id: request.params.name }, form === null ? { removed: true } : { fields: form.fields.length, consent: form.consent !== null });
      const body: PrechatFormResponse = { queue: request.params.name, form };
      return body;
    },
  );
}
