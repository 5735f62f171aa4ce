/**
 * Multimedia: the file types Parley accepts, what each is called on the wire
 * and how it is served. The type of a file is always decided by the server
 * from its bytes; these tables only name the outcomes. Dependency-free.
 * @module
 */

/** Kind of a multimedia message. */
export type MediaMessageType = "IMAGE" | "DOCUMENT";

/** A file type Parley accepts, as `content.documentType` names it. */
export type DocumentType = "PNG" | "JPEG" | "PDF" | "DOC" | "DOCX" | "PPT" | "PPTX" | "XLS" | "XLSX";

/** How one accepted file type is stored and served. */
export interface MediaTypeSpec {
  /** The message kind the type belongs to. */
  readonly messageType: MediaMessageType;
  /** `Content-Type` of downloads. */
  readonly mimeType: string;
  /** File name extension given to downloads (without the dot). */
  readonly extension: string;
}

/** Every accepted file type. Anything else is refused with `MEDIA_TYPE_NOT_ALLOWED`. */
export const MEDIA_TYPES: Readonly<Record<DocumentType, MediaTypeSpec>> = Object.freeze({
  PNG: { messageType: "IMAGE", mimeType: "image/png", extension: "png" },
  JPEG: { messageType: "IMAGE", mimeType: "image/jpeg", extension: "jpg" },
  PDF: { messageType: "DOCUMENT", mimeType: "application/pdf", extension: "pdf" },
  DOC: { messageType: "DOCUMENT", mimeType: "application/msword", extension: "doc" },
  DOCX: {
    messageType: "DOCUMENT",
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    extension: "docx",
  },
  PPT: { messageType: "DOCUMENT", mimeType: "application/vnd.ms-powerpoint", extension: "ppt" },
  PPTX: {
    messageType: "DOCUMENT",
    mimeType: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    extension: "pptx",
  },
  XLS: { messageType: "DOCUMENT", mimeType: "application/vnd.ms-excel", extension: "xls" },
  XLSX: {
    messageType: "DOCUMENT",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    extension: "xlsx",
  },
});

/** The accepted types, in the order the docs list them. */
export const DOCUMENT_TYPES = Object.keys(MEDIA_TYPES) as DocumentType[];

/**
 * Which bytes `GetMultimediaMessageInActiveChat` asks for: the stored file
 * (`fullsize`), the 320 px preview of an image (`thumbnail`), or no bytes and a
 * short-lived download URL instead (`link`).
 */
export type MediaFormat = "fullsize" | "thumbnail" | "link";

/** Size and shape of one stored rendition of a file. */
export interface MediaRendition {
  mimeType: string;
  /** Bytes. */
  size: number;
  /** Pixels (images only). */
  width?: number;
  height?: number;
}
