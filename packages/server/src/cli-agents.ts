/**
 * `parley agent list | disable | enable | passwd | role | capacity`: a
 * tenant's agents administered from the command line, straight in the store,
 * by the same rules as over REST (auth/agent-admin.ts: the last enabled admin
 * is kept, each change is audited). A change is announced over Redis when the
 * install has one, so running nodes close a disabled agent's sockets at once;
 * without it, nodes refuse the agent within their cache time (5 s) and close
 * their sockets at the next heartbeat.
 * @module
 */
import { createInterface } from "node:readline";
import type { AgentSummary } from "@parley/protocol";
import { CLI_ACTOR } from "./audit/record.js";
import { AgentAdmin } from "./auth/agent-admin.js";
import { RedisBus } from "./bus/redis.js";
import { UsageError } from "./cli-usage.js";
import type { ParleyConfig } from "./config.js";
import { ParleyError } from "./errors.js";
import { AGENT_STATUS_CHANNEL } from "./realtime/agent-status.js";
import { DEFAULT_TENANT, TENANT_NAME } from "./store/tenant-db.js";
import type { AgentRole, Store } from "./store/types.js";

export const AGENT_COMMANDS_USAGE = [
  "parley agent list [--tenant T] [--data-dir D] [--database-url U]",
  "parley agent disable <username> | parley agent enable <username> [--tenant T] [--data-dir D] [--database-url U]",
  "parley agent passwd <username> [--password P] [--tenant T] [--data-dir D] [--database-url U]   (asks on a terminal without --password)",
  "parley agent role <username> agent|supervisor|admin [--tenant T] [--data-dir D] [--database-url U]",
  "parley agent capacity <username> <N>|default [--tenant T] [--data-dir D] [--database-url U]",
].join("\n  ");

const SUBCOMMANDS = ["list", "disable", "enable", "passwd", "role", "capacity"];

/** Whether `parley agent <sub>` is one of these commands. */
export function isAgentCommand(sub: string | undefined): boolean {
  return sub !== undefined && SUBCOMMANDS.includes(sub);
}

export interface AgentCommandInput {
  sub: string;
  positionals: string[];
  tenant: string | undefined;
  password: string | undefined;
}

/** Where a password is asked for: the terminal (echo off), or the first line of a pipe. */
export type PasswordPrompt = () => Promise<string>;

/** Tells running nodes over Redis that an agent changed; false without Redis or when it cannot be reached. */
async function announce(config: ParleyConfig, tenant: string, agentId: string): Promise<boolean> {
  if (config.redisUrl === null) return false;
  const bus = new RedisBus({ url: config.redisUrl, prefix: config.redisPrefix });
  try {
    await bus.start();
    await bus.publish(AGENT_STATUS_CHANNEL, { tenant, agentId });
    return true;
  } catch {
    return false;
  } finally {
    await bus.close().catch(() => undefined);
  }
}

