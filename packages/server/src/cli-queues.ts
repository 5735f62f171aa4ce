/**
 * `parley queue add | list | remove`: a tenant's queues, straight in the store
 * (as `agent add` is). Members are named by username. Running nodes pick the
 * change up at their next routing pass (a heartbeat, at most 5 s).
 * @module
 */
import {
  DEFAULT_OFFER_SECONDS,
  DEFAULT_QUEUE,
  QUEUE_NAME_PATTERN,
  ROUTING_MODES,
  WAIT_LIMIT_ACTIONS,
  type QueueInfo,
  type RoutingMode,
  type WaitLimitAction,
} from "@parley/protocol";
import { CLI_ACTOR, recordAudit } from "./audit/record.js";
import { UsageError } from "./cli-usage.js";
import type { Store, TenantStore } from "./store/types.js";

const QUEUE_USAGE = [
  "parley queue add <name> --mode manual|auto|external [--members a,b] [--offer-seconds N] [--wait-limit-seconds N --wait-limit-action tell|keep|close [--wait-limit-message M]] [--tenant T] [--data-dir D] [--database-url U]",
  "parley queue list [--tenant T] [--data-dir D] [--database-url U]",
  "parley queue remove <name> [--tenant T] [--data-dir D] [--database-url U]",
].join("\n  ");

/** The usage lines of the queue commands, for the CLI's help. */
export const QUEUE_COMMANDS_USAGE = QUEUE_USAGE;

export interface QueueFlags {
  mode?: string | undefined;
  members?: string | undefined;
  "offer-seconds"?: string | undefined;
  "wait-limit-seconds"?: string | undefined;
  "wait-limit-action"?: string | undefined;
  "wait-limit-message"?: string | undefined;
}

const QUEUE_NAME = new RegExp(QUEUE_NAME_PATTERN);

function integerFlag(name: string, value: string, min: number, max: number): number {
  const number = /^\d{1,7}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max)) throw new UsageError(`--${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  return number;
}

/** Agents' ids from their usernames; an unknown one is an error. */
export async function agentIdsOf(store: TenantStore, usernames: string): Promise<string[]> {
  const ids: string[] = [];
  for (const username of usernames.split(",").map((name) => name.trim()).filter((name) => name !== "")) {
    const agent = await store.findAgentByUsername(username);
    if (agent === undefined) throw new UsageError(`no agent named "${username}"`);
    ids.push(agent.id);
  }
  return [...new Set(ids)];
}

/** Queue names from `--queues a,b`, checked. */
export function queueNames(value: string): string[] {
  const names = value.split(",").map((name) => name.trim()).filter((name) => name !== "");
  for (const name of names) if (!QUEUE_NAME.test(name)) throw new UsageError(`"${name}" is not a queue name (lowercase letters, digits, - and _)`);
  return [...new Set(names)];
}

/** Runs one queue command; resolves with the lines to print. */
export async function queueCommand(store: Store, tenant: string, sub: string | undefined, positionals: string[], flags: QueueFlags): Promise<string[]> {
  if ((await store.getTenant(tenant)) === undefined) throw new UsageError(`no tenant named "${tenant}"`);
  const queues = store.tenant(tenant);
  if (sub === "list") {
    return (await queues.listQueues()).map((queue) => {
      const limit = queue.waitLimitSeconds === null ? "no waiting limit" : `waiting limit ${queue.waitLimitSeconds}s: ${queue.waitLimitAction}`;
      return `${queue.name}  ${queue.mode}  offer ${queue.offerSeconds}s  ${limit}  ${queue.members.length} member(s)`;
    });
  }
  const name = positionals[0];
  if (name === undefined || !QUEUE_NAME.test(name)) throw new UsageError(`usage: ${QUEUE_USAGE}`);
  if (sub === "remove") {
    if (name === DEFAULT_QUEUE) throw new UsageError("the default queue cannot be removed");
    if (!(await queues.deleteQueue(name))) throw new UsageError(`no queue named "${name}" in tenant ${tenant}`);
    await recordAudit(queues, CLI_ACTOR, "queue.deleted", { type: "queue", id: name });
    return [`Queue "${name}" removed from tenant ${tenant}; its waiting chats are routed as the default queue's.`];
  }
  if (sub !== "add") throw new UsageError(`usage: ${QUEUE_USAGE}`);
  const mode = flags.mode ?? "manual";
  if (!(ROUTING_MODES as readonly string[]).includes(mode)) throw new UsageError(`--mode must be manual, auto or external, got "${mode}"`);
  const action = flags["wait-limit-action"] ?? "keep";
  if (!(WAIT_LIMIT_ACTIONS as readonly string[]).includes(action)) throw new UsageError(`--wait-limit-action must be tell, keep or close, got "${action}"`);
  const queue: QueueInfo = {
    name,
    mode: mode as RoutingMode,
    offerSeconds: flags["offer-seconds"] === undefined ? DEFAULT_OFFER_SECONDS : integerFlag("offer-seconds", flags["offer-seconds"], 5, 600),
    waitLimitSeconds: flags["wait-limit-seconds"] === undefined ? null : integerFlag("wait-limit-seconds", flags["wait-limit-seconds"], 1, 7 * 24 * 3600),
    waitLimitAction: action as WaitLimitAction,
    waitLimitMessage: flags["wait-limit-message"] ?? "",
    members: flags.members === undefined ? [] : await agentIdsOf(queues, flags.members),
  };
  const at = new Date().toISOString();
  // The default queue exists without a row: adding it configures it.
  const created = name === DEFAULT_QUEUE ? await queues.updateQueue(name, queue, queue.members, at) : await queues.createQueue(queue, at);
  if (!created) throw new UsageError(`a queue named "${name}" exists already in tenant ${tenant}`);
  await recordAudit(queues, CLI_ACTOR, "queue.created", { type: "queue", id: name }, { mode: queue.mode, members: queue.members.length });
  return [`Queue "${name}" (${queue.mode}, offer ${queue.offerSeconds}s, ${queue.members.length} member(s)) added to tenant ${tenant}.`];
}
