import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../src/store/sqlite.js";
import { cannedStoreContract } from "./canned-store.contract.js";

cannedStoreContract("SQLite", {
  async create() {
    const dir = await mkdtemp(join(tmpdir(), "parley-canned-"));
    return {
      open: () => Promise.resolve(new SqliteStore({ dataDir: dir })),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
});
