/**
 * A streaming ZIP writer, small on purpose: deflated entries only, sizes and
 * CRC-32 in a data descriptor after each entry (so an entry is written as it
 * is read, never held whole), then the central directory. No ZIP64: an
 * archive stays under 4 GiB, which the export's own limits guarantee
 * (docs/limits.md). File names are UTF-8 (flag bit 11).
 * @module
 */
import { once } from "node:events";
import { PassThrough, type Readable } from "node:stream";
import { constants, crc32, createDeflateRaw } from "node:zlib";

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Bit 3: sizes and CRC follow the data; bit 11: the name is UTF-8. */
const FLAGS = 0x0008 | 0x0800;
const DEFLATE = 8;
/** 2.0: deflate and data descriptors. */
const VERSION = 20;
/** The most a field of a non-ZIP64 archive can hold. */
const MAX_32 = 0xffffffff;

interface Entry {
  name: Buffer;
  offset: number;
  crc: number;
  compressedSize: number;
  size: number;
  time: number;
  date: number;
}

/** Bytes to put in an entry: all at once, or chunk by chunk. */
export type ZipSource = Uint8Array | AsyncIterable<Uint8Array>;

export class ZipWriter {
  /** The archive as it is written; pipe it to the response. */
  readonly output: Readable;
  private readonly stream = new PassThrough();
  private readonly entries: Entry[] = [];
  private offset = 0;

  constructor() {
    this.output = this.stream;
  }

  /**
   * Adds one entry and resolves once its bytes are handed to the output
   * (waiting while the reader is slower). Entries are added one at a time.
   * `level`: 1 for what is compressed already (images, Office files), 6 for text.
   */
  async add(name: string, source: ZipSource, options: { level?: number; modified?: Date } = {}): Promise<void> {
    const nameBytes = Buffer.from(name, "utf8");
    const { time, date } = dosDateTime(options.modified ?? new Date());
    const entry: Entry = { name: nameBytes, offset: this.offset, crc: 0, compressedSize: 0, size: 0, time, date };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(LOCAL_HEADER, 0);
    header.writeUInt16LE(VERSION, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(DEFLATE, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    // CRC and sizes (14–25) are zero here: the data descriptor carries them.
    header.writeUInt16LE(nameBytes.length, 26);
    await this.write(Buffer.concat([header, nameBytes]));

    const deflate = createDeflateRaw({ level: options.level ?? constants.Z_DEFAULT_COMPRESSION });
    const drained = (async () => {
      for await (const chunk of deflate as AsyncIterable<Buffer>) {
        entry.compressedSize += chunk.length;
        await this.write(chunk);
      }
    })();
    try {
      for await (const chunk of source instanceof Uint8Array ? [source] : source) {
        entry.crc = crc32(chunk, entry.crc);
        entry.size += chunk.byteLength;
        if (!deflate.write(chunk)) await once(deflate, "drain");
      }
      deflate.end();
      await drained;
    } catch (error) {
      // A stream source (a blob being read) is let go too, not left open until collected.
      (source as { destroy?: () => void }).destroy?.();
      deflate.destroy();
      await drained.catch(() => undefined);
      throw error;
    }
    if (entry.size > MAX_32 || entry.compressedSize > MAX_32) throw new Error("a ZIP entry exceeds 4 GiB");

    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
    descriptor.writeUInt32LE(entry.crc >>> 0, 4);
    descriptor.writeUInt32LE(entry.compressedSize, 8);
    descriptor.writeUInt32LE(entry.size, 12);
    await this.write(descriptor);
    this.entries.push(entry);
  }

  /** Writes the central directory and ends the output. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const entry of this.entries) {
      const header = Buffer.alloc(46);
      header.writeUInt32LE(CENTRAL_HEADER, 0);
      // Made by: Unix (3), version 2.0; so that the external attributes below read as file modes.
      header.writeUInt16LE((3 << 8) | VERSION, 4);
      header.writeUInt16LE(VERSION, 6);
      header.writeUInt16LE(FLAGS, 8);
      header.writeUInt16LE(DEFLATE, 10);
      header.writeUInt16LE(entry.time, 12);
      header.writeUInt16LE(entry.date, 14);
      header.writeUInt32LE(entry.crc >>> 0, 16);
      header.writeUInt32LE(entry.compressedSize, 20);
      header.writeUInt32LE(entry.size, 24);
      header.writeUInt16LE(entry.name.length, 28);
      // Extra, comment, disk, internal attributes: none. External: a regular file, rw-r--r--.
      header.writeUInt32LE((0o100644 << 16) >>> 0, 38);
      header.writeUInt32LE(entry.offset, 42);
      await this.write(Buffer.concat([header, entry.name]));
    }
    const size = this.offset - start;
    if (this.offset > MAX_32 || this.entries.length > 0xffff) throw new Error("the ZIP archive exceeds 4 GiB or 65,535 entries");
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
    this.stream.end();
  }

  /** Ends the output with an error: the reader sees a broken archive, never a short valid one. */
  abort(error: Error): void {
    this.stream.destroy(error);
  }

  private async write(bytes: Buffer): Promise<void> {
    if (this.stream.destroyed) throw new Error("the ZIP output was closed");
    this.offset += bytes.length;
    if (!this.stream.write(bytes)) {
      // Wait for the reader, or for it to go away.
      await new Promise<void>((resolve, reject) => {
        const settle = (error?: Error) => {
          this.stream.off("drain", onDrain);
          this.stream.off("close", onClose);
          if (error === undefined) resolve();
          else reject(error);
        };
        const onDrain = () => settle();
        const onClose = () => settle(new Error("the ZIP output was closed"));
        this.stream.on("drain", onDrain);
        this.stream.on("close", onClose);
      });
    }
  }
}

/** A time as MS-DOS date and time fields (local fields read as UTC; two-second resolution). */
function dosDateTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    time: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}
