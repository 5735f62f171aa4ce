import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FsBlobStore } from "../src/blobs/fs.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { lifecycleContract } from "./lifecycle.contract.js";

lifecycleContract("SQLite and files", {
  async create() {
    const dir = await mkdtemp(join(tmpdir(), "parley-retention-"));
    const blobs = new FsBlobStore({ dir: join(dir, "media") });
    return {
      open: () => Promise.resolve(new SqliteStore({ dataDir: dir })),
      blobs,
      cleanup: async () => {
        await blobs.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});
