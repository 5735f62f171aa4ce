/**
 * Office Open XML documents (.docx, .xlsx, .pptx) are ZIP packages whose
 * `[Content_Types].xml` gives the main part its content type. The same
 * packaging carries macro-enabled files and templates, and any ZIP can pose
 * as a document, so the kind is told by the main part and its declared type.
 *
 * Only the central directory is read, and only `[Content_Types].xml` is
 * inflated, with a cap on its output: a compression bomb is judged from the
 * sizes the directory declares, never by inflating it.
 * @module
 */
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { ParleyError } from "../errors.js";
import { parseContentTypes, type ContentTypes } from "./content-types.js";

/** The Office Open XML types a ZIP package can be accepted as. */
export type OfficeOpenXmlType = "DOCX" | "XLSX" | "PPTX";

/** Thresholds that tell a compression bomb from a document, judged from the central directory alone. */
export interface ZipBombLimits {
  /** Most entries a package may list. */
  maxEntries: number;
  /** Most bytes all entries together may declare once inflated. */
  maxTotalUncompressedBytes: number;
  /** Entries declaring more than this many bytes once inflated… */
  largeEntryBytes: number;
  /** …may not be compressed more than this many times over. */
  maxLargeEntryRatio: number;
  /** Most bytes `[Content_Types].xml` may inflate to. */
  maxContentTypesBytes: number;
}

/**
 * Real documents stay far below these: a 25 MiB deck holds a few hundred
 * parts, and pictures and XML compress well under 200:1 — runs of zeros do not.
 */
export const ZIP_BOMB_LIMITS: Readonly<ZipBombLimits> = Object.freeze({
  maxEntries: 10_000,
  maxTotalUncompressedBytes: 512 * 1024 * 1024,
  largeEntryBytes: 8 * 1024 * 1024,
  maxLargeEntryRatio: 200,
  maxContentTypesBytes: 1024 * 1024,
});

const CONTENT_TYPES_PART = "[Content_Types].xml";

/** Each accepted type's main part and the content type it must be declared with. */
const MAIN_PARTS: ReadonlyArray<{ type: OfficeOpenXmlType; part: string; contentType: string }> = [
  {
    type: "DOCX",
    part: "word/document.xml",
    contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
  },
  {
    type: "XLSX",
    part: "xl/workbook.xml",
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
  },
  {
    type: "PPTX",
    part: "ppt/presentation.xml",
    contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
  },
];

/** Main-part content types of the refused variants, to say what was found. */
const REFUSED_VARIANTS: Readonly<Record<string, string>> = {
  "application/vnd.ms-word.document.macroenabled.main+xml": "docm",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "dotx",
  "application/vnd.ms-word.template.macroenabledtemplate.main+xml": "dotm",
  "application/vnd.ms-excel.sheet.macroenabled.main+xml": "xlsm",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xltx",
  "application/vnd.ms-excel.template.macroenabled.main+xml": "xltm",
  "application/vnd.ms-excel.sheet.binary.macroenabled.main": "xlsb",
  "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml": "pptm",
  "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": "potx",
  "application/vnd.ms-powerpoint.template.macroenabled.main+xml": "potm",
  "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": "ppsx",
  "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml": "ppsm",
};

function corrupt(reason: string): ParleyError {
  return new ParleyError("MEDIA_CORRUPT", `The ZIP package is damaged: ${reason}.`);
}

function bomb(details: Record<string, unknown>): ParleyError {
  return new ParleyError("MEDIA_COMPRESSION_BOMB", undefined, details);
}

function notOffice(detected: string): ParleyError {
  return new ParleyError("MEDIA_TYPE_NOT_ALLOWED", undefined, { detected });
}

/** Part names in a package compare without regard to case. */
const partKey = (name: string) => name.toLowerCase();

/**
 * Every entry of the central directory, checked against the bomb thresholds
 * as it is read, keyed by lower-cased name.
 */
