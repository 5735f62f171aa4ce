import { rm } from "node:fs/promises";
import { describe } from "vitest";
import { SqliteStore } from "../src/store/sqlite.js";
import { tempDir } from "./helpers.js";
import { webhookOutboxContract } from "./webhooks.contract.js";

describe("SQLite webhook outbox", () => {
  webhookOutboxContract({
    create() {
      const dir = tempDir();
      return Promise.resolve({ open: () => Promise.resolve(new SqliteStore({ dataDir: dir.path })), cleanup: () => rm(dir.path, { recursive: true, force: true }) });
    },
  });
});
