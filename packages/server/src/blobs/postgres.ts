/**
 * The blob store in PostgreSQL, so that every node of a cluster serves every
 * media file.
 *
 * Layout (migration 004_blobs): `blob_chunks` holds the bytes in rows of at
 * most {@link CHUNK_BYTES}, keyed by the put that wrote them; `blobs` names
 * each complete blob by the SHA-256 of its bytes and says which put's chunks
 * are its content.
 *
 * A put runs in one transaction: it hashes the source while it reads it,
 * inserting each full chunk as it goes (so it holds one chunk in memory, never
 * the file), then inserts the `blobs` row. If the same content is already
 * stored — or another put of it commits first, in this process or on another
 * node — the unique key makes that insert a no-op and the transaction rolls
 * back, taking its chunks with it. A source that fails midway rolls back too:
 * a blob is either absent or whole, and nothing is left behind.
 *
 * Reading streams the chunks one query at a time, as the consumer asks for
 * them. Durability is PostgreSQL's: a put resolves after its COMMIT.
 * @module
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline, Readable } from "node:stream";
import { Kysely, PostgresDialect, type ColumnType } from "kysely";
import { createPgPool, isConnectionError, redactUrl } from "../db/pg-pool.js";
import { StoreUnavailableError } from "../db/unavailable.js";
import { blobChunks, isBlobKey, type BlobInfo, type BlobSource, type BlobStore } from "./types.js";
import { assertIntact, verifiedAgainst } from "./verify.js";

/** Bytes per stored chunk: large enough for few round trips, small enough to hold one per request. */
export const CHUNK_BYTES = 256 * 1024;

interface BlobsTable {
  key: string;
  upload_id: string;
  /** A bigint, which `pg` returns as a string. */
  size: ColumnType<string, number, never>;
  chunk_count: number;
  created_at: string;
}

interface BlobChunksTable {
  upload_id: string;
  idx: number;
  data: Buffer;
}

interface BlobDatabase {
  blobs: BlobsTable;
  blob_chunks: BlobChunksTable;
}

export interface PgBlobStoreOptions {
  /** The Parley database, migrated by the PostgreSQL store (`parley migrate` or a start). */
  connectionString: string;
  /** Pool size (default 4: puts are few and each holds one connection while it reads its source). */
  maxConnections?: number;
  /** Errors of idle pooled connections, for logging. */
  onConnectionError?: (error: Error) => void;
}

/** Thrown inside a put's transaction to roll it back when the content is already stored. */
class AlreadyStored extends Error {}

