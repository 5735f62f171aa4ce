/**
 * The blob store: where the bytes of media files live, apart from the chat
 * log. Blobs are content-addressed — a blob's key is the SHA-256 of its bytes —
 * so the same file sent twice is stored once, a key can never point at other
 * bytes than the ones it was computed from, and a key is safe to show to
 * anyone who already has the bytes.
 *
 * The interface has more than one backing: the file system (blobs/fs.ts) and
 * PostgreSQL's chunked rows (blobs/postgres.ts). So it speaks in chunked
 * streams and never assumes the blob is a file. Every implementation runs the
 * contract suite in `test/blob.contract.ts`.
 * @module
 */
import type { Readable } from "node:stream";

/** What a blob was stored as. */
export interface BlobInfo {
  /** Lowercase hex SHA-256 of the content (64 characters). */
  key: string;
  /** Bytes. */
  size: number;
}

/**
 * Bytes to store: all at once, or a stream of chunks. A Node stream must be a
 * byte stream (no `setEncoding`, no object mode): a chunk that is not bytes
 * fails the put.
 */
export type BlobSource = Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/** A content-addressed store of immutable byte strings. */
export interface BlobStore {
  /**
   * Stores the bytes of `source` and resolves with their key and size once
   * they are durable (they survive a crash of the process or of the machine).
   *
   * Idempotent: the same content gives the same key and is stored once, also
   * when several puts of it run at the same time, in one process or several.
   * If the source fails midway, the put rejects with the source's error and
   * nothing is stored. Empty content is a valid blob.
   */
  put(source: BlobSource): Promise<BlobInfo>;

  /**
   * Stores the content of a file already on disk, like `put`. Implementations
   * may copy the file or move it; the caller owns `path` either way and deletes
   * it afterwards, tolerating that it is already gone. The file must not change
   * while the put runs.
   */
  putFile(path: string): Promise<BlobInfo>;

  /**
   * A stream of the blob's content, read in chunks, or `undefined` when there
   * is no such blob or `key` is not a well-formed key. The caller must consume
   * or destroy the stream.
   */
  open(key: string): Promise<Readable | undefined>;

  /** The whole content at once, for small blobs; `undefined` when missing or malformed. */
  read(key: string): Promise<Buffer | undefined>;

  /** The blob's size in bytes; `undefined` when missing or malformed. */
  stat(key: string): Promise<{ size: number } | undefined>;

  /**
   * Deletes the blob, reclaiming its space; resolves true when it existed.
   * The caller checks first that nothing refers to the key any more (see
   * store/blob-references.ts): a put of the same content afterwards stores it
   * again. A stream already open may still read it to the end.
   */
  delete(key: string): Promise<boolean>;

  /** Waits for puts in flight and releases the store's resources. */
  close(): Promise<void>;
}

const BLOB_KEY = /^[0-9a-f]{64}$/;

/**
 * Whether `value` is a well-formed blob key: exactly 64 lowercase hex digits.
 * Stores treat anything else as a missing blob, so a key taken from a request
 * can never become a path, a pattern or a different spelling of a stored key.
 */
export function isBlobKey(value: unknown): value is string {
  return typeof value === "string" && BLOB_KEY.test(value);
}

/**
 * The chunks of any `BlobSource`, checked to be bytes. Implementations iterate
 * this instead of the source so that every backing accepts the same inputs and
 * fails the same way on a non-byte stream.
 *
 * A Node stream gets an `error` listener right away: iteration (which listens
 * for errors itself) may only start after the store has done some I/O, and an
 * `error` event nobody listens to would crash the process. The error is not
 * lost: the stream remembers it and the iteration rejects with it.
 */
export function blobChunks(source: BlobSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) return once(source);
  const emitter = source as Partial<Pick<NodeJS.ReadableStream, "on" | "off">>;
  if (typeof emitter.on !== "function" || typeof emitter.off !== "function") return checked(source);
  const ignore = () => undefined;
  emitter.on("error", ignore);
  return checked(source, () => emitter.off?.("error", ignore));
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  yield bytes;
}

async function* checked(source: AsyncIterable<unknown>, done?: () => void): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    for await (const chunk of source) {
      // A string chunk means the stream decodes text: its bytes are no longer the file's.
      if (!(chunk instanceof Uint8Array)) throw new TypeError("blob sources must yield Uint8Array chunks");
      yield chunk;
    }
  } finally {
    done?.();
  }
}
