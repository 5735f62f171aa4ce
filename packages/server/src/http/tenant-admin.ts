/**
 * Who may administer a tenant over REST: an agent whose role, read from the
 * store, is `admin` in the request's tenant (the role in a token is never
 * trusted). The caller comes back with what the audit log records of them.
 * @module
 */
import type { FastifyRequest } from "fastify";
import type { AuditContext } from "../audit/record.js";

/** An admin of `tenant`, as the audit log records them. */
export interface AdminCaller extends AuditContext {
  tenant: string;
}

/** The request's admin, or a coded refusal (`FORBIDDEN` for anyone else). */
export type AdminResolver = (request: FastifyRequest) => Promise<AdminCaller>;
