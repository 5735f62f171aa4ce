/**
 * Blobs are named by the SHA-256 of their bytes, so a reader can tell damage
 * (a file cut short or changed on disk, a lost chunk) from the name alone:
 * every read checks. `read` rejects with {@link BlobDamagedError}; an `open`
 * stream holds its last chunk back until the hash is known to match and fails
 * with that error otherwise, so a reader never receives a complete-looking
 * blob with the wrong bytes.
 * @module
 */
import { createHash } from "node:crypto";
import { Transform } from "node:stream";

/** A stored blob whose bytes no longer hash to its key: cut short, changed or partly lost where it is kept. */
export class BlobDamagedError extends Error {
  constructor(
    readonly key: string,
    /** How many bytes were found. */
    readonly size: number,
  ) {
    super(`the media file ${key} is damaged: its ${size} bytes do not hash to its name (restore it from a backup)`);
    this.name = "BlobDamagedError";
  }
}

/**
 * Passes the bytes through while hashing them, one chunk behind: the last
 * chunk goes out only once the whole content is known to hash to `key`, so
 * a damaged blob ends in an error (a download cut short), never in a
 * complete-looking file.
 */
export function verifiedAgainst(key: string): Transform {
  const hash = createHash("sha256");
  let size = 0;
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.byteLength;
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      if (hash.digest("hex") !== key) {
        done(new BlobDamagedError(key, size));
        return;
      }
      done(null, held);
    },
  });
}

/** Throws {@link BlobDamagedError} unless `bytes` hash to `key`. */
export function assertIntact(key: string, bytes: Buffer): void {
  if (createHash("sha256").update(bytes).digest("hex") !== key) throw new BlobDamagedError(key, bytes.byteLength);
}
