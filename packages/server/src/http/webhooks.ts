/**
 * `/v1/webhooks`: a tenant's admins (and its API keys with `config:manage`)
 * register, list, change and remove webhook endpoints, read each one's
 * delivery log, redeliver a delivery and ping an endpoint. A secret is in an
 * answer only when Parley generated it, and only in the creation's answer.
 * See docs/webhooks.md.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import {
  CreateWebhookBody,
  CreateWebhookResponse,
  UpdateWebhookBody,
  WebhookDeliveryListResponse,
  WebhookDeliveryResponse,
  WebhookListResponse,
  WebhookPingResponse,
  WebhookResponse,
} from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { toWebhookSummary, type WebhookAdmin } from "../integrations/webhook-admin.js";
import type { AuthRule } from "./authenticate.js";
import type { AdminResolver } from "./tenant-admin.js";
import { ERRORS } from "./schemas/common.js";

export interface WebhookRoutesDeps {
  webhooks: WebhookAdmin;
  admin: AdminResolver;
}

const ADMIN = { auth: { role: "agent", apiKeyScope: "config:manage" } satisfies AuthRule };
const WEBHOOK_ID = "^WHK_[0-9a-f-]{36}$";
const WebhookParams = Type.Object({ id: Type.String({ pattern: WEBHOOK_ID }) }, { additionalProperties: false });
const DeliveryParams = Type.Object(
  { id: Type.String({ pattern: WEBHOOK_ID }), deliveryId: Type.String({ pattern: "^DLV_[0-9a-f-]{36}$" }) },
  { additionalProperties: false },
);
const DeliveryQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal("pending"), Type.Literal("delivered"), Type.Literal("failed")])),
    limit: Type.Optional(Type.String({ pattern: "^(?:[1-9][0-9]?|100)$" })),
    /** The `createdAt` and `id` of the last delivery of the previous page, as `<createdAt>,<id>`. */
    before: Type.Optional(Type.String({ pattern: "^[0-9T:.Z-]{20,30},DLV_[0-9a-f-]{36}$" })),
  },
  { additionalProperties: false },
);
type WebhookParams = Static<typeof WebhookParams>;
type DeliveryParams = Static<typeof DeliveryParams>;
type DeliveryQuery = Static<typeof DeliveryQuery>;

const NO_STORE = "no-store";

export function webhookRoutes(app: FastifyInstance, deps: WebhookRoutesDeps): void {
  app.get("/v1/webhooks", { schema: { response: { 200: WebhookListResponse, ...ERRORS } }, config: ADMIN }, async (request, reply) => {
    const { tenant } = await deps.admin(request);
    const body: WebhookListResponse = { webhooks: (await deps.webhooks.list(tenant)).map(toWebhookSummary) };
    return reply.header("cache-control", NO_STORE).send(body);
  });

  app.post<{ Body: CreateWebhookBody }>(
    "/v1/webhooks",
    { schema: { body: CreateWebhookBody, response: { 201: CreateWebhookResponse, ...ERRORS } }, config: ADMIN },
    async (request, reply) => {
      const caller = await deps.admin(request);
      const { record, generatedSecret } = await deps.webhooks.create(caller.tenant, request.body, caller);
      const body: CreateWebhookResponse = { webhook: toWebhookSummary(record), ...(generatedSecret === undefined ? {} : { secret: generatedSecret }) };
      // A generated secret is in this answer only: no cache may keep it.
      return reply.status(201).header("cache-control", NO_STORE).send(body);
    },
  );

  app.patch<{ Params: WebhookParams; Body: UpdateWebhookBody }>(
    "/v1/webhooks/:id",
    { schema: { params: WebhookParams, body: UpdateWebhookBody, response: { 200: WebhookResponse, ...ERRORS } }, config: ADMIN },
    async (request) => {
      const caller = await deps.admin(request);
      const record = await deps.webhooks.update(caller.tenant, request.params.id, request.body, caller);
      return { webhook: toWebhookSummary(record) } satisfies WebhookResponse;
    },
  );

  app.delete<{ Params: WebhookParams }>(
    "/v1/webhooks/:id",
    { schema: { params: WebhookParams, response: { 200: WebhookResponse, ...ERRORS } }, config: ADMIN },
    async (request) => {
      const caller = await deps.admin(request);
      const record = await deps.webhooks.remove(caller.tenant, request.params.id, caller);
      return { webhook: toWebhookSummary(record) } satisfies WebhookResponse;
    },
  );

  app.get<{ Params: WebhookParams; Querystring: DeliveryQuery }>(
    "/v1/webhooks/:id/deliveries",
    { schema: { params: WebhookParams, querystring: DeliveryQuery, response: { 200: WebhookDeliveryListResponse, ...ERRORS } }, config: ADMIN },
    async (request, reply) => {
      const caller = await deps.admin(request);
      const { status, limit, before } = request.query;
      const cursor = before === undefined ? undefined : { createdAt: before.slice(0, before.indexOf(",")), id: before.slice(before.indexOf(",") + 1) };
      const deliveries = await deps.webhooks.deliveries(caller.tenant, request.params.id, {
        limit: limit === undefined ? 50 : Number(limit),
        ...(status === undefined ? {} : { status }),
        ...(cursor === undefined ? {} : { before: cursor }),
      });
      return reply.header("cache-control", NO_STORE).send({ deliveries } satisfies WebhookDeliveryListResponse);
    },
  );

  app.post<{ Params: DeliveryParams }>(
    "/v1/webhooks/:id/deliveries/:deliveryId/redeliver",
    { schema: { params: DeliveryParams, response: { 200: WebhookDeliveryResponse, ...ERRORS } }, config: ADMIN },
    async (request) => {
      const caller = await deps.admin(request);
      const delivery = await deps.webhooks.redeliver(caller.tenant, request.params.id, request.params.deliveryId, caller);
      return { delivery } satisfies WebhookDeliveryResponse;
    },
  );

  app.post<{ Params: WebhookParams }>(
    "/v1/webhooks/:id/ping",
    { schema: { params: WebhookParams, response: { 200: WebhookPingResponse, ...ERRORS } }, config: ADMIN },
    async (request) => {
      const caller = await deps.admin(request);
      return deps.webhooks.ping(caller.tenant, request.params.id);
    },
  );
}
