/** Schema of `GET /v1/audit`'s answer. @module */
import { Type, type Static } from "@sinclair/typebox";
import { ERRORS, type RouteSchema } from "./common.js";

const Nullable = Type.Union([Type.String(), Type.Null()]);

/** One recorded action. */
export const AuditRecordSchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Type.Object({
    type: Type.Union([Type.Literal("agent"), Type.Literal("api_key"), Type.Literal("cli"), Type.Literal("system")]),
    id: Nullable,
    name: Nullable,
  }),
  action: Type.String(),
  target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
  address: Nullable,
});

/** Answer of `GET /v1/audit`, newest first. */
export const AuditPage = Type.Object({
  entries: Type.Array(AuditRecordSchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: Nullable,
});
export type AuditPage = Static<typeof AuditPage>;

/** The route's answers; its query is declared next to the route. */
export const AUDIT_SCHEMA: Omit<RouteSchema, "querystring"> = {
  tags: ["audit"],
  summary: "The tenant's audit log, newest first",
  response: { 200: AuditPage, ...ERRORS },
};
