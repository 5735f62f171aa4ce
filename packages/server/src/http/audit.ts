/**
 * `GET /v1/audit`: a tenant's audit log, newest first, for the tenant's
 * admins. Keyset pagination as in `GET /v1/chats`: `nextCursor` names the
 * last entry of a page.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { ParleyError } from "../errors.js";
import type { AuditRecord } from "../store/lifecycle-store.js";
import type { Store } from "../store/types.js";
import type { AdminResolver } from "./tenant-admin.js";
import { AUDIT_SCHEMA, type AuditPage } from "./schemas/audit.js";

/** Default and largest page. */
export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 100;

const AuditQuery = Type.Object(
  {
    /** `nextCursor` of the previous page. */
    before: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,4}$" })),
    /** Only this action, e.g. `customer.erased`. */
    action: Type.Optional(Type.String({ pattern: "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$", maxLength: 64 })),
  },
  { additionalProperties: false },
);

export type { AuditPage } from "./schemas/audit.js";

function encodeCursor(entry: Pick<AuditRecord, "at" | "id">): string {
  return Buffer.from(JSON.stringify([entry.at, entry.id])).toString("base64url");
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string") return { at: value[0], id: value[1] };
  } catch {
    // fall through to the coded error
  }
  throw new ParleyError("VALIDATION_FAILED", "The cursor is not one this server gave.", { path: "/before", problem: "unknown cursor" });
}

export function auditRoutes(app: FastifyInstance, deps: { store: Store; admin: AdminResolver }): void {
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    "/v1/audit",
    { schema: { ...AUDIT_SCHEMA, querystring: AuditQuery }, config: { auth: { role: "agent", apiKeyScope: "config:manage" } } },
    async (request, reply) => {
      const caller = await deps.admin(request);
      const limit = request.query.limit === undefined ? AUDIT_DEFAULT_LIMIT : Number(request.query.limit);
      if (limit < 1 || limit > AUDIT_MAX_LIMIT) {
        throw new ParleyError("VALIDATION_FAILED", `limit must be between 1 and ${AUDIT_MAX_LIMIT}.`, { path: "/limit", problem: "out of range" });
      }
      const { before, action } = request.query;
      // One more than asked tells whether another page follows.
      const found = await deps.store.tenant(caller.tenant).listAudit({
        limit: limit + 1,
        action,
        before: before === undefined ? undefined : decodeCursor(before),
      });
      const entries = found.slice(0, limit);
      const last = entries[entries.length - 1];
      const body: AuditPage = { entries, nextCursor: found.length > limit && last !== undefined ? encodeCursor(last) : null };
      return reply.header("cache-control", "no-store").send(body);
    },
  );
}
