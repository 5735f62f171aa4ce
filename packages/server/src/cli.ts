#!/usr/bin/env node
/**
 * The `parley` command:
 *   parley [serve] [--port P] [--host H] [--data-dir D] [--database-url U] [--redis-url U] [--secret S] [--allowed-origins O] [--tenant-hosts H=T,…] [--shutdown-timeout MS] [--agent-grace-seconds S]
 *   parley agent add <username> --password <pw> [--nickname N] [--tenant T] [--role agent|supervisor|admin] [--capacity N] [--data-dir D] [--database-url U]
 *   parley token agent <username> [--tenant T] [--data-dir D] [--database-url U] [--ttl 12h]
 *   parley tenant add|list|disable|enable … (see cli-tenants.ts)
 *   parley key add <name> --scopes a,b [--tenant T] | key list [--tenant T] | key revoke <id> [--tenant T]
 *   parley agent list | disable | enable | passwd | role | capacity … (see cli-agents.ts)
 *   parley migrate [--data-dir D] [--database-url U]
 * @module
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { CLI_ACTOR, recordAudit } from "./audit/record.js";
import { createAgent } from "./auth/agents.js";
import { KEY_COMMANDS_USAGE, KeyCommandError, runKeyCommand } from "./cli-keys.js";
import { AGENT_COMMANDS_USAGE, askPassword, isAgentCommand, runAgentCommand } from "./cli-agents.js";
import { AGENT_TOKEN_TTL_SECONDS, TokenService, parseTtl } from "./auth/tokens.js";
import { ConfigError, configInputFromFlagsAndEnv, resolveConfig, type ServeFlags } from "./config.js";
import { tenantCommand, TENANT_USAGE } from "./cli-tenants.js";
import { UsageError } from "./cli-usage.js";
import { startWarnings } from "./start-warnings.js";
import { openStore } from "./store/open.js";
import { DEFAULT_TENANT, TENANT_NAME } from "./store/tenant-db.js";
import { DuplicateUsernameError, StoreCorruptError, StoreUnavailableError, type AgentRole, type Store } from "./store/types.js";
import { ParleyError } from "./errors.js";

const USAGE = `Usage:
  parley [serve] [--port 8080] [--host 0.0.0.0] [--data-dir ./data] [--database-url postgres://…] [--redis-url redis://…] [--secret S] [--allowed-origins *] [--tenant-hosts chat.acme.example=acme] [--shutdown-timeout 10000] [--agent-grace-seconds 120]
  parley agent add <username> --password <pw> [--nickname N] [--tenant default] [--role agent|supervisor|admin] [--capacity N] [--data-dir D] [--database-url U]
  ${AGENT_COMMANDS_USAGE}
  parley token agent <username> [--tenant default] [--data-dir D] [--database-url U] [--ttl 12h]
  ${TENANT_USAGE}
  ${KEY_COMMANDS_USAGE}
  parley migrate [--data-dir D] [--database-url U]
DATABASE_URL (or --database-url) selects PostgreSQL; without it, SQLite in the data directory.
REDIS_URL (or --redis-url) connects the node to the others over Redis; without it, one node.`;

const DEMO_MARKER = "demoAgentAnnounced";

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      "database-url": { type: "string" },
      secret: { type: "string" },
      "redis-url": { type: "string" },
      "allowed-origins": { type: "string" },
      "tenant-hosts": { type: "string" },
      tenant: { type: "string" },
      role: { type: "string" },
      "display-name": { type: "string" },
      "max-agents": { type: "string" },
      "max-active-chats": { type: "string" },
      "max-storage": { type: "string" },
      "retention-days": { type: "string" },
      "shutdown-timeout": { type: "string" },
      "agent-grace-seconds": { type: "string" },
      password: { type: "string" },
      nickname: { type: "string" },
      capacity: { type: "string" },
      ttl: { type: "string" },
      scopes: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function configFor(flags: ServeFlags) {
  return resolveConfig(configInputFromFlagsAndEnv(flags, process.env));
}

/** The configured store, migrated; closed again if migrating fails. */
async function openMigratedStore(config: ReturnType<typeof configFor>): Promise<Store> {
  const store = openStore(config);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

/** `--tenant`, `default` when absent. */
function tenantFlag(values: ReturnType<typeof parse>["values"]): string {
  const tenant = values.tenant ?? DEFAULT_TENANT;
  if (!TENANT_NAME.test(tenant)) throw new UsageError(`--tenant must be a tenant name (lowercase letters, digits, dashes), got "${tenant}"`);
  return tenant;
}

/** The storage flags given, to pass on to {@link configFor}. */
function storageFlags(values: ReturnType<typeof parse>["values"]): ServeFlags {
  const flags: ServeFlags = {};
  if (values["data-dir"] !== undefined) flags["data-dir"] = values["data-dir"];
  if (values["database-url"] !== undefined) flags["database-url"] = values["database-url"];
  return flags;
}

/**
 * First start on an empty install: a demo agent, so the newcomer can log in at
 * once. Nodes starting together on one new database each try; the username is
 * unique, so one creates it and the others learn they lost (only the winner
 * knows the password and prints it).
 */
async function createDemoAgent(store: Store): Promise<{ outcome: "created"; password: string } | { outcome: "createdElsewhere" | "notNeeded" }> {
  const desk = store.tenant(DEFAULT_TENANT);
  if ((await desk.countAgents()) > 0 || (await store.getMeta(DEMO_MARKER)) !== undefined) return { outcome: "notNeeded" };
  const password = randomBytes(12).toString("base64url");
  try {
    // The first agent of a new install runs it, as every agent did before roles: an admin of `default`.
    await createAgent(desk, { username: "demo", password, nickname: "Demo agent", role: "admin" });
  } catch (error) {
    if (error instanceof DuplicateUsernameError) return { outcome: "createdElsewhere" };
    throw error;
  }
  await store.setMeta(DEMO_MARKER, new Date().toISOString());
  return { outcome: "created", password };
}

async function serve(flags: ServeFlags): Promise<void> {
  // Loaded here only: the server pulls in the image and media libraries, which the admin commands never need.
  const { createParleyServer } = await import("./server.js");
  const server = createParleyServer(configInputFromFlagsAndEnv(flags, process.env));
  let url: string;
  try {
    ({ url } = await server.listen());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      await server.close().catch(() => undefined);
      throw new UsageError(
        `port ${server.config.port} is already in use on ${server.config.host}; start with --port <another> (or PORT=<another>), or stop what uses it`,
      );
    }
    throw error;
  }
  for (const warning of startWarnings(server.config)) console.error(`parley: warning: ${warning}`);
  // Ready to stop before anything is printed: whoever reads the banner may stop the server at once.
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, "shutting down");
    // close() bounds itself; this is the last resort if closing the store or the bus hangs.
    setTimeout(() => {
      console.error(`parley: did not stop within ${server.config.shutdownTimeoutMs} ms; exiting`);
      process.exit(1);
    }, server.config.shutdownTimeoutMs + 5000).unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  const demo = await createDemoAgent(server.store);
  if (demo.outcome === "created") {
    const { password } = demo;
    console.log(
      [
        "",
        "  ==============================================================",
        "   Parley is running. A demo agent was created (shown only once):",
        `     demo page: ${url}/  (a company page with the chat widget)`,
        `     console:   ${url}/console  (log in there as the agent below)`,
        `     URL:      ${url}`,
        "     username: demo",
        `     password: ${password}`,
        "   Get an agent token with:",
        `     curl -s -X POST ${url}/v1/auth/login -H 'content-type: application/json' \\`,
        `       -d '{"username":"demo","password":"${password}"}'`,
        `   or, from this directory: npx parley token agent demo --data-dir ${server.config.dataDir}`,
        "  ==============================================================",
        "",
      ].join("\n"),
    );
  } else {
    if (demo.outcome === "createdElsewhere") {
      console.log("A demo agent (username: demo) was created by another node starting at the same time: its password is in that node's output.");
    }
    console.log(`Parley is running at ${url} (demo page: ${url}/, agent console: ${url}/console; commands: npx parley --help)`);
  }
}

