/**
 * Which storage a node uses, decided in one place: with a database URL,
 * chats, events and media live in PostgreSQL, shared by every node; without
 * one, in SQLite and files under the data directory, for one machine.
 * @module
 */
import { join } from "node:path";
import { FsBlobStore } from "../blobs/fs.js";
import { PgBlobStore } from "../blobs/postgres.js";
import type { BlobStore } from "../blobs/types.js";
import type { ParleyConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { PostgresStore } from "./postgres.js";
import { SqliteStore } from "./sqlite.js";
import type { Store } from "./types.js";

type StorageConfig = Pick<ParleyConfig, "dataDir" | "databaseUrl">;

/** A dropped idle connection is routine (the database restarted): the pool replaces it. */
function connectionErrorLogger(logger: Logger | undefined): ((error: Error) => void) | undefined {
  return logger === undefined ? undefined : (error) => logger.warn({ err: error }, "a PostgreSQL connection failed; the pool replaces it");
}

/** The chat store: PostgreSQL when `databaseUrl` is set, else SQLite in `dataDir`. Not migrated yet. */
export function openStore(config: StorageConfig, logger?: Logger): Store {
  if (config.databaseUrl === undefined) {
    return new SqliteStore({
      dataDir: config.dataDir,
      // Once: every later request fails the same way, and /readyz keeps saying why.
      onCorrupt: (error) => logger?.error({ path: error.path, detail: error.detail }, "the SQLite database is damaged: this node is not ready until it is repaired"),
    });
  }
  const onConnectionError = connectionErrorLogger(logger);
  return new PostgresStore({ connectionString: config.databaseUrl, ...(onConnectionError === undefined ? {} : { onConnectionError }) });
}

/** Where media bytes go: the same PostgreSQL database when `databaseUrl` is set, else `<dataDir>/media`. */
export function openBlobStore(config: StorageConfig, logger?: Logger): BlobStore {
  if (config.databaseUrl === undefined) return new FsBlobStore({ dir: join(config.dataDir, "media") });
  const onConnectionError = connectionErrorLogger(logger);
  return new PgBlobStore({ connectionString: config.databaseUrl, ...(onConnectionError === undefined ? {} : { onConnectionError }) });
}
