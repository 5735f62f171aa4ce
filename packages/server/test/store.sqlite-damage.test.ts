/**
 * A damaged SQLite file: refused at start by the real CLI with one paragraph
 * that says what to do, and, when a query meets damage after the start, the
 * node stops being ready instead of answering 500s while `/readyz` says ready.
 */
import { execFile } from "node:child_process";
import { openSync, closeSync, statSync, truncateSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createParleyServer, type ParleyServer } from "../src/index.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { SECRET, tempDir } from "./helpers.js";
import { message, newChat } from "./store-fixtures.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

/** A data dir whose `parley.db` holds one chat of `messages` messages, closed cleanly (no WAL left). */
async function dataDirWithChat(messages: number): Promise<{ dir: string; db: string; chatId: string }> {
  const dir = tempDir();
  dirs.push(dir);
  const store = new SqliteStore({ dataDir: dir.path });
  await store.migrate();
  const { chatId, customer } = await newChat(store);
  for (let i = 0; i < messages; i++) await store.append(message(chatId, customer, `message ${i} ${"x".repeat(120)}`));
  await store.close();
  return { dir: dir.path, db: join(dir.path, "parley.db"), chatId };
}

/** Writes random bytes over `length` bytes of the file at `offset`. */
function overwrite(path: string, offset: number, length: number): void {
  const fd = openSync(path, "r+");
  try {
    writeSync(fd, randomBytes(length), 0, length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Runs the built CLI; a server that does start is killed after a while, so the test fails instead of hanging. */
function parley(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn" };
  delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: root, timeout: 20_000, env },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr });
      },
    );
  });
}

/** What an operator must read: what is wrong, which file, and the three ways out; no stack trace. */
function expectAdvice(result: { code: number | null; stdout: string; stderr: string }, db: string): void {
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`the SQLite database ${db} is damaged`);
  expect(result.stderr).toContain("restore the file from a backup");
  expect(result.stderr).toContain(`sqlite3 ${db} ".recover"`);
  expect(result.stderr).toMatch(/move .* aside to start with an empty database/);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).not.toMatch(/Parley is running/);
}

describe("a damaged SQLite file at start", () => {
  it("refuses to serve a file whose end was overwritten with garbage", async () => {
    const { dir, db } = await dataDirWithChat(300);
    const size = statSync(db).size;
    overwrite(db, size - 16_384, 16_384);
    expectAdvice(await parley("serve", "--port", "0", "--host", "127.0.0.1", "--data-dir", dir, "--secret", SECRET), db);
  });

  it("refuses a file truncated in the middle of a page, for serve and for the admin commands", async () => {
    const { dir, db } = await dataDirWithChat(300);
    const pageSize = 4096;
    truncateSync(db, statSync(db).size - 3 * pageSize - 1000);
    expectAdvice(await parley("serve", "--port", "0", "--host", "127.0.0.1", "--data-dir", dir, "--secret", SECRET), db);
    expectAdvice(await parley("migrate", "--data-dir", dir), db);
  });

  it("refuses a file cut inside its header, which is no database at all", async () => {
    const { dir, db } = await dataDirWithChat(10);
    truncateSync(db, 60);
    expectAdvice(await parley("serve", "--port", "0", "--host", "127.0.0.1", "--data-dir", dir, "--secret", SECRET), db);
  });
});

describe("damage met after the start", () => {
  let server: ParleyServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("answers STORE_UNAVAILABLE, turns /readyz red naming the store as corrupt, and logs the damage once", async () => {
    const { dir, db, chatId } = await dataDirWithChat(300);
    // The pages of the events table and its indexes: what a transcript reads, and nothing the start reads.
    const inspect = new BetterSqlite3(db, { readonly: true });
    const pages = inspect
      .prepare("select pageno from dbstat where name = 'events' or name like 'events_%' or name like 'sqlite_autoindex_events%'")
      .all() as { pageno: number }[];
    const pageSize = Number(inspect.pragma("page_size", { simple: true }));
    inspect.close();
    expect(pages.length).toBeGreaterThan(5);

    const logLines: { level: number; msg: string }[] = [];
    const logger = pino({ level: "error" }, { write: (line: string) => logLines.push(JSON.parse(line) as { level: number; msg: string }) });
    server = createParleyServer({ dataDir: dir, secret: SECRET, port: 0, host: "127.0.0.1", logger });
    const { url } = await server.listen();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    for (const { pageno } of pages) overwrite(db, (pageno - 1) * pageSize, pageSize);

    const { token } = await server.tokens.issueAgent({ id: "USER_00000000-0000-4000-8000-000000000001", username: "ann", nickname: "Ann" });
    const transcript = (): Promise<Response> =>
      fetch(`${url}/livechat/default/getContactTranscriptByChatID/${chatId}`, { headers: { authorization: `Bearer ${token}` } });
    const first = await transcript();
    expect(first.status).toBe(503);
    expect(await first.json()).toMatchObject({ result: false, code: "STORE_UNAVAILABLE" });
    expect((await transcript()).status).toBe(503);

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    const verdict = (await ready.json()) as { notReady: string[]; checks: Record<string, string> };
    expect(verdict.notReady).toEqual(["store"]);
    expect(verdict.checks.store).toContain(`the SQLite database ${db} is corrupt`);

    const damageLogs = logLines.filter((line) => line.msg.includes("the SQLite database is damaged"));
    expect(damageLogs).toHaveLength(1);
    expect(damageLogs[0]?.level).toBe(50);
  });
});
