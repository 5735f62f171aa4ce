/**
 * Server configuration: defaults, environment variables and flags, validated
 * once at start so that a bad value fails with a clear message instead of
 * misbehaving later.
 * @module
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_AGENT_CAPACITY, DEFAULT_LIMITS, TENANT_PATTERN, type Limits } from "@parley/protocol";
import { LOG_LEVELS, type LogLevel } from "./logger.js";

/** Everything the server needs to run, after defaults and validation. */
export interface ParleyConfig {
  port: number;
  host: string;
  /** Where the SQLite database, media files, upload spool and the generated secret live. */
  dataDir: string;
  /**
   * `postgres://…` to keep chats, events and media in PostgreSQL (several
   * nodes share it); `undefined` for SQLite and files under `dataDir`.
   */
  databaseUrl: string | undefined;
  /** Key signing every token (HS256). */
  secret: string;
  logLevel: LogLevel;
  limits: Limits;
  /** `POST /v1/contacts` per client address per minute. */
  contactsPerMinute: number;
  /** `POST /v1/contacts/:chatId/uploads` per client address per minute (each upload costs disk and CPU). */
  uploadsPerMinute: number;
  /** `POST /v1/auth/login` per client address per minute (bounds password guessing). */
  loginsPerMinute: number;
  /** A socket must say hello within this long (protocol: 10 s). */
  helloTimeoutMs: number;
  /**
   * Which reverse proxies' `X-Forwarded-For` to believe when keying per-address
   * limits: `false` (none, the default), `true` (any), or a list of addresses/CIDRs.
   */
  trustProxy: boolean | string[];
  /** Redis for fan-out between nodes (`redis://…`); null runs one node with the in-process bus. */
  redisUrl: string | null;
  /** Prefix of every Redis channel, so that installations (or tests) can share one Redis. */
  redisPrefix: string;
  /**
   * Web origins (`https://shop.example.com`) whose pages may call the HTTP API
   * and open sockets from a browser (CORS and the WebSocket `Origin` check), or
   * `"*"` for any origin (the default: tokens travel in headers, never in
   * cookies, so a foreign page gains nothing a token does not already give).
   * The server's own origin is always allowed.
   */
  allowedOrigins: "*" | string[];
  /**
   * Host names mapped to tenants (`chat.acme.example` → `acme`): a request to
   * a mapped host is that tenant's, and naming another tenant is refused with
   * `TENANT_MISMATCH`. Empty by default: every request is `default`'s unless
   * it names a tenant.
   */
  tenantHosts: Record<string, string>;
  /**
   * Images processed at once on this node. Each takes a thread of libuv's pool
   * for as long as it runs, so this stays below the pool's size
   * (`UV_THREADPOOL_SIZE`, 4 by default): logins, file reads and uploads of
   * everyone else always find a thread.
   */
  imageJobs: number;
  /** Images ready to process (their upload complete) waiting their turn; past it they are refused with `RATE_LIMITED`. */
  imageQueue: number;
  /** Images one client address may have in progress at once (running or waiting); past it, `RATE_LIMITED`. */
  imageJobsPerAddress: number;
  /** The most one image may take to be checked, resized and given its thumbnail; past it, `MEDIA_PROCESSING_TIMEOUT`. */
  imageTimeoutMs: number;
  /** Timeouts and connection caps of the HTTP server (see {@link HttpGuards}). */
  http: HttpGuards;
  /** A graceful stop takes at most this long; then every connection left is closed. */
  shutdownTimeoutMs: number;
  /**
   * A token that `/metrics` requires as `Authorization: Bearer <token>`; null
   * leaves `/metrics` open to anyone who reaches the port (warned at start).
   */
  metricsToken: string | null;
  /** Between two runs of the retention job on this node (ms); the first runs 30 s after start. */
  retentionIntervalMs: number;
  /** An agent with no socket on any node for this long has their active chats returned to the queue (see docs/routing.md). */
  agentGraceSeconds: number;
  /** Chats an agent handles at once unless their own capacity is set (see docs/routing.md). */
  agentCapacity: number;
  /**
   * The address clients reach this install at (`https://chat.example.com`), for links
   * handed to other systems (a webhook's media download link); null: links are paths.
   */
  publicUrl: string | null;
  /** How often each node's webhook worker looks for due deliveries (docs/webhooks.md). */
  webhookPollMs: number;
  /** The first retry of a failed webhook delivery comes after about this long; each next one after twice as long, up to an hour. */
  webhookRetryBaseMs: number;
  /**
   * Whether webhook endpoints may be private, loopback or link-local addresses
   * (`PARLEY_WEBHOOK_PRIVATE`): `allow` (the default: self-hosted receivers are
   * often internal) or `deny` (checked at registration and at every delivery).
   */
  webhookPrivate: "allow" | "deny";
}

