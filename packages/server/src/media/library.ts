/**
 * The media library: turns the bytes a sender gave (an HTTP upload or an
 * inline Base64 send) into a stored, described file. Every file is judged by
 * its bytes, images are re-encoded (orientation applied, metadata stripped,
 * resized to the limits, a thumbnail made), and the results go to the blob
 * store under their content hash. Nothing is recorded unless all of it
 * succeeded.
 * @module
 */
import type { Readable } from "node:stream";
import { MEDIA_TYPES, type Limits, type MediaMessageType } from "@parley/protocol";
import type { BlobStore } from "../blobs/types.js";
import { ParleyError } from "../errors.js";
import { newUploadId } from "../ids.js";
import type { MediaRecord, Store, StoredRendition } from "../store/types.js";
import { detectDocumentType } from "./detect.js";
import { displayFileName } from "./file-names.js";
import { processImage, type Rendition } from "./image.js";
import { signMediaLink } from "./signed-link.js";
import { spoolBuffer, spoolToFile, type SpooledFile } from "./spool.js";

export interface MediaLibraryOptions {
  store: Store;
  blobs: BlobStore;
  limits: Limits;
  /** Where uploads are spooled while they are judged. */
  spoolDir: string;
  /** Signs download links. */
  secret: string;
}

/** Whose file it is. */
export interface MediaOwner {
  chatId: string;
  userId: string;
}

/** What the sender declared about a file; only `messageType` is binding. */
export interface MediaDeclaration {
  messageType: MediaMessageType;
  fileName?: string | undefined;
}

export type StoredFormat = "fullsize" | "thumbnail";

export class MediaLibrary {
  private readonly store: Store;
  private readonly blobs: BlobStore;
  private readonly limits: Limits;
  private readonly spoolDir: string;
  private readonly secret: string;

  constructor(options: MediaLibraryOptions) {
    ({ store: this.store, blobs: this.blobs, limits: this.limits, spoolDir: this.spoolDir, secret: this.secret } = options);
  }

  /** An HTTP upload, streamed to disk (never held whole in memory), then judged and stored. */
  async fromStream(source: Readable, owner: MediaOwner, declared: MediaDeclaration): Promise<MediaRecord> {
    const file = await spoolToFile(source, { dir: this.spoolDir, maxBytes: this.limits.maxMediaBytes });
    return this.ingest(file, owner, declared, newUploadId());
  }

  /**
   * Bytes sent inline. `id` is derived from the send, so a retried send finds
   * the file recorded the first time instead of processing it again.
   */
  async fromBytes(bytes: Uint8Array, owner: MediaOwner, declared: MediaDeclaration, id: string): Promise<MediaRecord> {
    const known = await this.store.getMedia(id);
    if (known !== undefined && known.chatId === owner.chatId && known.userId === owner.userId) return known;
    const file = await spoolBuffer(bytes, { dir: this.spoolDir, maxBytes: this.limits.maxMediaBytes });
    return this.ingest(file, owner, declared, id);
  }

  /** The Base64 of a file small enough to ride inline in events, or undefined. */
  async inlineBase64(media: MediaRecord): Promise<string | undefined> {
    if (media.fullsize.size > this.limits.maxInlineMediaBytes) return undefined;
    const bytes = await this.blobs.read(media.fullsize.blobKey);
    if (bytes === undefined) throw new Error(`blob ${media.fullsize.blobKey} of ${media.id} is missing`);
    return bytes.toString("base64");
  }

  /** One stored rendition of a file; `MEDIA_FORMAT_UNAVAILABLE` for a thumbnail of a document. */
  rendition(media: MediaRecord, format: StoredFormat): StoredRendition {
    if (format === "fullsize") return media.fullsize;
    if (media.thumbnail === null) throw new ParleyError("MEDIA_FORMAT_UNAVAILABLE");
    return media.thumbnail;
  }

  /** Streams a stored rendition. */
  async open(rendition: StoredRendition): Promise<Readable> {
    const stream = await this.blobs.open(rendition.blobKey);
    if (stream === undefined) throw new Error(`blob ${rendition.blobKey} is missing`);
    return stream;
  }

  /** A short-lived download path that needs no token. */
  signedLink(chatId: string, messageId: string, format: StoredFormat): { path: string; expiresAt: string } {
    return signMediaLink(this.secret, { chatId, messageId, format }, this.limits.mediaLinkTtlMs);
  }

  private async ingest(file: SpooledFile, owner: MediaOwner, declared: MediaDeclaration, id: string): Promise<MediaRecord> {
    try {
      const documentType = await detectDocumentType(file.path, file.size);
      const spec = MEDIA_TYPES[documentType];
      if (spec.messageType !== declared.messageType) {
        throw new ParleyError(
          "MEDIA_TYPE_MISMATCH",
          `The file is a ${documentType}, not ${declared.messageType === "IMAGE" ? "an image" : "a document"}.`,
          { messageType: declared.messageType, detected: documentType },
        );
      }
      let fullsize: StoredRendition;
      let thumbnail: StoredRendition | null = null;
      let resized = false;
      if (documentType === "PNG" || documentType === "JPEG") {
        const image = await processImage(file.path, documentType, this.limits);
        fullsize = await this.storeRendition(image.fullsize);
        thumbnail = await this.storeRendition(image.thumbnail);
        resized = image.resized;
      } else {
        const blob = await this.blobs.putFile(file.path);
        fullsize = { blobKey: blob.key, mimeType: spec.mimeType, size: blob.size, width: null, height: null };
      }
      const media: MediaRecord = {
        id,
        chatId: owner.chatId,
        userId: owner.userId,
        messageType: spec.messageType,
        documentType,
        fileName: displayFileName(declared.fileName, documentType),
        originalSize: file.size,
        resized,
        fullsize,
        thumbnail,
        createdAt: new Date().toISOString(),
      };
      await this.store.createMedia(media);
      return media;
    } finally {
      await file.discard();
    }
  }

  private async storeRendition(rendition: Rendition): Promise<StoredRendition> {
    const blob = await this.blobs.put(rendition.data);
    return { blobKey: blob.key, mimeType: rendition.mimeType, size: blob.size, width: rendition.width, height: rendition.height };
  }
}