async function readCentralDirectory(zip: ZipFile, limits: ZipBombLimits): Promise<Map<string, Entry>> {
  if (zip.entryCount > limits.maxEntries) throw bomb({ entries: zip.entryCount, limit: limits.maxEntries });
  const entries = new Map<string, Entry>();
  let totalUncompressed = 0;
  for await (const entry of zip.eachEntry()) {
    totalUncompressed += entry.uncompressedSize;
    if (totalUncompressed > limits.maxTotalUncompressedBytes) {
      throw bomb({ uncompressedBytes: totalUncompressed, limit: limits.maxTotalUncompressedBytes });
    }
    const ratio = entry.uncompressedSize / Math.max(1, entry.compressedSize);
    if (entry.uncompressedSize > limits.largeEntryBytes && ratio > limits.maxLargeEntryRatio) {
      throw bomb({ entry: entry.fileName, uncompressedBytes: entry.uncompressedSize, ratio: Math.round(ratio) });
    }
    entries.set(partKey(entry.fileName), entry);
  }
  return entries;
}

/** Inflates one entry, giving up as soon as it passes `maxBytes`. */
async function inflateBounded(zip: ZipFile, entry: Entry, maxBytes: number): Promise<Buffer> {
  if (entry.uncompressedSize > maxBytes) {
    throw bomb({ entry: entry.fileName, uncompressedBytes: entry.uncompressedSize, limit: maxBytes });
  }
  if (entry.isEncrypted()) throw notOffice("zip");
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    // The declared size was checked above and yauzl enforces it, but a lying header must not get further than the cap.
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > maxBytes) throw bomb({ entry: entry.fileName, limit: maxBytes });
      chunks.push(chunk);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** The content type a part has: its override if it has one, else the default for its extension. */
function contentTypeOf(types: ContentTypes, part: string): string | undefined {
  const override = types.overrides.get(partKey(part));
  if (override !== undefined) return override;
  const extension = part.slice(part.lastIndexOf(".") + 1).toLowerCase();
  return types.defaults.get(extension);
}

/** Classifies a package from its parts and declared types. */
function classify(entries: Map<string, Entry>, types: ContentTypes): OfficeOpenXmlType {
  const matches: OfficeOpenXmlType[] = [];
  let variant: string | undefined;
  for (const { type, part, contentType } of MAIN_PARTS) {
    if (!entries.has(partKey(part))) continue;
    const declared = contentTypeOf(types, part);
    if (declared === contentType) matches.push(type);
    else if (declared !== undefined) variant ??= REFUSED_VARIANTS[declared];
  }
  const [only, ...others] = matches;
  // A package claiming to be two kinds of document at once is not one Office would write.
  if (only !== undefined && others.length === 0) return only;
  throw notOffice(variant ?? "zip");
}

/**
 * Decides which Office Open XML type a ZIP package is.
 *
 * @param path - the file, which starts with a ZIP local file header
 * @param limits - compression-bomb thresholds; the defaults suit documents up to tens of MiB
 * @throws ParleyError `MEDIA_CORRUPT` when the ZIP structure is broken; `MEDIA_COMPRESSION_BOMB`
 *   when it declares far more than a document holds; `MEDIA_TYPE_NOT_ALLOWED` when it is a
 *   macro-enabled file, a template or not an Office document at all
 */
export async function detectOfficeOpenXml(path: string, limits: ZipBombLimits = ZIP_BOMB_LIMITS): Promise<OfficeOpenXmlType> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true });
  } catch (error) {
    throw corrupt(error instanceof Error ? error.message : "the central directory cannot be read");
  }
  try {
    const entries = await readCentralDirectory(zip, limits);
    const contentTypesEntry = entries.get(partKey(CONTENT_TYPES_PART));
    if (contentTypesEntry === undefined) throw notOffice("zip");
    const xml = await inflateBounded(zip, contentTypesEntry, limits.maxContentTypesBytes);
    return classify(entries, parseContentTypes(xml.toString("utf8")));
  } catch (error) {
    if (error instanceof ParleyError) throw error;
    // yauzl reports every structural fault (bad signatures, names, sizes, inflate errors) as a plain Error.
    throw corrupt(error instanceof Error ? error.message : "unreadable entry");
  } finally {
    zip.close();
  }
}