/**
 * What bounds a client's hold on the HTTP server: a stalled or trickled
 * request is cut off, and no one address or token can hold every connection.
 */
export interface HttpGuards {
  /** The request line and headers must arrive within this long (slowloris). */
  headersTimeoutMs: number;
  /** A whole request, body included, must arrive within this long (25 MiB on a slow phone fits). */
  requestTimeoutMs: number;
  /** A request body that sends nothing for this long is cut off with `REQUEST_BODY_TIMEOUT`. */
  bodyIdleTimeoutMs: number;
  /** Open connections to the whole server (WebSockets included); past it, new ones are answered 503 and closed. */
  maxConnections: number;
  /** Open connections from one client address; past it, new ones are answered 429 `CONNECTION_LIMIT` and closed. */
  maxConnectionsPerAddress: number;
  /** Requests in flight with one token (uploads are the long ones); past it, 429 `CONNECTION_LIMIT`. */
  maxRequestsPerToken: number;
}

export const DEFAULT_HTTP_GUARDS: HttpGuards = {
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 300_000,
  bodyIdleTimeoutMs: 15_000,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 256,
  maxRequestsPerToken: 32,
};

/** `headersTimeoutMs` → `PARLEY_HEADERS_TIMEOUT_MS`. */
const HTTP_GUARD_ENV: Record<keyof HttpGuards, string> = {
  headersTimeoutMs: "PARLEY_HEADERS_TIMEOUT_MS",
  requestTimeoutMs: "PARLEY_REQUEST_TIMEOUT_MS",
  bodyIdleTimeoutMs: "PARLEY_BODY_IDLE_TIMEOUT_MS",
  maxConnections: "PARLEY_MAX_CONNECTIONS",
  maxConnectionsPerAddress: "PARLEY_MAX_CONNECTIONS_PER_ADDRESS",
  maxRequestsPerToken: "PARLEY_MAX_REQUESTS_PER_TOKEN",
};

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** The retention job runs every 10 minutes on every node (a lease keeps them from doing the same work). */
export const DEFAULT_RETENTION_INTERVAL_MS = 10 * 60 * 1000;

/** What a caller may set; everything is optional and validated by {@link resolveConfig}. */
export interface ConfigInput {
  port?: number | string;
  host?: string;
  dataDir?: string;
  /** `postgres://user:password@host:port/database`; empty or absent for SQLite. */
  databaseUrl?: string;
  secret?: string;
  logLevel?: string;
  limits?: Partial<Limits>;
  contactsPerMinute?: number | string;
  uploadsPerMinute?: number | string;
  loginsPerMinute?: number | string;
  helloTimeoutMs?: number;
  /** `true`, `false`, or proxy addresses/CIDRs (a list, or a comma-separated string). */
  trustProxy?: boolean | string | string[];
  /** `redis://…` or `rediss://…`; empty or absent for one node without Redis. */
  redisUrl?: string;
  redisPrefix?: string;
  /** `"*"`, or origins (a list, or a comma-separated string). */
  allowedOrigins?: string | string[];
  /** `host=tenant` pairs (a map, or a comma-separated string). */
  tenantHosts?: string | Record<string, string>;
  imageJobs?: number | string;
  imageQueue?: number | string;
  imageJobsPerAddress?: number | string;
  imageTimeoutMs?: number | string;
  http?: { [K in keyof HttpGuards]?: number | string };
  shutdownTimeoutMs?: number | string;
  metricsToken?: string;
  retentionIntervalMs?: number | string;
  agentGraceSeconds?: number | string;
  agentCapacity?: number | string;
  publicUrl?: string;
  webhookPollMs?: number | string;
  webhookRetryBaseMs?: number | string;
  webhookPrivate?: string;
}

