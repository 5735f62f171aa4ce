import { rm } from "node:fs/promises";
import { SqliteStore } from "../src/store/sqlite.js";
import { reportsContract } from "./reports.contract.js";
import { tempDir } from "./helpers.js";

reportsContract("sqlite", {
  create() {
    const dir = tempDir();
    return Promise.resolve({
      open: () => Promise.resolve(new SqliteStore({ dataDir: dir.path })),
      cleanup: () => rm(dir.path, { recursive: true, force: true }),
    });
  },
});
