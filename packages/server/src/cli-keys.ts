/**
 * `parley key add | list | revoke`: an operator's API keys, straight in the
 * store (as `agent add` is). A revocation is announced over Redis when the
 * install has one, so running nodes refuse the key at once; without it they
 * refuse it within their cache time (5 s).
 * @module
 */
import { CLI_ACTOR } from "./audit/record.js";
import { ApiKeys, API_KEY_REVOCATIONS_CHANNEL } from "./auth/api-keys.js";
import { RedisBus } from "./bus/redis.js";
import type { ParleyConfig } from "./config.js";
import { ParleyError } from "./errors.js";
import type { ApiKeyRecord } from "./store/api-key-queries.js";
import { DEFAULT_TENANT, TENANT_NAME } from "./store/tenant-db.js";
import type { Store } from "./store/types.js";

/** A failure the CLI reports as one line. */
export class KeyCommandError extends Error {}

export interface KeyCommandInput {
  /** `add`, `list` or `revoke`. */
  sub: string | undefined;
  positionals: string[];
  tenant: string | undefined;
  scopes: string | undefined;
}

const KEY_USAGE = [
  "parley key add <name> --scopes transcripts:read,chats:write,config:manage [--tenant T] [--data-dir D] [--database-url U]",
  "parley key list [--tenant T] [--data-dir D] [--database-url U]",
  "parley key revoke <KEY_id> [--tenant T] [--data-dir D] [--database-url U]",
].join("\n  ");

/** The usage lines of the key commands, for the CLI's help. */
export const KEY_COMMANDS_USAGE = KEY_USAGE;

/** One line of `key list`. */
function describe(key: ApiKeyRecord): string {
  const state = key.revokedAt === null ? "active" : `revoked ${key.revokedAt}`;
  return [key.id, `${key.prefix}…`, JSON.stringify(key.name), key.scopes.join(","), `created ${key.createdAt}`, `last used ${key.lastUsedAt ?? "never"}`, state].join("  ");
}

/** Tells running nodes over Redis that a key is revoked; false when there is no Redis or it cannot be reached. */
async function announceRevocation(config: ParleyConfig, tenant: string, keyId: string): Promise<boolean> {
  if (config.redisUrl === null) return false;
  const bus = new RedisBus({ url: config.redisUrl, prefix: config.redisPrefix });
  try {
    await bus.start();
    await bus.publish(API_KEY_REVOCATIONS_CHANNEL, { tenant, keyId });
    return true;
  } catch {
    return false;
  } finally {
    await bus.close().catch(() => undefined);
  }
}

/** Runs one key command against an open, migrated store; what it prints goes to `print`. */
export async function runKeyCommand(store: Store, config: ParleyConfig, input: KeyCommandInput, print: (line: string) => void): Promise<void> {
  const tenant = input.tenant ?? DEFAULT_TENANT;
  if (!TENANT_NAME.test(tenant)) throw new KeyCommandError(`"${tenant}" is not a tenant name`);
  if ((await store.getTenant(tenant)) === undefined) throw new KeyCommandError(`no tenant named "${tenant}"`);
  const keys = new ApiKeys({ stores: (name) => store.tenant(name) });
  try {
    if (input.sub === "add") {
      const name = input.positionals[0];
      if (name === undefined || input.scopes === undefined) throw new KeyCommandError(`usage: ${KEY_USAGE}`);
      const scopes = input.scopes.split(",").map((scope) => scope.trim()).filter((scope) => scope !== "");
      const { key, record } = await keys.create(tenant, { name, scopes }, CLI_ACTOR);
      print(`API key "${record.name}" created for tenant ${tenant} (id ${record.id}, scopes ${record.scopes.join(",")}).`);
      print("It is shown only this once; Parley keeps only its hash:");
      // Alone on the last line, so that scripts can take it with `tail -n 1`.
      print(key);
      return;
    }
    if (input.sub === "list") {
      const list = await keys.list(tenant);
      if (list.length === 0) print(`No API keys in tenant ${tenant}.`);
      for (const key of list) print(describe(key));
      return;
    }
    if (input.sub === "revoke") {
      const id = input.positionals[0];
      if (id === undefined) throw new KeyCommandError(`usage: ${KEY_USAGE}`);
      const revoked = await keys.revoke(tenant, id, CLI_ACTOR);
      if (revoked === undefined) throw new KeyCommandError(`no API key ${id} in tenant ${tenant}`);
      if (!revoked.isNew) {
        print(`API key ${id} was already revoked (${revoked.record.revokedAt}).`);
        return;
      }
      const announced = await announceRevocation(config, tenant, id);
      print(`API key ${id} revoked.${announced ? "" : " Running servers refuse it within 5 seconds."}`);
      return;
    }
    throw new KeyCommandError(`usage: ${KEY_USAGE}`);
  } catch (error) {
    if (error instanceof ParleyError) throw new KeyCommandError(error.message);
    throw error;
  } finally {
    keys.close();
  }
}