/** Raised for a configuration value that cannot be used. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = "0.0.0.0";
export const DEFAULT_DATA_DIR = "./data";
export const DEFAULT_CONTACTS_PER_MINUTE = 30;
export const DEFAULT_LOGINS_PER_MINUTE = 10;
export const DEFAULT_UPLOADS_PER_MINUTE = 60;
export const DEFAULT_REDIS_PREFIX = "parley:";
export const DEFAULT_IMAGE_QUEUE = 32;
export const DEFAULT_IMAGE_JOBS_PER_ADDRESS = 2;
/** Ten times what a 40-megapixel photo takes on one core; only a hostile image needs longer. */
export const DEFAULT_IMAGE_TIMEOUT_MS = 10_000;
/** Each node looks for due webhook deliveries every second. */
export const DEFAULT_WEBHOOK_POLL_MS = 1_000;
/** A failed delivery is retried after about 10 s, then 20 s, 40 s… up to an hour between tries. */
export const DEFAULT_WEBHOOK_RETRY_BASE_MS = 10_000;

/** `PARLEY_PUBLIC_URL`: an absolute http(s) URL without a path's trailing slash; empty or absent for none. */
function resolvePublicUrl(value: string | undefined): string | null {
  if (value === undefined || value.trim() === "") return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(`PARLEY_PUBLIC_URL must be an absolute http or https URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError("PARLEY_PUBLIC_URL must be an http or https URL");
  return url.toString().replace(/\/+$/, "");
}

/** Two minutes: a page reload, a laptop lid closed for a moment or a node's restart never return an agent's chats. */
export const DEFAULT_AGENT_GRACE_SECONDS = 120;

/** libuv's thread pool size: what the environment set before the process started, else libuv's default of 4. */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const size = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? size : 4;
}

/** Two image jobs at once, or fewer on a smaller pool, always leaving threads for the rest. */
export function defaultImageJobs(poolSize = threadPoolSize()): number {
  return Math.max(1, Math.min(2, poolSize - 2));
}
/** HS256 wants a key at least as long as its hash (32 bytes); refuse weak secrets. */
const MIN_SECRET_LENGTH = 32;

/** `maxTextLength` → `PARLEY_MAX_TEXT_LENGTH`. */
export function limitEnvName(key: keyof Limits): string {
  return `PARLEY_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** `allow` (the default) or `deny`; anything else is refused rather than guessed at. */
function resolveWebhookPrivate(value: string | undefined): "allow" | "deny" {
  if (value === undefined || value === "" || value === "allow") return "allow";
  if (value === "deny") return "deny";
  throw new ConfigError(`webhookPrivate (PARLEY_WEBHOOK_PRIVATE) must be allow or deny, not ${JSON.stringify(value)}`);
}

function toInteger(name: string, value: number | string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === "number" ? value : /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Reads limit overrides from `PARLEY_*` variables. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<Limits> {
  const limits: Partial<Limits> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const name = limitEnvName(key);
    const raw = env[name];
    if (raw !== undefined && raw !== "") limits[key] = toInteger(name, raw, 1);
  }
  return limits;
}

/** Merges and validates limit overrides: every limit is a positive integer. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof Limits, number | undefined][]) {
    if (!(key in DEFAULT_LIMITS)) throw new ConfigError(`unknown limit "${key}"`);
    if (value !== undefined) limits[key] = toInteger(`limits.${key}`, value, 1);
  }
  return limits;
}

/**
 * The secret from the operator, or the one generated on first start and kept
 * in `<dataDir>/secret` (mode 0600) so that tokens survive restarts.
 */
export function resolveSecret(dataDir: string, given?: string): string {
  if (given !== undefined && given !== "") {
    if (given.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`the secret must be at least ${MIN_SECRET_LENGTH} characters long`);
    }
    return given;
  }
  const file = join(dataDir, "secret");
  if (existsSync(file)) {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length < MIN_SECRET_LENGTH) throw new ConfigError(`${file} holds a secret that is too short`);
    return stored;
  }
  // The data directory holds the database, the media and this secret: its owner only.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  // "wx": never overwrite a secret another process wrote meanwhile.
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return secret;
}

