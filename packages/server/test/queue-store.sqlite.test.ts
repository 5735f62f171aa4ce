import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../src/store/sqlite.js";
import { queueStoreContract } from "./queue-store.contract.js";

queueStoreContract("SQLite", {
  async create() {
    const dir = await mkdtemp(join(tmpdir(), "parley-queues-"));
    return {
      open: () => Promise.resolve(new SqliteStore({ dataDir: dir })),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  },
});
