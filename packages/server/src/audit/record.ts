/**
 * Recording an action in the tenant's audit log: the one call that every
 * admin, supervisor and system action makes once, after it succeeded. Route
 * handlers build the actor from the request (http/audit.ts); the command line
 * and background jobs use {@link CLI_ACTOR} and {@link systemActor}.
 *
 * What goes in `detail` is small and never secret: counts, the names of the
 * fields changed, a role — not a password, a key, a message or an e-mail.
 * @module
 */
import type { AuditActorType, AuditEntry, AuditRecord } from "../store/lifecycle-store.js";

/** Who acted. */
export interface AuditActor {
  type: AuditActorType;
  /** The agent's user id or the key's id; null for the CLI and the system. */
  id: string | null;
  /** The agent's username, the key's name or the job's name. */
  name: string | null;
}

/** Who acted and from where. */
export interface AuditContext {
  actor: AuditActor;
  /** The client address of the request; null for the CLI and the system. */
  address: string | null;
}

/** Actions recorded by this build; other features add theirs as `noun.verb`. */
export type AuditAction =
  | "customer.exported"
  | "customer.erased"
  | "retention.run"
  | (string & { readonly __auditAction?: never });

/** An operator at the command line. */
export const CLI_ACTOR: AuditContext = { actor: { type: "cli", id: null, name: "cli" }, address: null };

/** A background job of the server (`name`: e.g. `retention`). */
export function systemActor(name: string): AuditContext {
  return { actor: { type: "system", id: null, name }, address: null };
}

/** What records: a tenant's store. */
export interface AuditLog {
  appendAudit(entry: AuditEntry): Promise<AuditRecord>;
}

/** Records that `context` did `action` to `target`. Call once per action, after it succeeded. */
export function recordAudit(
  log: AuditLog,
  context: AuditContext,
  action: AuditAction,
  target?: { type: string; id: string },
  detail?: Record<string, unknown>,
): Promise<AuditRecord> {
  return log.appendAudit({ actor: context.actor, action, target, detail, address: context.address });
}