/**
 * A PostgreSQL URL as `pg` reads it, checked before anything connects so that
 * a typo is named at once; whether the database answers is checked at start.
 */
export function resolveDatabaseUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value.trim());
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "postgres:" && url.protocol !== "postgresql:") || url.hostname === "") {
    // Never echo the value: it may hold a password.
    throw new ConfigError("DATABASE_URL must be a URL like postgres://user:password@host:5432/database");
  }
  return value.trim();
}

/** Validates an input and fills in defaults. */
export function resolveConfig(input: ConfigInput): ParleyConfig {
  const dataDir = resolve(input.dataDir ?? DEFAULT_DATA_DIR);
  const logLevel = input.logLevel ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  }
  const host = input.host ?? DEFAULT_HOST;
  if (host.trim() === "") throw new ConfigError("host must not be empty");
  return {
    port: toInteger("port", input.port ?? DEFAULT_PORT, 0, 65_535),
    host,
    dataDir,
    databaseUrl: resolveDatabaseUrl(input.databaseUrl),
    secret: resolveSecret(dataDir, input.secret),
    logLevel: logLevel as LogLevel,
    limits: resolveLimits(input.limits),
    contactsPerMinute: toInteger("contactsPerMinute", input.contactsPerMinute ?? DEFAULT_CONTACTS_PER_MINUTE, 1),
    uploadsPerMinute: toInteger("uploadsPerMinute", input.uploadsPerMinute ?? DEFAULT_UPLOADS_PER_MINUTE, 1),
    loginsPerMinute: toInteger("loginsPerMinute", input.loginsPerMinute ?? DEFAULT_LOGINS_PER_MINUTE, 1),
    helloTimeoutMs: toInteger("helloTimeoutMs", input.helloTimeoutMs ?? 10_000, 1),
    trustProxy: resolveTrustProxy(input.trustProxy),
    redisUrl: resolveRedisUrl(input.redisUrl),
    redisPrefix: resolveRedisPrefix(input.redisPrefix),
    allowedOrigins: resolveAllowedOrigins(input.allowedOrigins),
    tenantHosts: resolveTenantHosts(input.tenantHosts),
    imageJobs: resolveImageJobs(input.imageJobs),
    imageQueue: toInteger("imageQueue", input.imageQueue ?? DEFAULT_IMAGE_QUEUE, 0),
    imageJobsPerAddress: toInteger("imageJobsPerAddress", input.imageJobsPerAddress ?? DEFAULT_IMAGE_JOBS_PER_ADDRESS, 1),
    imageTimeoutMs: toInteger("imageTimeoutMs", input.imageTimeoutMs ?? DEFAULT_IMAGE_TIMEOUT_MS, 1_000),
    http: resolveHttpGuards(input.http),
    shutdownTimeoutMs: toInteger("shutdownTimeoutMs", input.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS, 1),
    metricsToken: resolveMetricsToken(input.metricsToken),
    retentionIntervalMs: toInteger("retentionIntervalMs", input.retentionIntervalMs ?? DEFAULT_RETENTION_INTERVAL_MS, 1_000),
    agentGraceSeconds: toInteger("agentGraceSeconds", input.agentGraceSeconds ?? DEFAULT_AGENT_GRACE_SECONDS, 1, 86_400),
    agentCapacity: toInteger("agentCapacity", input.agentCapacity ?? DEFAULT_AGENT_CAPACITY, 1, 100_000),
    publicUrl: resolvePublicUrl(input.publicUrl),
    webhookPollMs: toInteger("webhookPollMs", input.webhookPollMs ?? DEFAULT_WEBHOOK_POLL_MS, 50, 60_000),
    webhookRetryBaseMs: toInteger("webhookRetryBaseMs", input.webhookRetryBaseMs ?? DEFAULT_WEBHOOK_RETRY_BASE_MS, 10, 3_600_000),
    webhookPrivate: resolveWebhookPrivate(input.webhookPrivate),
  };
}

