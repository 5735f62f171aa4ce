import { randomBytes } from "node:crypto";
import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { ZipWriter } from "../src/lifecycle/zip-writer.js";

async function collect(zip: ZipWriter, write: () => Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  zip.output.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => zip.output.on("end", resolve));
  await write();
  await ended;
  return Buffer.concat(chunks);
}

async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

describe("ZipWriter", () => {
  it("writes entries that an unzip reads back byte for byte, names in UTF-8", async () => {
    const file = randomBytes(700_000);
    const zip = new ZipWriter();
    const archive = await collect(zip, async () => {
      await zip.add("customer.json", Buffer.from(JSON.stringify({ hello: "wörld" })), { level: 6 });
      await zip.add("files/CHAT_1/UPLOAD_1-café.png", inPieces(file, 64 * 1024), { level: 1 });
      await zip.add("empty.txt", Buffer.alloc(0));
      await zip.finish();
    });
    const entries = unzipSync(archive);
    expect(Object.keys(entries).sort()).toEqual(["customer.json", "empty.txt", "files/CHAT_1/UPLOAD_1-café.png"]);
    expect(JSON.parse(strFromU8(entries["customer.json"]!))).toEqual({ hello: "wörld" });
    expect(Buffer.from(entries["files/CHAT_1/UPLOAD_1-café.png"]!).equals(file)).toBe(true);
    expect(entries["empty.txt"]!.length).toBe(0);
  });

  it("writes an archive with no entries", async () => {
    const zip = new ZipWriter();
    const archive = await collect(zip, () => zip.finish());
    expect(archive.length).toBe(22);
    expect(unzipSync(archive)).toEqual({});
  });

  it("stops writing when the reader goes away", async () => {
    const zip = new ZipWriter();
    zip.output.destroy();
    await expect(zip.add("a.bin", randomBytes(10))).rejects.toThrow(/closed/);
  });
});
