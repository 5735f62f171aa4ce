/**
 * A damaged SQLite file: refused at start by the real CLI with one paragraph
 * that says what to do, and, when a query meets damage after the start, the
 * node stops being ready instead of answering 500s while `/readyz` says ready.
 * And a damaged media file: its download is cut short, the node keeps serving.
 */
import { execFile } from "node:child_process";
import { closeSync, openSync, rmSync, statSync, truncateSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import BetterSqlite3 from "better-sqlite3";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { FsBlobStore } from "../src/blobs/fs.js";
import { createParleyServer, type ParleyServer } from "../src/index.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { SECRET, tempDir } from "./helpers.js";
import { message, newChat, stub } from "./store-fixtures.js";
import { waitFor } from "../../../tests/support/wait.js";

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
  for (let i = 0; i < messages; i++) await store.tenant("default").append(message(chatId, customer, `message ${i} ${"x".repeat(120)}`));
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

describe("a damaged media file", () => {
  let server: ParleyServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("is never served as if whole: a coded error or a cut download, logged, and the node keeps serving", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const logLines: { level: number }[] = [];
    const logger = pino({ level: "error" }, { write: (line: string) => logLines.push(JSON.parse(line) as { level: number }) });
    server = createParleyServer({ dataDir: dir.path, secret: SECRET, port: 0, host: "127.0.0.1", logger });
    const running = server;
    const { url } = await running.listen();
    const { chatId, customer } = await newChat(running.store);
    const { token } = await running.tokens.issueCustomer({ id: customer, nickname: "Customer", chatId });

    /** A document message as the chat domain records it, its bytes in the node's media directory; returns its download URL and file. */
    const documentMessage = async (bytes: Buffer): Promise<{ download: () => Promise<Response>; key: string; file: string }> => {
      const blobs = new FsBlobStore({ dir: join(dir.path, "media") });
      const { key } = await blobs.put(bytes);
      await blobs.close();
      const mediaId = `UPLOAD_${randomUUID()}`;
      const messageId = `MSG_${randomUUID()}`;
      const fullsize = { blobKey: key, mimeType: "application/pdf", size: bytes.length, width: null, height: null };
      await running.store.tenant("default").createMedia({
        id: mediaId, chatId, userId: customer, messageType: "DOCUMENT", documentType: "PDF", fileName: "invoice.pdf",
        originalSize: bytes.length, resized: false, fullsize, thumbnail: null, createdAt: new Date().toISOString(), state: "stored", failure: null,
      });
      await running.store.tenant("default").append({
        chatId, id: messageId, name: "multimediaMessage", userId: customer, ts: new Date().toISOString(), data: stub({}),
        change: { kind: "mediaAttached", mediaId, messageId },
      });
      return {
        key,
        file: join(dir.path, "media", key.slice(0, 2), key.slice(2, 4), key),
        download: () => fetch(`${url}/v1/contacts/${chatId}/messages/${messageId}/media`, { headers: { authorization: `Bearer ${token}` } }),
      };
    };
    /** Whether the damage of `key` was logged at `level` (pino's number: 50 is error) or above. */
    const logged = (key: string, level: number): boolean =>
      logLines.some((line) => line.level >= level && JSON.stringify(line).includes(`the media file ${key} is damaged`));

    // Cut short within its first chunk: found before the headers go out, so a coded error and no file headers.
    const short = await documentMessage(randomBytes(200_000));
    truncateSync(short.file, 50_000);
    const refused = await short.download();
    expect(refused.status).toBe(500);
    expect(refused.headers.get("content-disposition")).toBeNull();
    expect(await refused.json()).toMatchObject({ error: { code: "INTERNAL_ERROR" } });
    expect(logged(short.key, 50)).toBe(true);

    // Its last byte changed: the headers are out when the hash is known, so the body is cut before its end.
    const bytes = randomBytes(300_000);
    const changed = await documentMessage(bytes);
    overwrite(changed.file, bytes.length - 1, 1);
    const cut = await changed.download();
    expect(cut.status).toBe(200);
    await expect(cut.arrayBuffer()).rejects.toThrow();
    await waitFor(() => logged(changed.key, 50), () => "the cut download to be logged at error level");

    // Gone: a coded error as well.
    const gone = await documentMessage(randomBytes(1000));
    rmSync(gone.file);
    const missing = await gone.download();
    expect(missing.status).toBe(500);
    expect(await missing.json()).toMatchObject({ error: { code: "INTERNAL_ERROR" } });

    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