async function agentAdd(positionals: string[], values: ReturnType<typeof parse>["values"]): Promise<void> {
  const username = positionals[0];
  if (username === undefined || values.password === undefined) {
    throw new UsageError("parley agent add <username> --password <pw> [--nickname N] [--tenant T] [--role agent|supervisor|admin] [--capacity N] [--data-dir D] [--database-url U]");
  }
  const tenant = tenantFlag(values);
  const role = values.role ?? "agent";
  if (!["agent", "supervisor", "admin"].includes(role)) throw new UsageError(`--role must be agent, supervisor or admin, got "${role}"`);
  const capacity = values.capacity === undefined ? undefined : agentCapacity(values.capacity);
  const store = await openMigratedStore(configFor(storageFlags(values)));
  try {
    const record = await store.getTenant(tenant);
    if (record === undefined) throw new UsageError(`no tenant named "${tenant}" (add it with: parley tenant add ${tenant})`);
    const input: Parameters<typeof createAgent>[1] = { username, password: values.password, role: role as AgentRole };
    if (values.nickname !== undefined) input.nickname = values.nickname;
    const agent = await createAgent(store.tenant(tenant), input, record.limits.maxAgents);
    if (capacity !== undefined) await store.tenant(tenant).setAgentCapacity(agent.id, capacity);
    await recordAudit(store.tenant(tenant), CLI_ACTOR, "agent.created", { type: "agent", id: agent.id }, { username: agent.username, role: agent.role, ...(capacity === undefined ? {} : { capacity }) });
    console.log(`Agent "${agent.username}" created in tenant ${tenant} as ${agent.role} (id ${agent.id}).`);
  } catch (error) {
    if (error instanceof DuplicateUsernameError) throw new UsageError(`${error.message} in tenant ${tenant}`);
    if (error instanceof ParleyError) throw new UsageError(`${error.code}: ${error.message}`);
    if (error instanceof Error && !(error instanceof ConfigError) && /username|password/.test(error.message)) {
      throw new UsageError(error.message);
    }
    throw error;
  } finally {
    await store.close();
  }
}