/** `PARLEY_IMAGE_JOBS`: at least 1, and below the thread pool's size so image work can never take every thread. */
function resolveImageJobs(value: number | string | undefined): number {
  const poolSize = threadPoolSize();
  if (value === undefined) return defaultImageJobs(poolSize);
  const jobs = toInteger("imageJobs", value, 1);
  if (poolSize > 1 && jobs >= poolSize) {
    throw new ConfigError(`PARLEY_IMAGE_JOBS must be below the thread pool's size (UV_THREADPOOL_SIZE, ${poolSize}), got ${jobs}`);
  }
  return jobs;
}

function resolveHttpGuards(input: ConfigInput["http"] = {}): HttpGuards {
  const guards: HttpGuards = { ...DEFAULT_HTTP_GUARDS };
  for (const [key, value] of Object.entries(input) as [keyof HttpGuards, number | string | undefined][]) {
    if (!(key in DEFAULT_HTTP_GUARDS)) throw new ConfigError(`unknown HTTP option "${key}"`);
    if (value !== undefined) guards[key] = toInteger(HTTP_GUARD_ENV[key], value, 1);
  }
  return guards;
}

/** `PARLEY_METRICS_TOKEN`: long enough not to be guessed. */
function resolveMetricsToken(value: string | undefined): string | null {
  if (value === undefined || value === "") return null;
  if (value.length < 16) throw new ConfigError("PARLEY_METRICS_TOKEN must be at least 16 characters long");
  return value;
}

/** `REDIS_URL`: checked for its form here; whether Redis answers is checked when the server starts. */
function resolveRedisUrl(value: string | undefined): string | null {
  if (value === undefined || value.trim() === "") return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(`REDIS_URL must be a URL such as redis://127.0.0.1:6379, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://, got ${JSON.stringify(url.protocol)}`);
  }
  if (url.hostname === "") throw new ConfigError("REDIS_URL must name a host, such as redis://127.0.0.1:6379");
  return value.trim();
}

