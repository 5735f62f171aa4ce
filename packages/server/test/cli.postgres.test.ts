/** The built `parley` CLI in a child process, choosing its storage: PostgreSQL by URL, SQLite without. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SqliteStore } from "../src/store/sqlite.js";
import { tempDir } from "./helpers.js";
import { databaseUrl, describePostgres, freshDatabase, queryDatabase, type TestDatabase } from "./pg-support.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const dir = tempDir();
afterAll(() => dir.remove());

function parley(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "silent", ...env };
    if (env.DATABASE_URL === undefined) delete childEnv.DATABASE_URL;
    execFile(process.execPath, [cli, ...args], { cwd: root, env: childEnv }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

/** One line naming the problem, and no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.trim().split("\n")).toHaveLength(1);
}

it("migrates SQLite and exits", async () => {
  const migrated = await parley(["migrate", "--data-dir", dir.path]);
  expect(migrated).toMatchObject({ code: 0, stdout: "Database is up to date.\n" });
  const store = new SqliteStore({ dataDir: dir.path });
  try {
    await expect(store.ready()).resolves.toBeUndefined();
  } finally {
    await store.close();
  }
});

it("refuses a DATABASE_URL that is not a PostgreSQL URL, without echoing it", async () => {
  for (const url of ["mysql://admin:hunter2@db/parley", "not a url", "postgres://"]) {
    const refused = await parley(["serve", "--data-dir", dir.path, "--port", "0"], { DATABASE_URL: url });
    expect(refused.code).toBe(1);
    expectOneLine(refused.stderr, /DATABASE_URL must be a URL like postgres:\/\//);
    expect(refused.stderr).not.toMatch(/hunter2/);
  }
});

describePostgres("the CLI on PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
    return () => database.drop();
  });

  it("migrates by --database-url, then adds agents and prints tokens from DATABASE_URL", async () => {
    const migrated = await parley(["migrate", "--data-dir", dir.path, "--database-url", database.url]);
    expect(migrated).toMatchObject({ code: 0, stdout: "PostgreSQL database is up to date.\n" });
    const applied = await queryDatabase<{ name: string }>(database.url, "select name from kysely_migration order by name");
    expect(applied.map((row) => row.name)).toEqual(["001_initial", "002_media", "003_contact_list", "004_blobs", "005_media_state", "006_tenants", "007_lifecycle", "008_api_keys", "009_desk", "010_queues", "011_supervision", "012_webhooks", "013_call_data", "014_front_door", "015_prechat_forms"]);
    expect((await parley(["migrate", "--data-dir", dir.path], { DATABASE_URL: database.url })).code).toBe(0);

    const env = { DATABASE_URL: database.url };
    expect((await parley(["agent", "add", "ann", "--password", "secret-pass", "--data-dir", dir.path], env)).code).toBe(0);
    const rows = await queryDatabase<{ username: string }>(database.url, "select username from agents");
    expect(rows).toEqual([{ username: "ann" }]);
    const again = await parley(["agent", "add", "ann", "--password", "secret-pass", "--data-dir", dir.path], env);
    expect(again.code).toBe(1);
    expectOneLine(again.stderr, /already exists/);
    const token = await parley(["token", "agent", "ann", "--data-dir", dir.path], env);
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("fails at start with one clear line when the database cannot be reached", async () => {
    const refused = await parley(["serve", "--data-dir", dir.path, "--port", "0", "--database-url", "postgres://parley@127.0.0.1:1/parley"]);
    expect(refused.code).toBe(1);
    expectOneLine(refused.stderr, /^parley: the database is unavailable: PostgreSQL at postgres:\/\/parley@127\.0\.0\.1:1\/parley: .*ECONNREFUSED/);

    const missing = await parley(["serve", "--data-dir", dir.path, "--port", "0"], { DATABASE_URL: databaseUrl(`${database.name}_missing`) });
    expect(missing.code).toBe(1);
    expectOneLine(missing.stderr, /the database is unavailable: .*does not exist/);

    const admin = await parley(["migrate", "--data-dir", dir.path, "--database-url", "postgres://parley:hunter2@127.0.0.1:1/parley"]);
    expect(admin.code).toBe(1);
    expectOneLine(admin.stderr, /the database is unavailable/);
    expect(admin.stderr).not.toMatch(/hunter2/);
  });
});
