/**
 * `/v1/queues`: a tenant's queues. Every agent may list them (the console
 * shows queue names); admins (and keys with `config:manage`) create, change
 * and remove them. Each change is recorded in the tenant's audit log.
 * @module
 */
import { Type } from "@sinclair/typebox";
import {
  CreateQueueBody,
  DEFAULT_OFFER_SECONDS,
  DEFAULT_QUEUE,
  QueueInfoSchema,
  QueueParams,
  UpdateQueueBody,
  type QueueInfo,
  type QueueListResponse,
} from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { recordAudit } from "../audit/record.js";
import { ParleyError } from "../errors.js";
import type { Store } from "../store/types.js";
import type { AuthRule } from "./authenticate.js";
import type { AdminResolver } from "./tenant-admin.js";
import { ERRORS } from "./schemas/common.js";

export interface QueueRoutesDeps {
  store: Store;
  admin: AdminResolver;
  /** The tenant's queues changed: routing looks again. */
  queuesChanged?: (tenant: string) => void;
}

const ADMIN = { auth: { role: "agent", apiKeyScope: "config:manage" } satisfies AuthRule };
const ANY_AGENT = { auth: { role: "agent", apiKeyScope: "config:manage" } satisfies AuthRule };
const QueueAnswer = Type.Object({ queue: QueueInfoSchema });
const ListAnswer = Type.Object({ queues: Type.Array(QueueInfoSchema) });

export function queueRoutes(app: FastifyInstance, deps: QueueRoutesDeps): void {
  app.get("/v1/queues", { schema: { response: { 200: ListAnswer, ...ERRORS } }, config: ANY_AGENT }, async (request, reply) => {
    const body: QueueListResponse = { queues: await deps.store.tenant(request.auth.tenant).listQueues() };
    return reply.header("cache-control", "no-store").send(body);
  });

  app.post<{ Body: CreateQueueBody }>("/v1/queues", { schema: { body: CreateQueueBody, response: { 201: QueueAnswer, ...ERRORS } }, config: ADMIN }, async (request, reply) => {
    const caller = await deps.admin(request);
    const { name, ...rest } = request.body;
    const queue: QueueInfo = {
      name,
      mode: rest.mode ?? "manual",
      offerSeconds: rest.offerSeconds ?? DEFAULT_OFFER_SECONDS,
      waitLimitSeconds: rest.waitLimitSeconds ?? null,
      waitLimitAction: rest.waitLimitAction ?? "keep",
      waitLimitMessage: rest.waitLimitMessage ?? "",
      members: rest.members ?? [],
    };
    const store = deps.store.tenant(caller.tenant);
    // The default queue always exists: configuring it is an update.
    if (name === DEFAULT_QUEUE || !(await store.createQueue(queue, new Date().toISOString()))) throw new ParleyError("QUEUE_EXISTS", undefined, { queue: name });
    await recordAudit(store, caller, "queue.created", { type: "queue", id: name }, { mode: queue.mode, members: queue.members.length });
    deps.queuesChanged?.(caller.tenant);
    return reply.status(201).send({ queue: await store.getQueue(name) });
  });

  app.patch<{ Params: QueueParams; Body: UpdateQueueBody }>(
    "/v1/queues/:name",
    { schema: { params: QueueParams, body: UpdateQueueBody, response: { 200: QueueAnswer, ...ERRORS } }, config: ADMIN },
    async (request) => {
      const caller = await deps.admin(request);
      const { members, ...settings } = request.body;
      const store = deps.store.tenant(caller.tenant);
      if (!(await store.updateQueue(request.params.name, settings, members, new Date().toISOString()))) {
        throw new ParleyError("QUEUE_NOT_FOUND", undefined, { queue: request.params.name });
      }
      await recordAudit(store, caller, "queue.updated", { type: "queue", id: request.params.name }, { fields: Object.keys(request.body) });
      deps.queuesChanged?.(caller.tenant);
      return { queue: await store.getQueue(request.params.name) };
    },
  );

  app.delete<{ Params: QueueParams }>("/v1/queues/:name", { schema: { params: QueueParams, response: { 200: QueueAnswer, ...ERRORS } }, config: ADMIN }, async (request) => {
    const caller = await deps.admin(request);
    const { name } = request.params;
    if (name === DEFAULT_QUEUE) throw new ParleyError("QUEUE_IN_USE");
    const store = deps.store.tenant(caller.tenant);
    const queue = await store.getQueue(name);
    if (queue === undefined || !(await store.deleteQueue(name))) throw new ParleyError("QUEUE_NOT_FOUND", undefined, { queue: name });
    await recordAudit(store, caller, "queue.deleted", { type: "queue", id: name });
    deps.queuesChanged?.(caller.tenant);
    return { queue };
  });
}
