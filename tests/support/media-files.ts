/**
 * Real media files made in code, for the tests of media uploads: images that
 * decoders accept, Office documents that Office would recognise, and the
 * hostile or broken files the server must refuse. Nothing binary is committed;
 * every file is built here, small enough to make in a few milliseconds (the
 * noisy images and the compression bomb take a little longer).
 *
 * Free of test-runner imports so any test, unit or end-to-end, can use it.
 * @module
 */
import { randomBytes } from "node:crypto";
import { constants, crc32, deflateRawSync, deflateSync } from "node:zlib";
import CFB from "cfb";
import { strToU8, zipSync, type Zippable } from "fflate";
import sharp from "sharp";

/** Options of {@link makeJpeg}. */
export interface JpegOptions {
  width: number;
  height: number;
  /** EXIF orientation (1–8) written in the file; the stored pixels are not turned. */
  orientation?: number;
  /** Whether the EXIF carries GPS coordinates (and a camera make and model). */
  gps?: boolean;
}

// Left half red, right half blue: after an orientation is applied, where the red went tells which way the image turned.
const RED = { r: 220, g: 30, b: 30 };
const BLUE = { r: 30, g: 30, b: 220 };

function twoColourPixels(width: number, height: number): Buffer {
  const row = Buffer.alloc(width * 3);
  for (let x = 0; x < width; x++) {
    const colour = x < width / 2 ? RED : BLUE;
    row.set([colour.r, colour.g, colour.b], x * 3);
  }
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) row.copy(pixels, y * row.length);
  return pixels;
}

function twoColourImage(width: number, height: number): sharp.Sharp {
  return sharp(twoColourPixels(width, height), { raw: { width, height, channels: 3 } });
}

function noiseImage(width: number, height: number): sharp.Sharp {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
}

/** A PNG of the given size, left half red and right half blue. */
export function makePng({ width, height }: { width: number; height: number }): Promise<Buffer> {
  return twoColourImage(width, height).png().toBuffer();
}

/** A baseline JPEG, left half red and right half blue, optionally with an EXIF orientation and GPS position. */
export function makeJpeg({ width, height, orientation, gps = false }: JpegOptions): Promise<Buffer> {
  let image = twoColourImage(width, height).jpeg({ quality: 90 });
  if (gps) {
    image = image.withExif({
      IFD0: { Make: "Parley Test Optics", Model: "Fixture Camera 3000", Software: "parley-tests" },
      // IFD3 is the GPS directory: a position in central Lyon.
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "45/1 45/1 36/1",
        GPSLongitudeRef: "E",
        GPSLongitude: "4/1 50/1 24/1",
      },
    });
  }
  if (orientation !== undefined) image = image.withMetadata({ orientation });
  return image.toBuffer();
}

/** A JPEG of random pixels at high quality: random noise barely compresses, so 2600×1800 is several MiB. */
export function makeNoisyJpeg(width: number, height: number): Promise<Buffer> {
  return noiseImage(width, height).jpeg({ quality: 95 }).toBuffer();
}

