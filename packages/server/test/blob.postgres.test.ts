import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterEach, beforeEach, expect, it } from "vitest";
import { CHUNK_BYTES, PgBlobStore } from "../src/blobs/postgres.js";
import { BlobDamagedError } from "../src/blobs/verify.js";
import { PostgresStore } from "../src/store/postgres.js";
import { blobStoreContract } from "./blob.contract.js";
import { tempDir } from "./helpers.js";
import { describePostgres, freshDatabase, queryDatabase, type TestDatabase } from "./pg-support.js";

/** A fresh database with Parley's schema, as `parley migrate` leaves it. */
async function migratedDatabase(): Promise<TestDatabase> {
  const database = await freshDatabase();
  const store = new PostgresStore({ connectionString: database.url });
  await store.migrate();
  await store.close();
  return database;
}

async function countRows(database: TestDatabase, table: "blobs" | "blob_chunks"): Promise<number> {
  const [row] = await queryDatabase<{ n: string }>(database.url, `select count(*) as n from ${table}`);
  return Number(row?.n);
}

describePostgres("PostgreSQL blob store", () => {
  blobStoreContract("postgres", {
    async create() {
      const database = await migratedDatabase();
      return {
        open: () => Promise.resolve(new PgBlobStore({ connectionString: database.url })),
        count: () => countRows(database, "blobs"),
        cleanup: () => database.drop(),
      };
    },
  });

  let database: TestDatabase;
  let store: PgBlobStore;
  beforeEach(async () => {
    database = await migratedDatabase();
    store = new PgBlobStore({ connectionString: database.url });
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  it("keeps a 25 MiB file in chunks of 256 KiB and streams it back a chunk at a time", async () => {
    const dir = tempDir();
    try {
      const data = randomBytes(25 * 1024 * 1024);
      const path = join(dir.path, "upload");
      await writeFile(path, data);
      const { key, size } = await store.putFile(path);
      expect(size).toBe(data.length);
      const [layout] = await queryDatabase<{ chunks: string; largest: number }>(
        database.url,
        "select count(*) as chunks, max(octet_length(data)) as largest from blob_chunks",
      );
      expect({ chunks: Number(layout?.chunks), largest: layout?.largest }).toEqual({ chunks: 100, largest: CHUNK_BYTES });

      const hash = createHash("sha256");
      let largestRead = 0;
      for await (const chunk of (await store.open(key)) as Readable) {
        largestRead = Math.max(largestRead, (chunk as Buffer).length);
        hash.update(chunk as Buffer);
      }
      expect(hash.digest("hex")).toBe(key);
      expect(largestRead).toBeLessThanOrEqual(CHUNK_BYTES);
    } finally {
      dir.remove();
    }
  });

  it("leaves no chunk behind from a repeated put or a failed one", async () => {
    const data = randomBytes(3 * CHUNK_BYTES + 5);
    await store.put(data);
    await store.put(data);
    await expect(
      store.put(
        (async function* () {
          yield randomBytes(2 * CHUNK_BYTES);
          throw new Error("dropped");
        })(),
      ),
    ).rejects.toThrow("dropped");
    expect(await countRows(database, "blobs")).toBe(1);
    expect(await countRows(database, "blob_chunks")).toBe(4);
  });

  it("serves a blob stored by another node", async () => {
    const other = new PgBlobStore({ connectionString: database.url });
    try {
      const data = randomBytes(600_000);
      const { key } = await other.put(data);
      expect((await store.read(key))?.equals(data)).toBe(true);
      expect(await store.put(data)).toEqual({ key, size: data.length });
    } finally {
      await other.close();
    }
  });

  /** The bytes a stream gave before it ended or failed, and its error. */
  async function consume(stream: Readable): Promise<{ bytes: number; error: unknown }> {
    let bytes = 0;
    try {
      for await (const chunk of stream) bytes += (chunk as Buffer).byteLength;
      return { bytes, error: undefined };
    } catch (error) {
      return { bytes, error };
    }
  }

  it("refuses a blob whose chunks were changed or lost: read rejects, a stream fails before its end", async () => {
    const data = randomBytes(3 * CHUNK_BYTES);
    const { key } = await store.put(data);

    await queryDatabase(database.url, "update blob_chunks set data = set_byte(data, 0, get_byte(data, 0) # 1) where idx = 2");
    await expect(store.read(key)).rejects.toBeInstanceOf(BlobDamagedError);
    const changed = await consume((await store.open(key)) as Readable);
    expect(changed.error).toBeInstanceOf(BlobDamagedError);
    expect(changed.bytes).toBeLessThan(data.length);

    await queryDatabase(database.url, "delete from blob_chunks where idx = 2");
    await expect(store.read(key)).rejects.toBeInstanceOf(BlobDamagedError);
    const lost = await consume((await store.open(key)) as Readable);
    expect(lost.error).toBeInstanceOf(Error);
    expect(lost.bytes).toBeLessThan(data.length);
  });
});
