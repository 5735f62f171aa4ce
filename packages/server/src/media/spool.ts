/**
 * Spooling: an upload goes to a temp file before anything judges it, so a
 * 25 MB file never sits whole in memory and the size limit is enforced while
 * the bytes arrive, not after.
 *
 * Spool files are scratch space: they are not fsynced (the blob store makes
 * the stored copy durable) and each one is deleted by its `discard`, by the
 * failure that ended it, or — after a crash — by whoever empties the spool
 * directory on start.
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rm, writeFile, type FileHandle } from "node:fs/promises";
import { join, resolve } from "node:path";
import { blobChunks } from "../blobs/types.js";
import { ParleyError } from "../errors.js";

export interface SpoolOptions {
  /** Directory for the temp file; created if missing. */
  dir: string;
  /** Largest accepted upload in bytes; one more is `MEDIA_TOO_LARGE`. */
  maxBytes: number;
}

/** An upload on disk, complete and within the limits. */
export interface SpooledFile {
  /** Absolute path of the temp file. */
  path: string;
  /** Bytes. */
  size: number;
  /** Deletes the file. Idempotent, and fine to call after the file was moved away. */
  discard(): Promise<void>;
}

/**
 * Streams an upload to a new temp file under `options.dir`, counting bytes.
 *
 * - Past `maxBytes` it stops reading, deletes the file and throws
 *   `MEDIA_TOO_LARGE` with `{ limit }`. The source is left as it is, neither
 *   drained nor destroyed: it belongs to the caller, who may still need its
 *   connection to answer (destroying an HTTP request destroys its socket).
 * - No bytes at all: deletes the file and throws `MEDIA_EMPTY`.
 * - A failing source: deletes the file and rethrows the source's error.
 */
export async function spoolToFile(
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  options: SpoolOptions,
): Promise<SpooledFile> {
  // Take the chunks first: that guards a Node stream's errors while the file is created.
  const chunks = blobChunks(source)[Symbol.asyncIterator]();
  const path = await newSpoolPath(options.dir);
  const file = await open(path, "wx", 0o600);
  let size = 0;
  try {
    try {
      for (;;) {
        // Iterated by hand: leaving a `for await` early would destroy the source.
        const next = await chunks.next();
        if (next.done === true) break;
        size += next.value.byteLength;
        if (size > options.maxBytes) throw tooLarge(options.maxBytes);
        await writeAll(file, next.value);
      }
    } finally {
      await file.close();
    }
    if (size === 0) throw new ParleyError("MEDIA_EMPTY");
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return spooled(path, size);
}

/** Writes bytes already in memory to a new temp file, with the same checks as `spoolToFile`. */
export async function spoolBuffer(data: Uint8Array, options: SpoolOptions): Promise<SpooledFile> {
  // Checked before touching the disk: there is nothing to stream.
  if (data.byteLength > options.maxBytes) throw tooLarge(options.maxBytes);
  if (data.byteLength === 0) throw new ParleyError("MEDIA_EMPTY");
  const path = await newSpoolPath(options.dir);
  try {
    await writeFile(path, data, { flag: "wx", mode: 0o600 });
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return spooled(path, data.byteLength);
}

/** A fresh path in `dir`, named at random so that no user input reaches the file system. */
async function newSpoolPath(dir: string): Promise<string> {
  const absolute = resolve(dir);
  await mkdir(absolute, { recursive: true });
  return join(absolute, `${randomBytes(16).toString("hex")}.upload`);
}

function spooled(path: string, size: number): SpooledFile {
  return { path, size, discard: () => rm(path, { force: true }) };
}

function tooLarge(limit: number): ParleyError {
  return new ParleyError("MEDIA_TOO_LARGE", undefined, { limit });
}

/** `write` may write less than asked; loop until the chunk is out. */
async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}
