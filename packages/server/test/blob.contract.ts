/**
 * The BlobStore contract: every implementation runs this same suite.
 * `create` gives a fresh, empty location; `open` opens a store on it (again
 * after a close, for the "survives reopen" case) and `count` says how many
 * blobs the location holds, looked up behind the store's back.
 */
import { createHash, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BlobStore } from "../src/blobs/types.js";
import { tempDir } from "./helpers.js";

export interface BlobStoreLocation {
  open(): Promise<BlobStore>;
  /** Number of distinct blobs stored at the location. */
  count(): Promise<number>;
  cleanup(): Promise<void>;
}

export interface BlobStoreFactory {
  /** A fresh, empty store location. */
  create(): Promise<BlobStoreLocation>;
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Compares by size and hash: a deep equality of megabytes, element by element, takes minutes. */
function expectBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  const summary = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : { size: bytes.byteLength, sha256: sha256(bytes) });
  expect(summary(actual)).toEqual(summary(expected));
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function* chunked(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

/** Yields some bytes, then fails as a dropped upload would. */
async function* failingAfter(data: Buffer): AsyncGenerator<Uint8Array> {
  yield data.subarray(0, data.length / 2);
  yield data.subarray(data.length / 2);
  throw new Error("connection reset");
}

export function blobStoreContract(name: string, factory: BlobStoreFactory): void {
  describe(`BlobStore contract: ${name}`, () => {
    let location: BlobStoreLocation;
    let store: BlobStore;

    beforeEach(async () => {
      location = await factory.create();
      store = await location.open();
    });
    afterEach(async () => {
      await store.close();
      await location.cleanup();
    });

    it("stores bytes under their SHA-256 and gives them back", async () => {
      const data = randomBytes(10_000);
      const info = await store.put(data);
      expect(info).toEqual({ key: sha256(data), size: data.length });
      expect(Buffer.isBuffer(await store.read(info.key))).toBe(true);
      expectBytes(await store.read(info.key), data);
      expect(await store.stat(info.key)).toEqual({ size: data.length });
    });

    it("stores an async iterable of many chunks", async () => {
      const data = randomBytes(5 * 1024 * 1024);
      const info = await store.put(chunked(data, 64 * 1024));
      expect(info).toEqual({ key: sha256(data), size: data.length });
      const stream = await store.open(info.key);
      expect(stream).toBeDefined();
      expectBytes(await drain(stream as Readable), data);
    });

    it("stores a Node Readable", async () => {
      const data = randomBytes(300_000);
      const info = await store.put(Readable.from([data.subarray(0, 1), data.subarray(1, 200_000), data.subarray(200_000)]));
      expect(info).toEqual({ key: sha256(data), size: data.length });
      expectBytes(await store.read(info.key), data);
    });

    it("streams a blob back in more than one chunk", async () => {
      const data = randomBytes(1024 * 1024);
      const { key } = await store.put(data);
      const stream = await store.open(key);
      let chunks = 0;
      const parts: Buffer[] = [];
      for await (const chunk of stream as Readable) {
        chunks++;
        parts.push(chunk as Buffer);
      }
      expect(chunks).toBeGreaterThan(1);
      expectBytes(Buffer.concat(parts), data);
    });

    it("stores the same content once, under the same key", async () => {
      const data = randomBytes(4096);
      const first = await store.put(data);
      const second = await store.put(chunked(Buffer.from(data), 100));
      expect(second).toEqual(first);
      expect(await location.count()).toBe(1);
      expectBytes(await store.read(first.key), data);
    });

    it("takes concurrent puts of the same content", async () => {
      const data = randomBytes(256 * 1024);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.put(i % 2 === 0 ? data : chunked(data, 7_000 + i))));
      for (const result of results) expect(result).toEqual({ key: sha256(data), size: data.length });
      expect(await location.count()).toBe(1);
      expectBytes(await store.read(sha256(data)), data);
    });

    it("takes concurrent puts of different content", async () => {
      const blobs = Array.from({ length: 10 }, () => randomBytes(20_000));
      const results = await Promise.all(blobs.map((blob) => store.put(blob)));
      expect(results.map((r) => r.key)).toEqual(blobs.map(sha256));
      expect(await location.count()).toBe(10);
      for (const blob of blobs) expectBytes(await store.read(sha256(blob)), blob);
    });

    it("stores empty content", async () => {
      const info = await store.put(new Uint8Array(0));
      expect(info).toEqual({ key: sha256(new Uint8Array(0)), size: 0 });
      expect(await store.stat(info.key)).toEqual({ size: 0 });
      expectBytes(await store.read(info.key), Buffer.alloc(0));
      expectBytes(await drain((await store.open(info.key)) as Readable), Buffer.alloc(0));
      expect(await store.put(chunked(Buffer.alloc(0), 10))).toEqual(info);
    });

    it("treats an unknown key as missing", async () => {
      const key = sha256(randomBytes(16));
      expect(await store.open(key)).toBeUndefined();
      expect(await store.read(key)).toBeUndefined();
      expect(await store.stat(key)).toBeUndefined();
    });

    it("deletes a blob, which is then missing, and stores its content again afterwards", async () => {
      const data = randomBytes(300_000);
      const kept = await store.put(randomBytes(100));
      const info = await store.put(data);
      expect(await store.delete(info.key)).toBe(true);
      expect(await store.open(info.key)).toBeUndefined();
      expect(await store.read(info.key)).toBeUndefined();
      expect(await store.stat(info.key)).toBeUndefined();
      expect(await store.delete(info.key)).toBe(false);
      expect(await store.delete(info.key.toUpperCase())).toBe(false);
      expect(await store.stat(kept.key)).toEqual({ size: 100 });
      expect(await store.put(data)).toEqual(info);
      expectBytes(await store.read(info.key), data);
    });

    it("treats malformed keys as missing, even ones that spell a stored blob another way", async () => {
      const { key } = await store.put(randomBytes(64));
      const malformed = [
        "../../etc/passwd",
        "",
        key.toUpperCase(),
        key.slice(0, 63),
        `${key}0`,
        `${key}\n`,
        ` ${key}`,
        `./${key}`,
        `../${key}`,
        `${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`,
      ];
      for (const candidate of malformed) {
        expect(await store.open(candidate)).toBeUndefined();
        expect(await store.read(candidate)).toBeUndefined();
        expect(await store.stat(candidate)).toBeUndefined();
      }
    });

    it("stores nothing when the source fails midway", async () => {
      const data = randomBytes(100_000);
      await expect(store.put(failingAfter(data))).rejects.toThrow("connection reset");
      expect(await store.stat(sha256(data))).toBeUndefined();
      expect(await store.stat(sha256(data.subarray(0, data.length / 2)))).toBeUndefined();
      expect(await location.count()).toBe(0);
      // The store is still usable, and the same content stores normally afterwards.
      expect((await store.put(data)).key).toBe(sha256(data));
    });

    it("stores nothing when a Node stream errors midway", async () => {
      const sent: Buffer[] = [];
      const stream = new Readable({
        read() {
          if (sent.length === 4) return void this.destroy(new Error("socket hang up"));
          const chunk = randomBytes(16_000);
          sent.push(chunk);
          this.push(chunk);
        },
      });
      await expect(store.put(stream)).rejects.toThrow("socket hang up");
      expect(await store.stat(sha256(Buffer.concat(sent)))).toBeUndefined();
      expect(await location.count()).toBe(0);
    });

    it("rejects, without crashing, when a Node stream fails before the store reads it", async () => {
      const stream = new Readable({ read() {} });
      stream.push(randomBytes(1000));
      const put = store.put(stream);
      stream.destroy(new Error("aborted"));
      await expect(put).rejects.toThrow("aborted");
      expect(await location.count()).toBe(0);
    });

    it("refuses a stream of text chunks", async () => {
      await expect(store.put(Readable.from(["not", "bytes"]))).rejects.toThrow(TypeError);
      expect(await location.count()).toBe(0);
    });

    it("keeps blobs across close and reopen", async () => {
      const data = randomBytes(70_000);
      const { key } = await store.put(data);
      await store.close();
      store = await location.open();
      expectBytes(await store.read(key), data);
      expect(await store.put(data)).toEqual({ key, size: data.length });
      expect(await location.count()).toBe(1);
    });

    it("waits for puts in flight before closing", async () => {
      const data = randomBytes(2 * 1024 * 1024);
      const put = store.put(chunked(data, 16 * 1024));
      await store.close();
      expect(await put).toEqual({ key: sha256(data), size: data.length });
      store = await location.open();
      expect(await store.stat(sha256(data))).toEqual({ size: data.length });
    });

    it("stores a file from disk, leaving the caller's file to the caller", async () => {
      const dir = tempDir();
      try {
        const data = randomBytes(3 * 1024 * 1024 + 17);
        const path = join(dir.path, "upload");
        await writeFile(path, data);
        const info = await store.putFile(path);
        expect(info).toEqual({ key: sha256(data), size: data.length });
        expectBytes(await store.read(info.key), data);
        // Whether the file was copied or moved, deleting it must not affect the blob.
        dir.remove();
        expectBytes(await store.read(info.key), data);
        expect(await store.putFile(path).catch((error: unknown) => error)).toBeInstanceOf(Error);
      } finally {
        dir.remove();
      }
    });
  });
}