/** `PARLEY_REDIS_PREFIX`: printable, no spaces, at most 64 characters. */
function resolveRedisPrefix(value: string | undefined): string {
  if (value === undefined) return DEFAULT_REDIS_PREFIX;
  if (!/^[\x21-\x7e]{1,64}$/.test(value)) {
    throw new ConfigError(`PARLEY_REDIS_PREFIX must be 1 to 64 printable characters without spaces, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `PARLEY_TRUST_PROXY`: `true`, `false`, or a comma-separated list of proxy addresses or CIDRs. */
function resolveTrustProxy(value: boolean | string | string[] | undefined): boolean | string[] {
  if (value === undefined || typeof value === "boolean") return value ?? false;
  const list = (Array.isArray(value) ? value : value.split(",")).map((entry) => entry.trim()).filter((entry) => entry !== "");
  if (list.length === 1 && (list[0] === "true" || list[0] === "false")) return list[0] === "true";
  if (list.length === 0 || list.some((entry) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry))) {
    throw new ConfigError(`PARLEY_TRUST_PROXY must be true, false or addresses/CIDRs separated by commas, got ${JSON.stringify(value)}`);
  }
  return list;
}

/**
 * `PARLEY_ALLOWED_ORIGINS`: `*` (any origin), or comma-separated origins such as
 * `https://shop.example.com,https://www.example.com` — scheme, host and port only,
 * exactly as browsers send them in the `Origin` header.
 */
export function resolveAllowedOrigins(value: string | string[] | undefined): "*" | string[] {
  if (value === undefined) return "*";
  const list = (Array.isArray(value) ? value : value.split(",")).map((entry) => entry.trim()).filter((entry) => entry !== "");
  if (list.length === 1 && list[0] === "*") return "*";
  const invalid = list.find((entry) => {
    try {
      const url = new URL(entry);
      return !["http:", "https:"].includes(url.protocol) || url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "";
    } catch {
      return true;
    }
  });
  if (list.length === 0 || invalid !== undefined) {
    throw new ConfigError(
      `PARLEY_ALLOWED_ORIGINS must be * or origins like https://shop.example.com separated by commas, got ${JSON.stringify(invalid ?? value)}`,
    );
  }
  return list.map((entry) => new URL(entry).origin);
}

/**
 * `PARLEY_TENANT_HOSTS`: comma-separated `host=tenant` pairs such as
 * `chat.acme.example=acme,help.globex.example=globex`. Host names are
 * compared without their port and case.
 */
export function resolveTenantHosts(value: string | Record<string, string> | undefined): Record<string, string> {
  if (value === undefined) return {};
  const pairs =
    typeof value === "string"
      ? value
          .split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== "")
          .map((entry) => entry.split("=").map((part) => part.trim()))
      : Object.entries(value);
  const hosts: Record<string, string> = {};
  for (const pair of pairs) {
    const [host, tenant] = pair;
    if (pair.length !== 2 || host === undefined || host === "" || /[\s/:@]/.test(host) || tenant === undefined || !new RegExp(TENANT_PATTERN).test(tenant)) {
      throw new ConfigError(`PARLEY_TENANT_HOSTS must be host=tenant pairs separated by commas (tenant: a-z, 0-9, -), got ${JSON.stringify(pair.join("="))}`);
    }
    hosts[host.toLowerCase()] = tenant;
  }
  return hosts;
}

/** Flags of `parley serve`, as parsed by the CLI. */
export interface ServeFlags {
  port?: string;
  host?: string;
  "data-dir"?: string;
  "database-url"?: string;
  secret?: string;
  "redis-url"?: string;
  "allowed-origins"?: string;
  "tenant-hosts"?: string;
  "shutdown-timeout"?: string;
  "agent-grace-seconds"?: string;
}

/** Flags win over the environment, which wins over defaults. */
export function configInputFromFlagsAndEnv(flags: ServeFlags, env: NodeJS.ProcessEnv): ConfigInput {
  const input: ConfigInput = { limits: limitsFromEnv(env) };
  const port = flags.port ?? env.PORT;
  if (port !== undefined) input.port = port;
  const host = flags.host ?? env.HOST;
  if (host !== undefined) input.host = host;
  const dataDir = flags["data-dir"] ?? env.PARLEY_DATA_DIR;
  if (dataDir !== undefined) input.dataDir = dataDir;
  const databaseUrl = flags["database-url"] ?? env.DATABASE_URL;
  if (databaseUrl !== undefined) input.databaseUrl = databaseUrl;
  const secret = flags.secret ?? env.PARLEY_SECRET;
  if (secret !== undefined) input.secret = secret;
  if (env.LOG_LEVEL !== undefined) input.logLevel = env.LOG_LEVEL;
  if (env.PARLEY_CONTACTS_PER_MINUTE !== undefined) input.contactsPerMinute = env.PARLEY_CONTACTS_PER_MINUTE;
  if (env.PARLEY_UPLOADS_PER_MINUTE !== undefined) input.uploadsPerMinute = env.PARLEY_UPLOADS_PER_MINUTE;
  if (env.PARLEY_LOGINS_PER_MINUTE !== undefined) input.loginsPerMinute = env.PARLEY_LOGINS_PER_MINUTE;
  if (env.PARLEY_TRUST_PROXY !== undefined) input.trustProxy = env.PARLEY_TRUST_PROXY;
  const redisUrl = flags["redis-url"] ?? env.REDIS_URL;
  if (redisUrl !== undefined) input.redisUrl = redisUrl;
  if (env.PARLEY_REDIS_PREFIX !== undefined) input.redisPrefix = env.PARLEY_REDIS_PREFIX;
  const allowedOrigins = flags["allowed-origins"] ?? env.PARLEY_ALLOWED_ORIGINS;
  if (allowedOrigins !== undefined) input.allowedOrigins = allowedOrigins;
  const tenantHosts = flags["tenant-hosts"] ?? env.PARLEY_TENANT_HOSTS;
  if (tenantHosts !== undefined) input.tenantHosts = tenantHosts;
  if (env.PARLEY_IMAGE_JOBS !== undefined) input.imageJobs = env.PARLEY_IMAGE_JOBS;
  if (env.PARLEY_IMAGE_QUEUE !== undefined) input.imageQueue = env.PARLEY_IMAGE_QUEUE;
  if (env.PARLEY_IMAGE_JOBS_PER_ADDRESS !== undefined) input.imageJobsPerAddress = env.PARLEY_IMAGE_JOBS_PER_ADDRESS;
  if (env.PARLEY_IMAGE_TIMEOUT_MS !== undefined) input.imageTimeoutMs = env.PARLEY_IMAGE_TIMEOUT_MS;
  const http: NonNullable<ConfigInput["http"]> = {};
  for (const [key, name] of Object.entries(HTTP_GUARD_ENV) as [keyof HttpGuards, string][]) {
    const raw = env[name];
    if (raw !== undefined && raw !== "") http[key] = raw;
  }
  input.http = http;
  const shutdownTimeout = flags["shutdown-timeout"] ?? env.PARLEY_SHUTDOWN_TIMEOUT_MS;
  if (shutdownTimeout !== undefined) input.shutdownTimeoutMs = shutdownTimeout;
  if (env.PARLEY_METRICS_TOKEN !== undefined) input.metricsToken = env.PARLEY_METRICS_TOKEN;
  const retentionInterval = env.PARLEY_RETENTION_INTERVAL_MS;
  if (retentionInterval !== undefined) input.retentionIntervalMs = retentionInterval;
  const agentGrace = flags["agent-grace-seconds"] ?? env.PARLEY_AGENT_GRACE_SECONDS;
  if (agentGrace !== undefined) input.agentGraceSeconds = agentGrace;
  if (env.PARLEY_AGENT_CAPACITY !== undefined) input.agentCapacity = env.PARLEY_AGENT_CAPACITY;
  if (env.PARLEY_PUBLIC_URL !== undefined) input.publicUrl = env.PARLEY_PUBLIC_URL;
  if (env.PARLEY_WEBHOOK_POLL_MS !== undefined) input.webhookPollMs = env.PARLEY_WEBHOOK_POLL_MS;
  if (env.PARLEY_WEBHOOK_RETRY_BASE_MS !== undefined) input.webhookRetryBaseMs = env.PARLEY_WEBHOOK_RETRY_BASE_MS;
  if (env.PARLEY_WEBHOOK_PRIVATE !== undefined) input.webhookPrivate = env.PARLEY_WEBHOOK_PRIVATE;
  return input;
}
