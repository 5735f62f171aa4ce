/**
 * The file name a media message shows and downloads carry. The sender's name
 * is kept (it has passed `checkFileName`: no path, no control characters), but
 * its extension must say what the bytes are, so that a PDF called `invoice.exe`
 * is saved as `invoice.exe.pdf`. Storage never uses this name.
 * @module
 */
import { MEDIA_TYPES, type DocumentType } from "@parley/protocol";

/** Extensions that already name each type correctly (lower case, without the dot). */
const KNOWN_EXTENSIONS: Partial<Record<DocumentType, readonly string[]>> = {
  JPEG: ["jpg", "jpeg", "jpe"],
};

/** The name to show and serve for a file of `type`, from the sender's name when given. */
export function displayFileName(given: string | undefined, type: DocumentType): string {
  const spec = MEDIA_TYPES[type];
  const name = given?.trim();
  if (name === undefined || name === "") return `${spec.messageType === "IMAGE" ? "image" : "document"}.${spec.extension}`;
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  const accepted = KNOWN_EXTENSIONS[type] ?? [spec.extension];
  return accepted.includes(extension) ? name : `${name}.${spec.extension}`;
}
