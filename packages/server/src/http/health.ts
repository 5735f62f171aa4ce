/**
 * `GET /healthz`: the process answers (liveness). `GET /readyz`: this node
 * can serve (readiness): its store answers with the schema migrated, its bus
 * delivers, and it is not shutting down. A load balancer sends traffic only
 * to ready nodes; an orchestrator restarts only dead ones.
 * @module
 */
import type { FastifyInstance } from "fastify";
import { HEALTH_SCHEMA, READY_SCHEMA } from "./schemas/operations.js";

/** One readiness check: resolves when ready; rejects, or resolves with a reason, when not. */
export type ReadinessCheck = () => Promise<string | undefined>;

export interface HealthDeps {
  /** By name (`store`, `bus`, `server`…); run together at each `/readyz`. */
  readiness: Record<string, ReadinessCheck>;
}

/** A check that has not answered in this long counts as failed: a hung database must not hang the probe. */
const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    const verdict = await Promise.race([check().then((reason) => reason ?? "ok"), timeout]);
    return verdict;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get("/healthz", { schema: HEALTH_SCHEMA }, () => ({ status: "ok" }));
  app.get("/readyz", { schema: READY_SCHEMA }, async (_request, reply) => {
    const names = Object.keys(deps.readiness);
    const verdicts = await Promise.all(names.map((name) => runCheck(deps.readiness[name] as ReadinessCheck)));
    const checks = Object.fromEntries(names.map((name, i) => [name, verdicts[i] as string]));
    const notReady = names.filter((name) => checks[name] !== "ok");
    if (notReady.length === 0) return { status: "ready", checks };
    return reply.status(503).send({ status: "notReady", notReady, checks });
  });
}
