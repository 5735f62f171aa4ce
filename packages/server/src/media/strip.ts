/**
 * Strips an image's metadata without decoding it, so a message can carry a
 * clean original at once while the full re-encoding (image.ts) waits its turn
 * among the image jobs. Each format is walked once, segment by segment or
 * chunk by chunk: the work is linear in the file's size, every declared length
 * is checked against the bytes that are really there, and whatever does not
 * parse is refused with `MEDIA_CORRUPT` (never a bare exception).
 *
 * What is kept is what a decoder needs to draw the pixels; everything else
 * (EXIF with its GPS position and camera serials, XMP, IPTC, ICC profiles,
 * comments, text chunks, timestamps, bytes after the end of the image) is
 * dropped. The one fact of EXIF a viewer needs, the orientation, is written
 * back in a fresh EXIF block holding that single tag, so the original shows
 * upright and the later re-encoding turns it upright as before.
 * @module
 */
import { crc32 } from "node:zlib";
import { ParleyError } from "../errors.js";
import type { ImageType } from "./image.js";

/** The image with its metadata removed. */
export function stripImageMetadata(bytes: Buffer, type: ImageType): Buffer {
  return type === "JPEG" ? stripJpeg(bytes) : stripPng(bytes);
}

function corrupt(why: string): ParleyError {
  return new ParleyError("MEDIA_CORRUPT", `The image is damaged or incomplete: ${why}.`);
}

// -- JPEG ---------------------------------------------------------------------

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP14 = 0xee;
const APP15 = 0xef;
const COM = 0xfe;
const TEM = 0x01;

/** Markers that stand alone, without a length: TEM and the restart markers RST0–RST7. */
function isStandalone(marker: number): boolean {
  return marker === TEM || (marker >= 0xd0 && marker <= 0xd7);
}

/**
 * Keeps every segment a decoder needs (tables, frame and scan headers, the
 * entropy-coded data, JFIF's APP0 and Adobe's APP14, which says how the colour
 * channels are encoded) and drops APP1–APP13, APP15 and COM wherever they are,
 * also between the scans of a progressive image. Nothing after EOI is kept.
 */
export function stripJpeg(bytes: Buffer): Buffer {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) throw corrupt("no JPEG start marker");
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let orientation: number | undefined;
  let hasJfif = false;
  let pos = 2;
  for (;;) {
    // Fill bytes (0xFF repeated) may precede a marker.
    if (pos >= bytes.length || bytes[pos] !== 0xff) throw corrupt(`no marker at byte ${pos}`);
    while (pos < bytes.length && bytes[pos] === 0xff) pos += 1;
    if (pos >= bytes.length) throw corrupt("the file ends inside a marker");
    const marker = bytes[pos] as number;
    pos += 1;
    if (marker === EOI) {
      kept.push(Buffer.from([0xff, EOI]));
      break;
    }
    if (marker === 0 || marker === SOI) throw corrupt(`an unexpected marker 0x${marker.toString(16)}`);
    if (isStandalone(marker)) {
      kept.push(Buffer.from([0xff, marker]));
      continue;
    }
    if (pos + 2 > bytes.length) throw corrupt("a segment's length is cut off");
    const length = bytes.readUInt16BE(pos);
    if (length < 2 || pos + length > bytes.length) throw corrupt("a segment runs past the end of the file");
    const segment = bytes.subarray(pos - 2, pos + length);
    const body = bytes.subarray(pos + 2, pos + length);
    pos += length;
    if (marker === APP1 && orientation === undefined) orientation = exifOrientation(body);
    if (marker === APP0) hasJfif = true;
    const isMetadata = (marker >= APP1 && marker <= APP15 && marker !== APP14) || marker === COM;
    if (!isMetadata) kept.push(segment);
    if (marker === SOS) {
      // Entropy-coded data follows the scan header, up to the next marker that is not a stuffed 0xFF00 or a restart.
      const start = pos;
      while (pos < bytes.length) {
        if (bytes[pos] === 0xff && pos + 1 < bytes.length) {
          const next = bytes[pos + 1] as number;
          if (next !== 0 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) break;
        }
        pos += 1;
      }
      if (pos >= bytes.length) throw corrupt("the scan data has no end marker");
      kept.push(bytes.subarray(start, pos));
    }
  }
  if (orientation !== undefined && orientation !== 1) {
    // After SOI, and after APP0 when there is one: JFIF readers expect their segment first.
    kept.splice(hasJfif ? 2 : 1, 0, orientationSegment(orientation));
  }
  return Buffer.concat(kept);
}

const EXIF_HEADER = Buffer.from("Exif\0\0", "latin1");
const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/** The EXIF orientation (1–8) of an APP1 body, or undefined when it has none or it does not parse (not a reason to refuse). */
function exifOrientation(body: Buffer): number | undefined {
  if (body.length < EXIF_HEADER.length + 8 || !body.subarray(0, EXIF_HEADER.length).equals(EXIF_HEADER)) return undefined;
  const tiff = body.subarray(EXIF_HEADER.length);
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return undefined;
  const little = order === "II";
  const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) === ORIENTATION_TAG && u16(entry + 2) === SHORT) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : undefined;
    }
  }
  return undefined;
}

/** An APP1 segment whose EXIF holds the orientation tag and nothing else. */
function orientationSegment(orientation: number): Buffer {
  // TIFF header (little-endian, IFD at 8), one IFD entry, no next IFD.
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(ORIENTATION_TAG, 10);
  tiff.writeUInt16LE(SHORT, 12);
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt16LE(orientation, 18);
  const body = Buffer.concat([EXIF_HEADER, tiff]);
  const header = Buffer.from([0xff, APP1, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

// -- PNG ----------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/**
 * Chunks kept: the critical ones and the ancillary ones that change how the
 * pixels look. Text (tEXt, zTXt, iTXt), eXIf, tIME, ICC profiles, animation
 * chunks and any unknown ancillary chunk are dropped.
 */
const KEPT_CHUNKS = new Set(["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD", "pHYs"]);

/** Keeps the chunks of {@link KEPT_CHUNKS}, each checked for its length and CRC; nothing after IEND is kept. */
export function stripPng(bytes: Buffer): Buffer {
  if (bytes.length < PNG_SIGNATURE.length || !bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
    throw corrupt("no PNG signature");
  }
  const kept: Buffer[] = [PNG_SIGNATURE];
  let pos = PNG_SIGNATURE.length;
  let isFirst = true;
  for (;;) {
    if (pos + 8 > bytes.length) throw corrupt("the file ends before IEND");
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString("latin1", pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw corrupt(`a chunk type is not four letters at byte ${pos}`);
    const end = pos + 12 + length;
    if (end > bytes.length) throw corrupt(`the ${type} chunk runs past the end of the file`);
    const expected = bytes.readUInt32BE(end - 4);
    if (crc32(bytes.subarray(pos + 4, end - 4)) !== expected) throw corrupt(`the ${type} chunk fails its CRC`);
    if (isFirst && type !== "IHDR") throw corrupt("the first chunk is not IHDR");
    isFirst = false;
    const isCritical = type.charCodeAt(0) < 0x61;
    if (isCritical && !KEPT_CHUNKS.has(type)) throw corrupt(`an unknown critical chunk ${type}`);
    if (KEPT_CHUNKS.has(type)) kept.push(bytes.subarray(pos, end));
    pos = end;
    if (type === "IEND") break;
  }
  return Buffer.concat(kept);
}
