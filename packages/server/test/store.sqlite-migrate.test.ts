/** Two stores on one SQLite file migrating at the same moment, as two processes started together do. */
import { rm } from "node:fs/promises";
import { afterEach, expect, it } from "vitest";
import { SqliteStore } from "../src/store/sqlite.js";
import { tempDir } from "./helpers.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
});

it("migrates once when two stores on one fresh file migrate at the same moment; both are then ready", async () => {
  const dir = tempDir();
  const first = new SqliteStore({ dataDir: dir.path });
  const second = new SqliteStore({ dataDir: dir.path });
  cleanup = async () => {
    await Promise.allSettled([first.close(), second.close()]);
    await rm(dir.path, { recursive: true, force: true });
  };
  const results = await Promise.allSettled([first.migrate(), second.migrate()]);
  expect(results.map((result) => (result.status === "rejected" ? String(result.reason) : result.status))).toEqual(["fulfilled", "fulfilled"]);
  await expect(first.ready()).resolves.toBeUndefined();
  await expect(second.ready()).resolves.toBeUndefined();
});
