import { randomBytes } from "node:crypto";
import { mkdir, readdir, rm, truncate, utimes, writeFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FsBlobStore } from "../src/blobs/fs.js";
import { BlobDamagedError } from "../src/blobs/verify.js";
import { blobStoreContract } from "./blob.contract.js";
import { tempDir } from "./helpers.js";

/** Every file under `dir`, as paths relative to it. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

blobStoreContract("file system", {
  create() {
    const dir = tempDir();
    const blobs = join(dir.path, "blobs");
    return Promise.resolve({
      open: () => Promise.resolve(new FsBlobStore({ dir: blobs })),
      count: async () => (await files(blobs).catch(() => [])).filter((f) => !f.startsWith("tmp/")).length,
      cleanup: () => rm(dir.path, { recursive: true, force: true }),
    });
  },
});

describe("FsBlobStore on disk", () => {
  const dirs: (() => void)[] = [];
  afterEach(() => {
    for (const remove of dirs.splice(0)) remove();
  });
  function storeDir(): string {
    const dir = tempDir();
    dirs.push(dir.remove);
    return dir.path;
  }

  it("names files by their hash only, fanned out, and leaves tmp/ empty", async () => {
    const dir = storeDir();
    const store = new FsBlobStore({ dir });
    const keys = await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(randomBytes(1000 + i)).then((b) => b.key)));
    await store.put(randomBytes(1));
    await expect(
      store.put(
        (async function* () {
          yield randomBytes(10);
          throw new Error("dropped");
        })(),
      ),
    ).rejects.toThrow("dropped");
    await store.close();

    const stored = await files(dir);
    expect(stored).toHaveLength(21);
    for (const path of stored) expect(path).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    for (const key of keys) expect(stored).toContain(`${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`);
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
  });

  it("sweeps temp files left by a crash once they are stale, and only those", async () => {
    const dir = storeDir();
    await mkdir(join(dir, "tmp"), { recursive: true });
    const stale = join(dir, "tmp", "0".repeat(32));
    const recent = join(dir, "tmp", "1".repeat(32));
    await writeFile(stale, "partial");
    await writeFile(recent, "in progress elsewhere");
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(stale, twoDaysAgo, twoDaysAgo);

    const store = new FsBlobStore({ dir });
    await store.put(Buffer.from("hello"));
    await store.close();
    expect(await readdir(join(dir, "tmp"))).toEqual(["1".repeat(32)]);
  });

  it("refuses work after close", async () => {
    const store = new FsBlobStore({ dir: storeDir() });
    await store.close();
    await expect(store.put(Buffer.from("x"))).rejects.toThrow(/closed/);
    await expect(store.read("0".repeat(64))).rejects.toThrow(/closed/);
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

  it("refuses a blob whose file was cut short or changed on disk: read rejects, a stream fails before its end", async () => {
    const dir = storeDir();
    const store = new FsBlobStore({ dir });
    const data = randomBytes(300_000);
    const { key } = await store.put(data);
    const path = join(dir, key.slice(0, 2), key.slice(2, 4), key);

    await truncate(path, 100_000);
    await expect(store.read(key)).rejects.toBeInstanceOf(BlobDamagedError);
    const short = await consume((await store.open(key)) as Readable);
    expect(short.error).toBeInstanceOf(BlobDamagedError);
    expect(short.bytes).toBeLessThan(100_000);

    // Same length, other bytes: only the hash tells, and the last chunk is never handed out.
    await writeFile(path, Buffer.concat([data.subarray(0, 299_999), Buffer.from([data[299_999]! ^ 1])]));
    await expect(store.read(key)).rejects.toThrow(`the media file ${key} is damaged`);
    const changed = await consume((await store.open(key)) as Readable);
    expect(changed.error).toBeInstanceOf(BlobDamagedError);
    expect(changed.bytes).toBeLessThan(data.byteLength);

    // Whole again: read and streamed in full.
    await writeFile(path, data);
    expect((await store.read(key))?.equals(data)).toBe(true);
    expect(await consume((await store.open(key)) as Readable)).toEqual({ bytes: data.byteLength, error: undefined });
    await store.close();
  });
});
