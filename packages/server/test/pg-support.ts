/**
 * PostgreSQL for tests: each test makes its own database `parley_t_<random>`
 * on the local server and drops it afterwards.
 *
 * `PARLEY_TEST_POSTGRES_URL` names the maintenance database to connect to
 * (default `postgres://postgres@127.0.0.1:5432/postgres`). Where PostgreSQL is
 * not running, suites wrapped in {@link describePostgres} are skipped with a
 * warning, except in CI (`CI` set), where a missing service must fail them.
 */
import { randomBytes } from "node:crypto";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import pg from "pg";
import { describe } from "vitest";

export const ADMIN_URL = process.env.PARLEY_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Runs one statement on the maintenance database, on a connection of its own. */
export function adminQuery<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
  return queryDatabase<Row>(ADMIN_URL, text, values);
}

/** Runs one statement on the database at `url`, on a connection of its own (behind the stores' backs). */
export async function queryDatabase<Row extends pg.QueryResultRow = pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function reachable(): Promise<boolean> {
  try {
    await adminQuery("select 1");
    return true;
  } catch {
    return false;
  }
}

export const isPostgresReachable = await reachable();
if (!isPostgresReachable && !process.env.CI) console.warn(`PostgreSQL is not reachable at ${ADMIN_URL}: its tests are skipped`);

/** `describe` where PostgreSQL runs, and in CI whatever happens (so its absence fails); `describe.skip` elsewhere. */
export const describePostgres = isPostgresReachable || process.env.CI ? describe : describe.skip;

/** The URL of database `name` on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, closing whatever connections remain. */
  drop(): Promise<void>;
}

/** A new, empty database. */
export async function freshDatabase(): Promise<TestDatabase> {
  if (!isPostgresReachable) throw new Error(`PostgreSQL is required for this test and is not reachable at ${ADMIN_URL}`);
  const name = `parley_t_${randomBytes(6).toString("hex")}`;
  await adminQuery(`create database ${name}`);
  return { name, url: databaseUrl(name), drop: () => adminQuery(`drop database if exists ${name} with (force)`).then(() => undefined) };
}

/** Ends every connection to `database` but ours, as a crashed or restarted server would. Returns how many. */
export async function terminateConnections(database: string): Promise<number> {
  const rows = await adminQuery<{ n: string }>(
    "select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
    [database],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * A TCP relay to the test server that can be cut and restored, so a test can
 * make PostgreSQL disappear for one store (connections reset, new ones
 * refused) and come back on the same address, without touching the server
 * other tests share.
 */
export class PgRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  /** The URL of `database` through the relay. */
  url(database: string): string {
    const url = new URL(databaseUrl(database));
    url.hostname = "127.0.0.1";
    url.port = String(this.port);
    return url.toString();
  }

  /** Starts relaying (again, on the same port once one was chosen). */
  async start(): Promise<void> {
    const target = new URL(ADMIN_URL);
    const server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Cuts every relayed connection and refuses new ones, as a database that went away. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
