/**
 * `parley tenant add | list | disable | enable`: tenants administered from
 * the command line, straight in the store. A tenant disabled here is refused
 * by every node within seconds (their tenant records expire, see
 * auth/tenant-gate.ts); sockets already open are closed at once only when it
 * is disabled over REST, which reaches every node through the bus.
 * @module
 */
import { CLI_ACTOR, recordAudit } from "./audit/record.js";
import { UsageError } from "./cli-usage.js";
import { TENANT_NAME } from "./store/tenant-db.js";
import { DuplicateTenantError, type Store, type TenantRecord } from "./store/types.js";

/** The options the tenant commands read. */
export interface TenantFlags {
  "display-name"?: string | undefined;
  "max-agents"?: string | undefined;
  "max-active-chats"?: string | undefined;
  "max-storage"?: string | undefined;
  "retention-days"?: string | undefined;
}

export const TENANT_USAGE = [
  "parley tenant add <name> [--display-name D] [--max-agents N] [--max-active-chats N] [--max-storage 10G] [--retention-days N] [--data-dir D] [--database-url U]",
  "parley tenant list [--data-dir D] [--database-url U]",
  "parley tenant disable <name> | parley tenant enable <name> [--data-dir D] [--database-url U]",
].join("\n  ");

const UNITS: Record<string, number> = { "": 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** `500M`, `10G`, `1T` (powers of 1024) or a number of bytes. */
export function parseSize(value: string): number {
  const match = /^(\d+)\s*([BKMGT]?)i?B?$/i.exec(value.trim());
  const bytes = match === null ? Number.NaN : Number(match[1]) * (UNITS[(match[2] ?? "").toUpperCase()] ?? Number.NaN);
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`invalid size "${value}" (use e.g. 500M, 10G or a number of bytes)`);
  return bytes;
}

function count(name: string, value: string | undefined, minimum: number): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value) || Number(value) < minimum || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`--${name} must be a whole number of at least ${minimum}, got "${value}"`);
  }
  return Number(value);
}

function nameOf(positionals: string[]): string {
  const name = positionals[0];
  if (name === undefined) throw new UsageError(TENANT_USAGE);
  if (!TENANT_NAME.test(name)) throw new UsageError(`a tenant name is 1-63 lowercase letters, digits or dashes (not first or last), got "${name}"`);
  return name;
}

function describe(tenant: TenantRecord): string {
  const { maxAgents, maxActiveChats, maxStorageBytes } = tenant.limits;
  const limit = (value: number | null) => (value === null ? "-" : String(value));
  return [
    tenant.name,
    tenant.status,
    `agents ${limit(maxAgents)}`,
    `active chats ${limit(maxActiveChats)}`,
    `storage ${limit(maxStorageBytes)}`,
    `retention ${tenant.retentionDays === null ? "-" : `${tenant.retentionDays}d`}`,
    JSON.stringify(tenant.displayName),
  ].join("\t");
}

/** Runs `parley tenant <sub> …` on an open, migrated store; resolves with the lines to print. */
export async function tenantCommand(store: Store, sub: string | undefined, positionals: string[], flags: TenantFlags): Promise<string[]> {
  if (sub === "add") {
    const name = nameOf(positionals);
    const tenant: TenantRecord = {
      name,
      displayName: flags["display-name"] ?? name,
      status: "active",
      limits: {
        maxAgents: count("max-agents", flags["max-agents"], 0),
        maxActiveChats: count("max-active-chats", flags["max-active-chats"], 0),
        maxStorageBytes: flags["max-storage"] === undefined ? null : parseSize(flags["max-storage"]),
      },
      retentionDays: count("retention-days", flags["retention-days"], 1),
      createdAt: new Date().toISOString(),
    };
    try {
      await store.createTenant(tenant);
    } catch (error) {
      if (error instanceof DuplicateTenantError) throw new UsageError(error.message);
      throw error;
    }
    await recordAudit(store.tenant(name), CLI_ACTOR, "tenant.created", { type: "tenant", id: name }, { limits: tenant.limits, retentionDays: tenant.retentionDays });
    return [`Tenant "${name}" created.`];
  }
  if (sub === "list") {
    return (await store.listTenants()).map(describe);
  }
  if (sub === "disable" || sub === "enable") {
    const name = nameOf(positionals);
    // The super-admins live in `default`: disabling it would lock every one of them out.
    if (name === "default" && sub === "disable") throw new UsageError("the default tenant cannot be disabled");
    const changed = await store.updateTenant(name, { status: sub === "disable" ? "disabled" : "active" });
    if (changed === undefined) throw new UsageError(`no tenant named "${name}"`);
    await recordAudit(store.tenant(name), CLI_ACTOR, "tenant.updated", { type: "tenant", id: name }, { fields: ["status"] });
    return [`Tenant "${name}" ${changed.status === "disabled" ? "disabled" : "enabled"}.`];
  }
  throw new UsageError(TENANT_USAGE);
}
