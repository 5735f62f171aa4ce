/**
 * What `SendMultimediaMessage` is given, checked and normalised before
 * anything is queued or uploaded, with the codes the server would use.
 * @module
 */
import { checkCaption, checkFileName, parseBase64, type Limits, type MediaMessageType } from "@parley/protocol";
import { LiveChatError } from "../errors.js";
import type { MultimediaFile, MultimediaMessageContent } from "../types.js";
import { base64ToBytes, bytesToBase64 } from "./base64.js";

/** A checked file, ready to ride inline or to be uploaded. */
export interface MediaPayload {
  messageType: MediaMessageType;
  /** Bytes of the file. */
  size: number;
  caption: string | undefined;
  /** The given name, or a `File`'s own. */
  fileName: string | undefined;
  /** Passed on for compatibility (the server decides the type from the bytes). */
  documentType: string | undefined;
  /** The file as Base64, for an inline send: synchronous unless the file is a `Blob`. */
  base64(): string | Promise<string>;
  /** The file as an HTTP body, for an upload. */
  body(): Blob | Uint8Array;
}

// The protocol caps documentType at 16 characters; the server ignores it, so a longer one is left out.
const MAX_DOCUMENT_TYPE_LENGTH = 16;

function isBlob(file: unknown): file is Blob {
  // Duck-typed: a Blob from another realm (an iframe) fails `instanceof`.
  const candidate = file as Partial<Blob> | null;
  return typeof candidate?.arrayBuffer === "function" && typeof candidate.size === "number";
}

function bytesOf(file: unknown): Uint8Array | undefined {
  if (ArrayBuffer.isView(file)) return new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  if (Object.prototype.toString.call(file) === "[object ArrayBuffer]") return new Uint8Array(file as ArrayBuffer);
  return undefined;
}

type FileReadout = Pick<MediaPayload, "size" | "base64" | "body">;

function readFile(file: MultimediaFile): FileReadout | LiveChatError {
  if (typeof file === "string") {
    const parsed = parseBase64(file);
    if (parsed === null) return new LiveChatError("MEDIA_INVALID_BASE64");
    return { size: parsed.byteLength, base64: () => parsed.base64, body: () => base64ToBytes(parsed.base64) };
  }
  if (isBlob(file)) {
    return {
      size: file.size,
      base64: () => file.arrayBuffer().then((buffer) => bytesToBase64(new Uint8Array(buffer))),
      body: () => file,
    };
  }
  const bytes = bytesOf(file);
  if (!bytes) {
    return new LiveChatError("VALIDATION_FAILED", "The file must be Base64 text, a Blob or File, a Uint8Array or an ArrayBuffer.");
  }
  return { size: bytes.byteLength, base64: () => bytesToBase64(bytes), body: () => bytes };
}

/**
 * Checks a multimedia message locally: `CAPTION_TOO_LONG`, `FILE_NAME_INVALID`,
 * `MEDIA_INVALID_BASE64`, `MEDIA_EMPTY` (no file, or zero bytes),
 * `MEDIA_TOO_LARGE` (over `maxMediaBytes`). `null` fields count as absent.
 */
export function readMediaContent(
  type: MediaMessageType,
  content: MultimediaMessageContent | null | undefined,
  limits: Limits,
): MediaPayload | LiveChatError {
  if (type !== "IMAGE" && type !== "DOCUMENT") {
    return new LiveChatError("VALIDATION_FAILED", 'The message type must be "IMAGE" or "DOCUMENT".');
  }
  const given = content ?? {};
  const file = type === "IMAGE" ? given.img : given.document;
  const caption = given.caption ?? undefined;
  const ownName = isBlob(file) ? (file as Partial<File>).name : undefined;
  const fileName = given.fileName ?? (typeof ownName === "string" && ownName !== "" ? ownName : undefined);
  const invalid = checkCaption(caption, limits) ?? checkFileName(fileName, limits);
  if (invalid) return LiveChatError.from(invalid);
  if (file === undefined || file === null) return new LiveChatError("MEDIA_EMPTY");
  const readout = readFile(file);
  if (readout instanceof LiveChatError) return readout;
  if (readout.size === 0) return new LiveChatError("MEDIA_EMPTY");
  if (readout.size > limits.maxMediaBytes) {
    return new LiveChatError("MEDIA_TOO_LARGE", undefined, { limit: limits.maxMediaBytes, size: readout.size });
  }
  const documentType = given.documentType;
  return {
    ...readout,
    messageType: type,
    caption,
    fileName,
    documentType:
      typeof documentType === "string" && documentType.length <= MAX_DOCUMENT_TYPE_LENGTH ? documentType : undefined,
  };
}