/** A `BlobStore` keeping blobs in PostgreSQL, chunked. */
export class PgBlobStore implements BlobStore {
  private readonly db: Kysely<BlobDatabase>;
  private readonly target: string;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: PgBlobStoreOptions) {
    this.target = redactUrl(options.connectionString);
    const pool = createPgPool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 4,
      ...(options.onConnectionError === undefined ? {} : { onError: options.onConnectionError }),
    });
    this.db = new Kysely<BlobDatabase>({ dialect: new PostgresDialect({ pool }) });
  }

  put(source: BlobSource): Promise<BlobInfo> {
    return this.track(this.store(blobChunks(source)));
  }

  /** Streams the file in, a chunk at a time; the file itself is left to the caller. */
  putFile(path: string): Promise<BlobInfo> {
    return this.track(this.store(blobChunks(createReadStream(path, { highWaterMark: CHUNK_BYTES }))));
  }

  async open(key: string): Promise<Readable | undefined> {
    this.assertOpen();
    if (!isBlobKey(key)) return undefined;
    // Look the blob up first so that a missing one is an `undefined`, not a stream that errors later.
    const blob = await this.guard(this.db.selectFrom("blobs").select(["upload_id", "chunk_count"]).where("key", "=", key).executeTakeFirst());
    if (blob === undefined) return undefined;
    // Byte mode with a one-chunk high-water mark: at most about one chunk is read ahead of the consumer.
    const chunks = Readable.from(this.chunksOf(blob.upload_id, blob.chunk_count), { objectMode: false, highWaterMark: CHUNK_BYTES });
    // The consumer sees a failed query or the damage on the returned stream; destroying it stops the reads.
    return pipeline(chunks, verifiedAgainst(key), () => undefined);
  }

  async read(key: string): Promise<Buffer | undefined> {
    this.assertOpen();
    if (!isBlobKey(key)) return undefined;
    const blob = await this.guard(this.db.selectFrom("blobs").select(["upload_id"]).where("key", "=", key).executeTakeFirst());
    if (blob === undefined) return undefined;
    const rows = await this.guard(
      this.db.selectFrom("blob_chunks").select(["data"]).where("upload_id", "=", blob.upload_id).orderBy("idx").execute(),
    );
    const bytes = Buffer.concat(rows.map((row) => row.data));
    assertIntact(key, bytes);
    return bytes;
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    this.assertOpen();
    if (!isBlobKey(key)) return undefined;
    const blob = await this.guard(this.db.selectFrom("blobs").select(["size"]).where("key", "=", key).executeTakeFirst());
    return blob === undefined ? undefined : { size: Number(blob.size) };
  }

  async delete(key: string): Promise<boolean> {
    this.assertOpen();
    if (!isBlobKey(key)) return false;
    // The blob row and its chunks go together, as they came.
    return this.guard(
      this.db.transaction().execute(async (trx) => {
        const blob = await trx.deleteFrom("blobs").where("key", "=", key).returning(["upload_id"]).executeTakeFirst();
        if (blob === undefined) return false;
        await trx.deleteFrom("blob_chunks").where("upload_id", "=", blob.upload_id).execute();
        return true;
      }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.db.destroy();
  }

  private async *chunksOf(uploadId: string, count: number): AsyncGenerator<Buffer, void, undefined> {
    for (let idx = 0; idx < count; idx++) {
      const row = await this.guard(
        this.db.selectFrom("blob_chunks").select(["data"]).where("upload_id", "=", uploadId).where("idx", "=", idx).executeTakeFirst(),
      );
      // Chunks are written with their blob row in one transaction and deleted with it: a gap is corruption,
      // or the blob was deleted (nothing referred to it any more) while this stream read it.
      if (row === undefined) throw new Error(`chunk ${idx} of a stored blob is missing`);
      yield row.data;
    }
  }

  private async store(chunks: AsyncIterable<Uint8Array>): Promise<BlobInfo> {
    this.assertOpen();
    const uploadId = randomUUID();
    const hash = createHash("sha256");
    let size = 0;
    let count = 0;
    try {
      return await this.guard(
        this.db.transaction().execute(async (trx) => {
          const insertChunk = async (data: Buffer) => {
            await trx.insertInto("blob_chunks").values({ upload_id: uploadId, idx: count, data }).execute();
            count++;
          };
          // Incoming chunks of any size are packed into full stored chunks; the buffer is reused after each insert.
          const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
          let filled = 0;
          for await (const chunk of chunks) {
            hash.update(chunk);
            size += chunk.byteLength;
            for (let offset = 0; offset < chunk.byteLength; ) {
              const n = Math.min(CHUNK_BYTES - filled, chunk.byteLength - offset);
              buffer.set(chunk.subarray(offset, offset + n), filled);
              filled += n;
              offset += n;
              if (filled === CHUNK_BYTES) {
                await insertChunk(buffer);
                filled = 0;
              }
            }
          }
          if (filled > 0) await insertChunk(buffer.subarray(0, filled));
          const key = hash.digest("hex");
          const inserted = await trx
            .insertInto("blobs")
            .values({ key, upload_id: uploadId, size, chunk_count: count, created_at: new Date().toISOString() })
            .onConflict((oc) => oc.column("key").doNothing())
            .returning(["key"])
            .executeTakeFirst();
          if (inserted === undefined) throw new AlreadyStored(key);
          return { key, size };
        }),
      );
    } catch (error) {
      if (error instanceof AlreadyStored) return { key: error.message, size };
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("the blob store is closed");
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  private async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (isConnectionError(error)) {
        throw new StoreUnavailableError(`PostgreSQL at ${this.target}: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
  }
}