/** `--capacity`: the most chats the agent handles at once (without it, `PARLEY_AGENT_CAPACITY`). */
function agentCapacity(value: string): number {
  const capacity = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!(capacity >= 1 && capacity <= 100_000)) throw new UsageError(`--capacity must be an integer between 1 and 100000, got ${JSON.stringify(value)}`);
  return capacity;
}

async function tokenAgent(positionals: string[], values: ReturnType<typeof parse>["values"]): Promise<void> {
  const username = positionals[0];
  if (username === undefined) throw new UsageError("parley token agent <username> [--tenant T] [--data-dir D] [--database-url U] [--ttl 12h]");
  const tenant = tenantFlag(values);
  let ttl = AGENT_TOKEN_TTL_SECONDS;
  if (values.ttl !== undefined) {
    try {
      ttl = parseTtl(values.ttl);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const config = configFor({ ...storageFlags(values), ...(values.secret === undefined ? {} : { secret: values.secret }) });
  const store = await openMigratedStore(config);
  try {
    const agent = await store.tenant(tenant).findAgentByUsername(username);
    if (agent === undefined) throw new UsageError(`no agent named "${username}" in tenant ${tenant}`);
    const { token } = await new TokenService(config.secret).issueAgent(agent, ttl);
    console.log(token);
  } finally {
    await store.close();
  }
}

async function keyCommand(sub: string | undefined, positionals: string[], values: ReturnType<typeof parse>["values"]): Promise<void> {
  const config = configFor({ ...storageFlags(values), ...(values["redis-url"] === undefined ? {} : { "redis-url": values["redis-url"] }) });
  const store = await openMigratedStore(config);
  try {
    await runKeyCommand(store, config, { sub, positionals, tenant: values.tenant, scopes: values.scopes }, (line) => console.log(line));
  } catch (error) {
    if (error instanceof KeyCommandError) throw new UsageError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

async function agentCommand(sub: string, positionals: string[], values: ReturnType<typeof parse>["values"]): Promise<void> {
  const config = configFor({ ...storageFlags(values), ...(values["redis-url"] === undefined ? {} : { "redis-url": values["redis-url"] }) });
  const store = await openMigratedStore(config);
  try {
    await runAgentCommand(store, config, { sub, positionals, tenant: values.tenant, password: values.password }, (line) => console.log(line), askPassword);
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const [command = "serve", sub, ...rest] = positionals;
  const serveFlags: ServeFlags = {};
  for (const key of ["port", "host", "data-dir", "database-url", "secret", "allowed-origins", "tenant-hosts", "redis-url", "shutdown-timeout", "agent-grace-seconds"] as const) {
    const value = values[key];
    if (value !== undefined) serveFlags[key] = value;
  }
  if (command === "serve") return serve(serveFlags);
  if (command === "migrate") {
    const config = configFor(serveFlags);
    const store = await openMigratedStore(config);
    await store.close();
    console.log(config.databaseUrl === undefined ? "Database is up to date." : "PostgreSQL database is up to date.");
    return;
  }
  if (command === "agent" && sub === "add") return agentAdd(rest, values);
  if (command === "agent" && isAgentCommand(sub)) return agentCommand(sub!, rest, values);
  if (command === "token" && sub === "agent") return tokenAgent(rest, values);
  if (command === "key") return keyCommand(sub, rest, values);
  if (command === "tenant") {
    const store = await openMigratedStore(configFor(storageFlags(values)));
    try {
      for (const line of await tenantCommand(store, sub, rest, values)) console.log(line);
      return;
    } finally {
      await store.close();
    }
  }
  throw new UsageError(`unknown command "${positionals.join(" ")}"\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ConfigError) console.error(`parley: ${error.message}`);
  else if (error instanceof StoreCorruptError) console.error(error.advice);
  else if (error instanceof StoreUnavailableError) console.error(`parley: the database is unavailable: ${error.reason}`);
  else console.error(error);
  process.exit(1);
});
