/**
 * The media library: turns the bytes a sender gave (an HTTP upload or an
 * inline Base64 send) into a stored, described file. Every file is judged by
 * its bytes, images are re-encoded (orientation applied, metadata stripped,
 * resized to the limits, a thumbnail made), and the results go to the blob
 * store under their content hash. Nothing is recorded unless all of it
 * succeeded.
 *
 * An image sent inline (on the socket, where the sender's next messages wait
 * for it) is not re-encoded before its message commits: its header is
 * checked and its metadata stripped without decoding (strip.ts), that clean
 * original is recorded `pending`, and the re-encoding runs afterwards in its
 * turn among the image jobs ({@link MediaLibrary.process}).
 * @module
 */
import { readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import { MEDIA_TYPES, type Limits, type MediaMessageType } from "@parley/protocol";
import type { BlobStore } from "../blobs/types.js";
import { ParleyError } from "../errors.js";
import { newUploadId } from "../ids.js";
import type { MediaRecord, ProcessedMedia, Store, StoredRendition } from "../store/types.js";
import { judgeContainer, type ContainerJudge } from "./containers.js";
import { detectDocumentType } from "./detect.js";
import { displayFileName } from "./file-names.js";
import { processImage, readImageHeader, type ImageType, type Rendition } from "./image.js";
import type { ImageJobPlace, ImageJobs } from "./image-jobs.js";
import { signMediaLink } from "./signed-link.js";
import { spoolBuffer, spoolToFile, type SpooledFile } from "./spool.js";
import { stripImageMetadata } from "./strip.js";

export interface MediaLibraryOptions {
  store: Store;
  blobs: BlobStore;
  limits: Limits;
  /** Where uploads are spooled while they are judged. */
  spoolDir: string;
  /** Signs download links. */
  secret: string;
  /** Bounds how many images are processed at once, on this node and per client. */
  imageJobs: ImageJobs;
  /** The most one image may take to be processed, in ms. */
  imageTimeoutMs: number;
  /** Judges ZIP and Compound File containers; the server runs them on worker threads. Default: on this thread. */
  containers?: ContainerJudge | undefined;
  /** A tenant's storage limit in bytes (null: none). Default: no limit for any tenant. */
  storageLimitOf?: ((tenant: string) => Promise<number | null>) | undefined;
}

/** Whose file it is. */
export interface MediaOwner {
  /** The tenant of the chat: the file is recorded, found and counted in it. */
  tenant: string;
  chatId: string;
  userId: string;
  /**
   * The client address the file came from (an HTTP upload); per-client image
   * limits key on it. Socket sends, which do not carry it, key on the user.
   */
  address?: string | undefined;
}

/** What the sender declared about a file; only `messageType` is binding. */
export interface MediaDeclaration {
  messageType: MediaMessageType;
  fileName?: string | undefined;
}

export type StoredFormat = "fullsize" | "thumbnail";

/** A file sent inline: its record, and for a pending image the place its processing holds among the image jobs. */
export interface InlineFile {
  media: MediaRecord;
  /** Set when `media` is pending: pass it to {@link MediaLibrary.process}, which releases it. */
  place: ImageJobPlace | undefined;
}

export class MediaLibrary {
  private readonly store: Store;
  private readonly blobs: BlobStore;
  private readonly limits: Limits;
  private readonly spoolDir: string;
  private readonly secret: string;
  private readonly imageJobs: ImageJobs;
  private readonly imageTimeoutMs: number;
  private readonly containers: ContainerJudge;
  private readonly storageLimitOf: (tenant: string) => Promise<number | null>;

  constructor(options: MediaLibraryOptions) {
    this.storageLimitOf = options.storageLimitOf ?? (() => Promise.resolve(null));
    ({ store: this.store, blobs: this.blobs, limits: this.limits, spoolDir: this.spoolDir, secret: this.secret } = options);
    ({ imageJobs: this.imageJobs, imageTimeoutMs: this.imageTimeoutMs } = options);
    this.containers = options.containers ?? judgeContainer;
  }

  /**
   * An HTTP upload, streamed to disk (never held whole in memory), then judged
   * and stored. An image's place among the image jobs is taken before a byte
   * is read, so a client over its share is refused at once (`RATE_LIMITED`).
   */
  async fromStream(source: Readable, owner: MediaOwner, declared: MediaDeclaration): Promise<MediaRecord> {
    const place = this.admitImage(owner, declared);
    try {
      const file = await spoolToFile(source, { dir: this.spoolDir, maxBytes: this.limits.maxMediaBytes });
      return await this.ingest(file, owner, declared, newUploadId(), place);
    } finally {
      place?.release();
    }
  }

  /**
   * Bytes sent inline. `id` is derived from the send, so a retried send finds
   * the file recorded the first time instead of processing it again. An
   * image is recorded `pending` (its clean original only); its place among
   * the image jobs is taken now, so a send past a full queue is refused
   * before anything is committed.
   */
  async fromBytes(bytes: Uint8Array, owner: MediaOwner, declared: MediaDeclaration, id: string): Promise<InlineFile> {
    const known = await this.store.tenant(owner.tenant).getMedia(id);
    if (known !== undefined && known.chatId === owner.chatId && known.userId === owner.userId) {
      // Still pending: the first try may not have committed, so this one may have to start the processing.
      return { media: known, place: known.state === "pending" ? this.imageJobs.admitDeferred() : undefined };
    }
    const place = declared.messageType === "IMAGE" ? this.imageJobs.admitDeferred() : undefined;
    try {
      const file = await spoolBuffer(bytes, { dir: this.spoolDir, maxBytes: this.limits.maxMediaBytes });
      const media = await this.ingest(file, owner, declared, id, place, true);
      if (media.state !== "pending") place?.release();
      return { media, place: media.state === "pending" ? place : undefined };
    } catch (error) {
      place?.release();
      throw error;
    }
  }

  /**
   * Re-encodes a pending image in its turn and records the result: `stored`
   * with its renditions, or `failed` with the code that stopped it (a file
   * that cannot be decoded, took too long, ...). Releases `place`.
   * @returns the file as now recorded (unchanged when another node finished it first)
   * @throws what is not the file's fault (the store or blob store unavailable): it stays pending, resumed at the next start
   */
  async process(tenant: string, media: MediaRecord, place: ImageJobPlace): Promise<MediaRecord> {
    const files = this.store.tenant(tenant);
    try {
      const type = media.documentType;
      if (type !== "PNG" && type !== "JPEG") throw new Error(`${media.id} is a ${type}, not an image`);
      let processed: ProcessedMedia;
      try {
        const original = await this.blobs.read(media.fullsize.blobKey);
        if (original === undefined) throw new ParleyError("MEDIA_PROCESSING_FAILED", "The file to process is missing.");
        const image = await place.run(() => processImage(original, type, this.limits, this.imageTimeoutMs));
        processed = { fullsize: await this.storeRendition(image.fullsize), thumbnail: await this.storeRendition(image.thumbnail), resized: image.resized };
      } catch (error) {
        if (!(error instanceof ParleyError)) throw error;
        await files.failMedia(media.id, error.code);
        return (await files.getMedia(media.id)) ?? media;
      }
      await files.finishMedia(media.id, processed);
      return (await files.getMedia(media.id)) ?? media;
    } finally {
      place.release();
    }
  }

  /** A place among the image jobs for a file declared as an image; only those are ever processed as images. */
  private admitImage(owner: MediaOwner, declared: MediaDeclaration): ImageJobPlace | undefined {
    if (declared.messageType !== "IMAGE") return undefined;
    return this.imageJobs.admit(owner.address ?? `user:${owner.userId}`);
  }

  /** A place among the image jobs for a job resumed at start (see `ImageJobs.resumed`). */
  resumedPlace(): ImageJobPlace {
    return this.imageJobs.resumed();
  }

  /** The Base64 of a file small enough to ride inline in events, or undefined. */
  async inlineBase64(media: MediaRecord): Promise<string | undefined> {
    if (media.fullsize.size > this.limits.maxInlineMediaBytes) return undefined;
    const bytes = await this.blobs.read(media.fullsize.blobKey);
    if (bytes === undefined) throw new Error(`blob ${media.fullsize.blobKey} of ${media.id} is missing`);
    return bytes.toString("base64");
  }

  /** The Base64 of one rendition small enough to ride inline, or undefined. */
  async renditionBase64(rendition: StoredRendition): Promise<string | undefined> {
    if (rendition.size > this.limits.maxInlineMediaBytes) return undefined;
    const bytes = await this.blobs.read(rendition.blobKey);
    if (bytes === undefined) throw new Error(`blob ${rendition.blobKey} is missing`);
    return bytes.toString("base64");
  }

  /**
   * One stored rendition of a file; `MEDIA_FORMAT_UNAVAILABLE` for a thumbnail
   * of a document. The fullsize of an image still processing is its original
   * stripped of metadata; its thumbnail is `MEDIA_NOT_READY`, and
   * `MEDIA_PROCESSING_FAILED` when the processing failed.
   */
  rendition(media: MediaRecord, format: StoredFormat): StoredRendition {
    if (format === "fullsize") return media.fullsize;
    if (media.state === "pending") throw new ParleyError("MEDIA_NOT_READY");
    if (media.state === "failed") throw new ParleyError("MEDIA_PROCESSING_FAILED", undefined, { reason: media.failure });
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
  signedLink(tenant: string, chatId: string, messageId: string, format: StoredFormat): { path: string; expiresAt: string } {
    return signMediaLink(this.secret, { tenant, chatId, messageId, format }, this.limits.mediaLinkTtlMs);
  }

  /**
   * Refuses a file that would take the tenant past its storage limit. The
   * file is counted at its uploaded size, before anything is stored: a resized
   * image takes less, so the check errs on the side of the limit.
   */
  private async requireRoom(tenant: string, incoming: number): Promise<void> {
    const limit = await this.storageLimitOf(tenant);
    if (limit === null) return;
    const used = await this.store.tenant(tenant).storedBytes();
    if (used + incoming > limit) throw new ParleyError("TENANT_STORAGE_LIMIT", undefined, { limit, used });
  }

  private async ingest(
    file: SpooledFile,
    owner: MediaOwner,
    declared: MediaDeclaration,
    id: string,
    place: ImageJobPlace | undefined,
    isDeferred = false,
  ): Promise<MediaRecord> {
    try {
      await this.requireRoom(owner.tenant, file.size);
      const documentType = await detectDocumentType(file.path, file.size, this.containers);
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
      let state: MediaRecord["state"] = "stored";
      if ((documentType === "PNG" || documentType === "JPEG") && isDeferred) {
        // Cheap and bounded before the commit: the header's limits, then a linear walk that drops the metadata.
        const size = await readImageHeader(file.path, documentType, this.limits);
        const clean = stripImageMetadata(await readFile(file.path), documentType);
        const blob = await this.blobs.put(clean);
        fullsize = { blobKey: blob.key, mimeType: spec.mimeType, size: blob.size, width: size.width, height: size.height };
        state = "pending";
      } else if (documentType === "PNG" || documentType === "JPEG") {
        const image = await this.processInTurn(file.path, documentType, place);
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
        state,
        failure: null,
      };
      await this.store.tenant(owner.tenant).createMedia(media);
      return media;
    } finally {
      await file.discard();
    }
  }

  /** Processes an image in its turn among the image jobs. */
  private processInTurn(path: string, type: ImageType, place: ImageJobPlace | undefined) {
    // A file is processed as an image only when declared as one (else MEDIA_TYPE_MISMATCH above), and those hold a place.
    if (place === undefined) throw new Error("an image is processed without a place among the image jobs");
    return place.run(() => processImage(path, type, this.limits, this.imageTimeoutMs));
  }

  private async storeRendition(rendition: Rendition): Promise<StoredRendition> {
    const blob = await this.blobs.put(rendition.data);
    return { blobKey: blob.key, mimeType: rendition.mimeType, size: blob.size, width: rendition.width, height: rendition.height };
  }
}
