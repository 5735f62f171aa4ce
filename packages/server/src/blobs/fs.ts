/**
 * The blob store on the local file system.
 *
 * Layout: `<dir>/ab/cd/<key>` where `abcd…` is the key, the lowercase hex
 * SHA-256 of the content. The two fan-out levels keep directories small; no
 * path ever contains anything the user sent, only the hash.
 *
 * Durability: a put streams into `<dir>/tmp/<random hex>` while hashing, fsyncs
 * the file, renames it to its final name and fsyncs that directory. A rename is
 * atomic, so a blob is either absent or whole: a reader never sees a partial
 * file, and a crash mid-put leaves at most a temp file, which a later start
 * sweeps once it is a day old. Fan-out directories are fsynced into their
 * parents the first time this process uses them, whoever created them.
 *
 * Several processes may share one directory: temp names are random and two
 * renames of the same content to the same name leave the same bytes.
 *
 * Damage: a file can still be cut short or changed on disk after it was
 * stored (a disk fault, a restore that went wrong). Since the name is the
 * hash, every read checks the bytes against it (see blobs/verify.ts).
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pipeline, type Readable } from "node:stream";
import { blobChunks, isBlobKey, type BlobInfo, type BlobSource, type BlobStore } from "./types.js";
import { assertIntact, verifiedAgainst } from "./verify.js";

/** Temp files untouched for this long are left over from a crash and are removed on start. */
const STALE_TEMP_MS = 24 * 3600 * 1000;

/** Chunk size of `putFile` reads, the same as a Node file stream's. */
const READ_CHUNK_BYTES = 64 * 1024;

export interface FsBlobStoreOptions {
  /** Directory holding the blobs; created if missing. Nothing else should write into it. */
  dir: string;
}

/** A `BlobStore` keeping each blob in a file named by its hash. */
export class FsBlobStore implements BlobStore {
  private readonly dir: string;
  private readonly tmpDir: string;
  private ready: Promise<void> | undefined;
  /** Fan-out directories known to exist durably, by path. */
  private readonly shards = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(options: FsBlobStoreOptions) {
    this.dir = resolve(options.dir);
    this.tmpDir = join(this.dir, "tmp");
  }

  put(source: BlobSource): Promise<BlobInfo> {
    return this.track(this.store(blobChunks(source)));
  }

  /**
   * Copies the file into the store; the file itself is left untouched, so the
   * caller deletes it afterwards. Copying rather than moving keeps the blob
   * independent of a file the caller may still hold open or change, and
   * guarantees the key is the hash of exactly the bytes that were stored.
   */
  putFile(path: string): Promise<BlobInfo> {
    return this.track(this.storeFile(path));
  }

  async open(key: string): Promise<Readable | undefined> {
    this.assertOpen();
    if (!isBlobKey(key)) return undefined;
    // Open before streaming so that a missing blob is an `undefined`, not a stream that errors later.
    const file = await missingAsUndefined(open(this.pathOf(key), "r"));
    if (file === undefined) return undefined;
    // The consumer sees a read error or the damage on the returned stream; destroying it closes the file.
    return pipeline(file.createReadStream(), verifiedAgainst(key), () => undefined);
  }

  async read(key: string): Promise<Buffer | undefined> {
    this.assertOpen();
    if (!isBlobKey(key)) return undefined;
    const bytes = await missingAsUndefined(readFile(this.pathOf(key)));
    if (bytes !== undefined) assertIntact(key, bytes);
    return bytes;
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    this.assertOpen();
    if (!isBlobKey(key)) return undefined;
    const stats = await missingAsUndefined(stat(this.pathOf(key)));
    return stats === undefined ? undefined : { size: stats.size };
  }

  async delete(key: string): Promise<boolean> {
    this.assertOpen();
    if (!isBlobKey(key)) return false;
    const path = this.pathOf(key);
    if ((await missingAsUndefined(stat(path))) === undefined) return false;
    await rm(path, { force: true });
    // The removal is only durable once the directory is.
    await fsyncDir(dirname(path));
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), key.slice(2, 4), key);
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

  private async storeFile(path: string): Promise<BlobInfo> {
    this.assertOpen();
    const file = await open(path, "r");
    try {
      return await this.store(fileChunks(file));
    } finally {
      await file.close();
    }
  }

  private async store(chunks: AsyncIterable<Uint8Array>): Promise<BlobInfo> {
    this.assertOpen();
    await this.prepare();
    const tmp = join(this.tmpDir, randomBytes(16).toString("hex"));
    try {
      const info = await writeHashed(tmp, chunks);
      await this.place(tmp, info.key);
      return info;
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  /** Moves a complete, fsynced temp file to its final name, unless that blob is already stored. */
  private async place(tmp: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    const shard = dirname(target);
    await this.ensureShard(shard);
    // Another put may store the same content between this check and the rename: the
    // rename then replaces the file with identical bytes, which no reader can tell apart.
    if ((await missingAsUndefined(stat(target))) === undefined) await rename(tmp, target);
    else await rm(tmp, { force: true });
    // Also when the blob was already there: its writer may not have fsynced the directory yet.
    await fsyncDir(shard);
  }

  private ensureShard(shard: string): Promise<void> {
    let done = this.shards.get(shard);
    if (done === undefined) {
      const parent = dirname(shard);
      done = (async () => {
        await mkdir(shard, { recursive: true });
        await fsyncDir(parent);
        await fsyncDir(dirname(parent));
      })();
      this.shards.set(shard, done);
      done.catch(() => this.shards.delete(shard));
    }
    return done;
  }

  private prepare(): Promise<void> {
    if (this.ready === undefined) {
      this.ready = (async () => {
        const created = await mkdir(this.tmpDir, { recursive: true });
        if (created !== undefined) {
          await fsyncDir(this.dir);
          await fsyncDir(dirname(this.dir));
        }
        await this.sweepTemp();
      })();
      this.ready.catch(() => (this.ready = undefined));
    }
    return this.ready;
  }

  /** Removes temp files left by a crash. Best effort: a failure here must not fail a put. */
  private async sweepTemp(): Promise<void> {
    const cutoff = Date.now() - STALE_TEMP_MS;
    const names = await readdir(this.tmpDir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.tmpDir, name);
      const stats = await stat(path).catch(() => undefined);
      // Recent files may be another process's put in progress.
      if (stats !== undefined && stats.mtimeMs < cutoff) await rm(path, { force: true }).catch(() => undefined);
    }
  }
}

/** Writes the chunks to a new file at `path`, hashing them on the way, and fsyncs it. */
async function writeHashed(path: string, chunks: AsyncIterable<Uint8Array>): Promise<BlobInfo> {
  const hash = createHash("sha256");
  let size = 0;
  const file = await open(path, "wx", 0o600);
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.byteLength;
      await writeAll(file, chunk);
    }
    await file.sync();
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
  await file.close();
  return { key: hash.digest("hex"), size };
}

/** The file's content in fresh buffers, read by hand so that the caller alone decides when the handle closes. */
async function* fileChunks(file: FileHandle): AsyncGenerator<Uint8Array, void, undefined> {
  for (;;) {
    const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/** `write` may write less than asked (e.g. near a full disk); loop until the chunk is out. */
async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Makes a directory's entries durable: a rename or a new file is only on disk once its directory is. */
async function fsyncDir(path: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals its metadata itself.
  if (process.platform === "win32") return;
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The result, or `undefined` when the file (or a directory on its path) does not exist. */
async function missingAsUndefined<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}
