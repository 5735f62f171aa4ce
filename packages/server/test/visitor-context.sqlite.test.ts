import { rm } from "node:fs/promises";
import { SqliteStore } from "../src/store/sqlite.js";
import { visitorContextContract } from "./visitor-context.contract.js";
import { tempDir } from "./helpers.js";

visitorContextContract("sqlite", {
  create() {
    const dir = tempDir();
    return Promise.resolve({
      open: () => Promise.resolve(new SqliteStore({ dataDir: dir.path })),
      cleanup: () => rm(dir.path, { recursive: true, force: true }),
    });
  },
});