/** A PNG of random pixels: incompressible, about three bytes per pixel. */
export function makeNoisyPng(width: number, height: number): Promise<Buffer> {
  return noiseImage(width, height).png({ compressionLevel: 1 }).toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * A well-formed PNG header claiming `width × height` 8-bit grey pixels, with a
 * tiny IDAT holding one row: the shape of a decompression bomb, caught from the header.
 */
export function pngClaimingPixels(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, adaptive filtering, no interlace
  const oneRow = deflateSync(Buffer.alloc(1 + width)); // filter byte + one row of black
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", oneRow),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A real JPEG cut off halfway through its scan data, as an interrupted upload leaves it. */
export async function corruptJpeg(): Promise<Buffer> {
  const jpeg = await makeNoisyJpeg(256, 256);
  const startOfScan = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  if (startOfScan < 0) throw new Error("the JPEG has no scan");
  return jpeg.subarray(0, startOfScan + Math.floor((jpeg.length - startOfScan) / 2));
}

/** A minimal valid one-page PDF with a line of text (plain letters, digits and spaces), a correct xref table and `%%EOF`. */
export function makePdf(line = "Hello from Parley"): Buffer {
  const text = `BT /F1 24 Tf 72 720 Td (${line}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n";
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefOffset = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const OFFICE_DOCUMENT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";

/** `[Content_Types].xml` with the usual defaults and an override giving the main part its type. */
function contentTypes(mainPart: string, mainType: string, extra = ""): string {
  return (
    XML +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    extra +
    `<Override PartName="/${mainPart}" ContentType="${mainType}"/>` +
    "</Types>"
  );
}

function packageRels(mainPart: string): string {
  return (
    XML +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    `<Relationship Id="rId1" Type="${OFFICE_DOCUMENT_REL}" Target="${mainPart}"/>` +
    "</Relationships>"
  );
}

function officeZip(mainPart: string, mainType: string, mainXml: string, more: Zippable = {}, extraTypes = ""): Buffer {
  return Buffer.from(
    zipSync({
      "[Content_Types].xml": strToU8(contentTypes(mainPart, mainType, extraTypes)),
      "_rels/.rels": strToU8(packageRels(mainPart)),
      [mainPart]: strToU8(mainXml),
      ...more,
    }),
  );
}

const WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const WORD_XML =
  XML +
  '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
  "<w:body><w:p><w:r><w:t>Hello from Parley</w:t></w:r></w:p></w:body></w:document>";

/** A minimal Word document (.docx): content types, package relationships and `word/document.xml`. */
export function makeDocx(): Buffer {
  return officeZip("word/document.xml", WORD_MAIN, WORD_XML);
}

/** A minimal Excel workbook (.xlsx): content types, package relationships and `xl/workbook.xml`. */
export function makeXlsx(): Buffer {
  return officeZip(
    "xl/workbook.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    XML +
      '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
      '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
  );
}

/** A minimal PowerPoint presentation (.pptx): content types, package relationships and `ppt/presentation.xml`. */
export function makePptx(): Buffer {
  return officeZip(
    "ppt/presentation.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    XML +
      '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">' +
      '<p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>',
  );
}

/** A macro-enabled Word document (.docm): the main part has the macro type and a VBA project rides along. */
export function makeDocm(): Buffer {
  return officeZip(
    "word/document.xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    WORD_XML,
    { "word/vbaProject.bin": new Uint8Array(randomBytes(2048)) },
    '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
  );
}

/** A Compound File with the given streams (name → contents), as legacy Office and Windows Installer write. */
function compoundFile(streams: Record<string, Buffer>): Buffer {
  const container = CFB.utils.cfb_new();
  for (const [name, data] of Object.entries(streams)) CFB.utils.cfb_add(container, `/${name}`, data);
  return Buffer.from(CFB.write(container, { type: "buffer" }) as Uint8Array);
}

/** Stream contents starting with a format's magic number, padded so the stream lives in regular sectors. */
function streamStartingWith(magic: number[], size = 8192): Buffer {
  const data = Buffer.alloc(size);
  data.set(magic);
  return data;
}

/**
 * A legacy Word document (.doc): a Compound File with a `WordDocument` stream
 * (starting with the FIB's magic) and a `1Table` stream. `padding` adds a
 * stream of that many bytes, to make files whose allocation table needs DIFAT sectors.
 */
export function makeDoc({ padding = 0 }: { padding?: number } = {}): Buffer {
  const streams: Record<string, Buffer> = {
    WordDocument: streamStartingWith([0xec, 0xa5]),
    "1Table": Buffer.alloc(4096),
  };
  if (padding > 0) streams["Data"] = Buffer.alloc(padding, 0x5a);
  return compoundFile(streams);
}

/** A legacy Excel workbook (.xls): a Compound File with a `Workbook` stream starting with a BIFF8 BOF record. */
export function makeXls(): Buffer {
  return compoundFile({ Workbook: streamStartingWith([0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00]) });
}

/** A legacy PowerPoint presentation (.ppt): `PowerPoint Document` and `Current User` streams. */
export function makePpt(): Buffer {
  return compoundFile({
    "PowerPoint Document": streamStartingWith([0x0f, 0x00, 0xe8, 0x03]),
    "Current User": Buffer.alloc(64),
  });
}

/** A Compound File shaped like a Windows Installer package: summary information and tables, no Office stream. */
export function makeMsi(): Buffer {
  return compoundFile({
    "\u0005SummaryInformation": Buffer.alloc(512),
    "!_StringPool": Buffer.alloc(256),
    "!_Tables": Buffer.alloc(128),
  });
}

/** A Compound File holding an encrypted Office Open XML document (`EncryptionInfo` and `EncryptedPackage`). */
export function makeEncryptedOffice(): Buffer {
  return compoundFile({
    EncryptionInfo: Buffer.alloc(1024),
    EncryptedPackage: Buffer.from(randomBytes(8192)),
  });
}

/** An ordinary ZIP archive of two text files: not an Office document. */
export function makePlainZip(): Buffer {
  return Buffer.from(
    zipSync({
      "notes/readme.txt": strToU8("Nothing to see here.\n"),
      "notes/todo.txt": strToU8("Buy milk.\n".repeat(20)),
    }),
  );
}

/** One entry of {@link zipDeflated}: its contents already deflated, with their CRC-32 and size. */
interface DeflatedEntry {
  deflated: Buffer;
  crc: number;
  size: number;
}

function deflatedEntry(data: Uint8Array): DeflatedEntry {
  return { deflated: deflateRawSync(data), crc: crc32(data), size: data.length };
}

/**
 * `size` bytes of zeros (a multiple of 1 MiB) deflated without ever holding them:
 * one MiB is deflated and flushed to a byte boundary with a fresh dictionary,
 * so its blocks can be repeated, then a final empty block ends the stream.
 */
function deflatedZeros(size: number): DeflatedEntry {
  const chunk = Buffer.alloc(1024 * 1024);
  const block = deflateRawSync(chunk, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const repeats = size / chunk.length;
  let crc = 0;
  for (let i = 0; i < repeats; i++) crc = crc32(chunk, crc);
  const deflated = Buffer.concat([...Array.from({ length: repeats }, () => block), deflateRawSync(Buffer.alloc(0))]);
  return { deflated, crc, size };
}

/** A ZIP of deflated entries written by hand, so an entry can be deflated in a way fflate does not offer. */
function zipDeflated(files: Record<string, DeflatedEntry>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, { deflated, crc, size }] of Object.entries(files)) {
    const fileName = Buffer.from(name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header
    central.writeUInt16LE(20, 4); // made by: 2.0
    local.copy(central, 6, 4, 26); // version needed … uncompressed size, as in the local header
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, deflated);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A ZIP shaped like a valid .docx (content types, main part) that also holds
 * 64 MiB of zeros deflated to about 64 KiB: small on disk, huge once inflated.
 */
export function makeZipBomb(): Buffer {
  return zipDeflated({
    "[Content_Types].xml": deflatedEntry(strToU8(contentTypes("word/document.xml", WORD_MAIN))),
    "_rels/.rels": deflatedEntry(strToU8(packageRels("word/document.xml"))),
    "word/document.xml": deflatedEntry(strToU8(WORD_XML)),
    "word/media/padding.bin": deflatedZeros(64 * 1024 * 1024),
  });
}

/** The start of a Windows executable: a DOS (MZ) header pointing at a PE header for x86-64. */
export function makeExe(): Buffer {
  const exe = Buffer.alloc(1024);
  exe.write("MZ", 0, "latin1");
  exe.writeUInt32LE(0x80, 0x3c); // e_lfanew: where the PE header starts
  exe.write("This program cannot be run in DOS mode.", 0x4e, "latin1");
  exe.write("PE\0\0", 0x80, "latin1");
  exe.writeUInt16LE(0x8664, 0x84); // machine: x86-64
  exe.writeUInt16LE(1, 0x86); // one section
  exe.writeUInt16LE(0xf0, 0x94); // size of the optional header
  exe.writeUInt16LE(0x22, 0x96); // characteristics: executable, large-address aware
  exe.writeUInt16LE(0x20b, 0x98); // optional header magic: PE32+
  return exe;
}

/** An HTML page with a script, as someone might rename to `.pdf` to get it served from the chat's origin. */
export function makeHtml(): Buffer {
  return Buffer.from(
    "<!DOCTYPE html>\n<html><head><title>Invoice</title></head>" +
      "<body><script>fetch('/api/me').then((r) => r.text()).then(alert)</script></body></html>\n",
    "utf8",
  );
}

/** An SVG image with an embedded script: XML, not one of the accepted image types. */
export function makeSvg(): Buffer {
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">' +
      '<rect width="100" height="100" fill="red"/><script>alert(document.domain)</script></svg>\n',
    "utf8",
  );
}

/**
 * A complete, valid PNG of `width × height` black 8-bit grey pixels. Black
 * compresses about a thousand times, so even 1 × 39,000,000 (under the pixel
 * cap, and many seconds of libvips work) is a file of about 75 KiB.
 */
export function blackPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, adaptive filtering, no interlace
  // Each row: a filter byte (none) and one byte per pixel.
  const pixels = deflateSync(Buffer.alloc((1 + width) * height), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", pixels),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * A .docx-shaped ZIP whose `[Content_Types].xml` holds one `Default` element
 * with `attributeBytes` of name characters and no `=`: the input on which an
 * attribute pattern that backtracks takes time growing with its square. The
 * text is one repeated letter, so 64 KiB of it deflates to a few dozen bytes.
 */
export function docxWithHostileContentTypes(attributeBytes = 64 * 1024): Buffer {
  const hostile = `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default ${"a".repeat(attributeBytes)}/></Types>`;
  return Buffer.from(
    zipSync({
      "[Content_Types].xml": strToU8(hostile),
      "_rels/.rels": strToU8(packageRels("word/document.xml")),
      "word/document.xml": strToU8(WORD_XML),
    }, { level: 9 }),
  );
}

/** The EXIF (APP1 body) the server writes into a stripped original: the orientation tag and nothing else (see media/strip.ts). */
export function orientationOnlyExif(orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(1, 8);
  tiff.writeUInt16LE(0x0112, 10);
  tiff.writeUInt16LE(3, 12);
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt16LE(orientation, 18);
  return Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
}
