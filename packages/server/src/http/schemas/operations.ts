/** Schemas of the operations routes: `/healthz`, `/readyz`, `/metrics`, `/openapi.json`. @module */
import { Type } from "@sinclair/typebox";
import { ERRORS, text, type RouteSchema } from "./common.js";

const TAGS = ["operations"];

export const HEALTH_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "Liveness: the process answers",
  response: { 200: Type.Object({ status: Type.Literal("ok") }), ...ERRORS },
};

const Checks = Type.Record(Type.String(), Type.String(), { description: "Each check by name: `ok`, or why it failed." });

export const READY_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "Readiness: the store and the bus are ready and the node is not shutting down",
  response: {
    200: Type.Object({ status: Type.Literal("ready"), checks: Checks }),
    503: Type.Object({ status: Type.Literal("notReady"), notReady: Type.Array(Type.String()), checks: Checks }),
    ...ERRORS,
  },
};

export const METRICS_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "Prometheus metrics",
  description: "With `PARLEY_METRICS_TOKEN` set, `Authorization: Bearer <that token>` is required.",
  security: [{}, { metricsToken: [] }],
  response: { 200: text("The Prometheus text format.", "text/plain"), ...ERRORS },
};

export const OPENAPI_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "This OpenAPI 3.1 document",
  security: [{}],
  response: {
    200: Type.Object(
      { openapi: Type.String(), info: Type.Object({ title: Type.String(), version: Type.String() }, { additionalProperties: true }) },
      { additionalProperties: true, description: "An OpenAPI 3.1 document." },
    ),
    ...ERRORS,
  },
};
