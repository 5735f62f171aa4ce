/**
 * What a file is, decided from its bytes. The name and the declared type of an
 * upload are never trusted: a renamed executable or HTML page must not be
 * stored and served as a document.
 *
 * The magic number chooses a container; the container is then checked deep
 * enough to tell an accepted document from its look-alikes (a plain ZIP, a
 * macro-enabled file, an installer). Images are only recognised here; their
 * pixels are checked when they are decoded and re-encoded.
 * @module
 */
import { open, type FileHandle } from "node:fs/promises";
import type { DocumentType } from "@parley/protocol";
import { fileTypeFromBuffer } from "file-type";
import { ParleyError } from "../errors.js";
import { CFB_SIGNATURE } from "./cfb.js";
import { judgeContainer, type ContainerJudge } from "./containers.js";

/** How much of the start of a file is sniffed: what `file-type` needs for every format it knows. */
const SNIFF_BYTES = 4100;
/** Readers look for the end-of-file marker within the last KiB, and so do we. */
const PDF_TAIL_BYTES = 1024;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
const PDF_SIGNATURE = Buffer.from("%PDF-", "latin1");
const PDF_END = Buffer.from("%%EOF", "latin1");
/** A ZIP's first local file header; a package starting otherwise is not one Office writes. */
const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Reads up to `length` bytes at `position`; fewer if the file ends first. */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** A PDF is read from its end (the cross-reference table): one without `%%EOF` there was cut short. */
async function checkPdfEnd(handle: FileHandle, size: number): Promise<void> {
  const length = Math.min(size, PDF_TAIL_BYTES);
  const tail = await readAt(handle, size - length, length);
  if (!tail.includes(PDF_END)) throw new ParleyError("MEDIA_CORRUPT", "The PDF is incomplete: it has no end-of-file marker.");
}

/** What a refused file looks like, for the error's details: `file-type`'s extension, or "unknown". */
async function nameOf(head: Buffer): Promise<string> {
  try {
    return (await fileTypeFromBuffer(head))?.ext ?? "unknown";
  } catch {
    // A sniffer tripping over hostile bytes only means it cannot name them.
    return "unknown";
  }
}

/**
 * Decides the type of an uploaded file from its bytes alone.
 *
 * The file is read with bounded reads: its first 4,100 bytes, then only the
 * structures its container needs (a PDF's last KiB, a ZIP's central directory
 * and content types, a Compound File's directory).
 *
 * @param path - the stored upload
 * @param size - its size in bytes
 * @param judge - judges ZIP and Compound File containers: on this thread by
 *   default, on a worker thread in the server (`container-judges.ts`)
 * @returns the accepted type the bytes are
 * @throws ParleyError `MEDIA_EMPTY` for an empty file; `MEDIA_TYPE_NOT_ALLOWED` (with
 *   `details.detected`) for anything not accepted; `MEDIA_CORRUPT` for a truncated PDF or a
 *   broken container; `MEDIA_COMPRESSION_BOMB` for a ZIP that would inflate far beyond a document
 */
export async function detectDocumentType(path: string, size: number, judge: ContainerJudge = judgeContainer): Promise<DocumentType> {
  if (size === 0) throw new ParleyError("MEDIA_EMPTY");
  const handle = await open(path, "r");
  try {
    const head = await readAt(handle, 0, Math.min(size, SNIFF_BYTES));
    if (head.length === 0) throw new ParleyError("MEDIA_EMPTY");
    const startsWith = (signature: Buffer) => head.subarray(0, signature.length).equals(signature);
    if (startsWith(PNG_SIGNATURE)) return "PNG";
    if (startsWith(JPEG_SIGNATURE)) return "JPEG";
    if (startsWith(PDF_SIGNATURE)) {
      await checkPdfEnd(handle, size);
      return "PDF";
    }
    if (startsWith(CFB_SIGNATURE)) return await judge("cfb", path, size);
    if (startsWith(ZIP_SIGNATURE)) return await judge("zip", path, size);
    throw new ParleyError("MEDIA_TYPE_NOT_ALLOWED", undefined, { detected: await nameOf(head) });
  } finally {
    await handle.close();
  }
}
