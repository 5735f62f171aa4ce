import { rm } from "node:fs/promises";
import { SqliteStore } from "../src/store/sqlite.js";
import { prechatContract } from "./prechat.contract.js";
import { tempDir } from "./helpers.js";

prechatContract("sqlite", {
  create() {
    const dir = tempDir();
    return Promise.resolve({
      open: () => Promise.resolve(new SqliteStore({ dataDir: dir.path })),
      cleanup: () => rm(dir.path, { recursive: true, force: true }),
    });
  },
});