/** The `agent list` table: one header line and one line per agent, in aligned columns. */
export function agentTable(agents: AgentSummary[]): string[] {
  const rows = [
    ["USERNAME", "NICKNAME", "ROLE", "CAPACITY", "STATE", "LAST SEEN"],
    ...agents.map((agent) => [
      agent.username,
      agent.nickname,
      agent.role,
      agent.capacity === null ? "default" : String(agent.capacity),
      agent.disabledAt === null ? "enabled" : "disabled",
      agent.lastSeenAt ?? "never",
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
}

function usernameOf(input: AgentCommandInput): string {
  const username = input.positionals[0];
  if (username === undefined) throw new UsageError(`usage: ${AGENT_COMMANDS_USAGE}`);
  return username;
}

function capacityOf(value: string | undefined): number | null {
  if (value === "default") return null;
  const capacity = value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(capacity >= 1 && capacity <= 100_000)) throw new UsageError(`the capacity must be an integer between 1 and 100000, or "default", got ${JSON.stringify(value ?? "")}`);
  return capacity;
}

/** Runs one agent command against an open, migrated store; what it prints goes to `print`. */
export async function runAgentCommand(store: Store, config: ParleyConfig, input: AgentCommandInput, print: (line: string) => void, prompt: PasswordPrompt): Promise<void> {
  const tenant = input.tenant ?? DEFAULT_TENANT;
  if (!TENANT_NAME.test(tenant)) throw new UsageError(`--tenant must be a tenant name (lowercase letters, digits, dashes), got "${tenant}"`);
  if ((await store.getTenant(tenant)) === undefined) throw new UsageError(`no tenant named "${tenant}" (add it with: parley tenant add ${tenant})`);
  let isAnnounced = false;
  const admin = new AgentAdmin({
    store,
    changed: async (changedTenant, agentId) => {
      isAnnounced = await announce(config, changedTenant, agentId);
    },
  });
  try {
    if (input.sub === "list") {
      const agents = await admin.list(tenant);
      if (agents.length === 0) print(`No agents in tenant ${tenant}.`);
      else for (const line of agentTable(agents)) print(line);
      return;
    }
    const agent = await admin.byUsername(tenant, usernameOf(input));
    const name = `"${agent.username}" of tenant ${tenant}`;
    switch (input.sub) {
      case "disable": {
        await admin.change(tenant, agent.id, { disabled: true }, CLI_ACTOR);
        print(`Agent ${name} is disabled: they cannot log in, and their tokens are refused.`);
        print(
          isAnnounced
            ? "Running nodes closed their sockets; their chats return to the queue after the grace period."
            : "Running nodes refuse them within 5 seconds and close their sockets at the next heartbeat; disable over REST or the console to close them at once.",
        );
        return;
      }
      case "enable":
        await admin.change(tenant, agent.id, { disabled: false }, CLI_ACTOR);
        print(`Agent ${name} is enabled.`);
        return;
      case "passwd": {
        const password = input.password ?? (await prompt());
        await admin.setPassword(tenant, agent.id, password, CLI_ACTOR);
        print(`The password of agent ${name} is set.`);
        return;
      }
      case "role": {
        const role = input.positionals[1];
        if (role !== "agent" && role !== "supervisor" && role !== "admin") throw new UsageError(`the role must be agent, supervisor or admin, got ${JSON.stringify(role ?? "")}`);
        await admin.change(tenant, agent.id, { role: role as AgentRole }, CLI_ACTOR);
        print(`Agent ${name} is now ${role}.`);
        return;
      }
      case "capacity": {
        const capacity = capacityOf(input.positionals[1]);
        await admin.change(tenant, agent.id, { capacity }, CLI_ACTOR);
        print(`Agent ${name} handles ${capacity === null ? "the default number of" : `up to ${capacity}`} chats at once.`);
        return;
      }
      default:
        throw new UsageError(`usage: ${AGENT_COMMANDS_USAGE}`);
    }
  } catch (error) {
    if (error instanceof ParleyError) throw new UsageError(`${error.code}: ${error.message}`);
    throw error;
  }
}

/**
 * Asks for a new password: on a terminal twice, without echo; from a pipe,
 * its first line (`echo "$PW" | parley agent passwd demo`).
 */
export async function askPassword(): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    const lines = createInterface({ input, terminal: false });
    for await (const line of lines) {
      lines.close();
      return line;
    }
    throw new UsageError("no password given: pass --password P, or type it on a terminal");
  }
  const first = await readHidden("New password: ");
  const second = await readHidden("Again: ");
  if (first !== second) throw new UsageError("the two passwords differ; nothing was changed");
  return first;
}

/** One line from the terminal, not echoed. */
function readHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding("utf8");
    let typed = "";
    const done = (error?: Error): void => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      if (error === undefined) resolve(typed);
      else reject(error);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") return done();
        if (char === "\u0003") return done(new UsageError("cancelled; nothing was changed"));
        if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.on("data", onData);
  });
}
