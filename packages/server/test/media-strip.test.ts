/**
 * The metadata strippers that let an image ride inline before it is
 * re-encoded: what they keep still decodes to the same pixels, what they drop
 * (EXIF with GPS, XMP, comments, text chunks, trailing bytes) is gone, and
 * hostile structure (truncated segments, lengths past the end, huge declared
 * lengths, bad CRCs) is refused with MEDIA_CORRUPT in one linear pass, never
 * with a bare exception.
 */
import { deflateSync, crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { ParleyError } from "../src/errors.js";
import { stripJpeg, stripPng } from "../src/media/strip.js";
import { makeJpeg, makePng } from "../../../tests/support/media-files.js";

const GPS_CAMERA = Buffer.from("Fixture Camera 3000");

function segment(marker: number, body: Buffer): Buffer {
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** Inserts `extra` right after the JPEG's SOI. */
function afterSoi(jpeg: Buffer, extra: Buffer): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), extra, jpeg.subarray(2)]);
}

/** Inserts `extra` right after the PNG's IHDR (signature 8 + IHDR 25 bytes). */
function afterIhdr(png: Buffer, extra: Buffer): Buffer {
  return Buffer.concat([png.subarray(0, 33), extra, png.subarray(33)]);
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof ParleyError) return error.code;
    return `bare ${String(error)}`;
  }
}

async function pixels(image: Buffer): Promise<Buffer> {
  return sharp(image).raw().toBuffer();
}

describe("JPEG", () => {
  it("drops EXIF with GPS, XMP and comments, keeps the pixels and an orientation-only EXIF", async () => {
    const photo = await makeJpeg({ width: 64, height: 32, orientation: 6, gps: true });
    const dirty = afterSoi(photo, Buffer.concat([segment(0xfe, Buffer.from("secret comment")), segment(0xe1, Buffer.from("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>"))]));
    const clean = stripJpeg(Buffer.concat([dirty, Buffer.from("trailing bytes after EOI")]));
    for (const secret of [GPS_CAMERA, Buffer.from("secret comment"), Buffer.from("xmpmeta"), Buffer.from("trailing bytes")]) {
      expect(clean.includes(secret)).toBe(false);
    }
    const meta = await sharp(clean).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([64, 32, 6]);
    expect(meta.exif?.length).toBe(32);
    expect(await pixels(clean)).toEqual(await pixels(photo));
  });

  it("drops metadata placed between the scans too", async () => {
    const photo = await sharp({ create: { width: 48, height: 48, channels: 3, background: "#36c" } }).jpeg({ progressive: true }).toBuffer();
    // Before the second SOS of a progressive JPEG.
    const sos = photo.indexOf(Buffer.from([0xff, 0xda]), photo.indexOf(Buffer.from([0xff, 0xda])) + 2);
    expect(sos).toBeGreaterThan(0);
    const dirty = Buffer.concat([photo.subarray(0, sos), segment(0xe1, Buffer.concat([Buffer.from("Exif\0\0"), GPS_CAMERA])), photo.subarray(sos)]);
    const clean = stripJpeg(dirty);
    expect(clean.includes(GPS_CAMERA)).toBe(false);
    expect(await pixels(clean)).toEqual(await pixels(photo));
  });

  it("refuses broken structure with MEDIA_CORRUPT", async () => {
    const photo = await makeJpeg({ width: 16, height: 16 });
    const cases: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from([0xff, 0xd8]),
      photo.subarray(0, 2 + 3), // a segment's length cut off
      afterSoi(photo, Buffer.from([0xff, 0xe1, 0xff, 0xff, 1, 2, 3])), // a length past the end
      afterSoi(photo, Buffer.from([0xff, 0xe1, 0x00, 0x01])), // a length below its own two bytes
      photo.subarray(0, photo.length - 2), // no EOI after the scan
      Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(100, 0x41)]), // no marker at all
      Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(100, 0xff)]), // fill bytes to the end
    ];
    for (const bytes of cases) expect(refusal(() => stripJpeg(bytes))).toBe("MEDIA_CORRUPT");
  });

  it("drops an EXIF it cannot parse, without refusing the image", async () => {
    const photo = await makeJpeg({ width: 16, height: 16 });
    // An IFD offset far past the end and an entry count of 65,535.
    const tiff = Buffer.from([0x49, 0x49, 42, 0, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff]);
    const clean = stripJpeg(afterSoi(photo, segment(0xe1, Buffer.concat([Buffer.from("Exif\0\0"), tiff]))));
    expect((await sharp(clean).metadata()).exif).toBeUndefined();
  });

  it("walks a file of many segments in one linear pass", async () => {
    const photo = await makeJpeg({ width: 16, height: 16 });
    const comments = Buffer.concat(Array.from({ length: 100_000 }, () => segment(0xfe, Buffer.from("x"))));
    const clean = stripJpeg(afterSoi(photo, comments));
    expect(clean).toEqual(stripJpeg(photo));
  });
});

describe("PNG", () => {
  it("drops eXIf, text, time and unknown ancillary chunks, keeps the pixels", async () => {
    const image = await makePng({ width: 20, height: 10 });
    const extra = Buffer.concat([
      chunk("eXIf", Buffer.concat([Buffer.from("MM\0*"), GPS_CAMERA])),
      chunk("tEXt", Buffer.from("Comment\0secret text")),
      chunk("zTXt", Buffer.concat([Buffer.from("Author\0\0"), deflateSync("secret author")])),
      chunk("iTXt", Buffer.from("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>")),
      chunk("tIME", Buffer.from([0x07, 0xea, 1, 2, 3, 4, 5])),
      chunk("prVt", Buffer.from("private")),
    ]);
    const clean = stripPng(Buffer.concat([afterIhdr(image, extra), Buffer.from("trailing")]));
    for (const secret of [GPS_CAMERA, Buffer.from("secret"), Buffer.from("xmpmeta"), Buffer.from("private"), Buffer.from("trailing"), Buffer.from("tIME")]) {
      expect(clean.includes(secret)).toBe(false);
    }
    expect(await pixels(clean)).toEqual(await pixels(image));
  });

  it("refuses broken structure with MEDIA_CORRUPT", async () => {
    const image = await makePng({ width: 8, height: 8 });
    const badCrc = Buffer.from(image);
    badCrc[29] = (badCrc[29] ?? 0) ^ 0xff; // inside IHDR's CRC
    const huge = Buffer.from(chunk("tEXt", Buffer.from("a")));
    huge.writeUInt32BE(0xffffffff, 0); // a declared length of 4 GiB
    const cases: Buffer[] = [
      Buffer.alloc(0),
      image.subarray(0, 8),
      image.subarray(0, 20), // IHDR cut off
      image.subarray(0, image.length - 12), // no IEND
      badCrc,
      afterIhdr(image, huge),
      afterIhdr(image, chunk("ABCD", Buffer.alloc(0))), // an unknown critical chunk
      afterIhdr(image, chunk("a1b2", Buffer.alloc(0))), // not a chunk type
      Buffer.concat([image.subarray(0, 8), chunk("IDAT", Buffer.alloc(0)), image.subarray(8)]), // IHDR not first
    ];
    for (const bytes of cases) expect(refusal(() => stripPng(bytes))).toBe("MEDIA_CORRUPT");
  });
});
