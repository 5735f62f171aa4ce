/**
 * Sending an image or a document: the file is judged by its bytes before
 * anything is committed (a bad file is refused with its code and nothing is
 * stored); then the message is committed and the sender acknowledged.
 *
 * A file already stored (a document, an HTTP upload) that is too large to
 * ride inline gets its `multimediaMessageStored` notice in the same group
 * commit. An image sent inline is committed with its original stripped of
 * metadata and re-encoded afterwards (media-processing.ts), which appends the
 * notice: the session's next sends never wait for image work.
 * @module
 */
import { parseBase64, type Limits, type MediaMessageType, type MultimediaMessageEvent, type SendResult, type UserRef } from "@parley/protocol";
import type { TokenClaims } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import { inlineUploadId, newEventId, newMessageId } from "../ids.js";
import type { ImageJobPlace } from "../media/image-jobs.js";
import type { MediaLibrary } from "../media/library.js";
import type { AppendResult, MediaRecord, Store } from "../store/types.js";
import type { ChatAccess } from "./access.js";
import { isSameMedia } from "./idempotency.js";
import { multimediaContent, storedNotice, userRef, withoutInlineFile } from "./payloads.js";
import type { MediaProcessing } from "./media-processing.js";
import type { CommitPipeline } from "./pipeline.js";
import { validateCaption, validateFileName } from "./validation.js";

/** A multimedia message to send: the file inline (Base64) or by upload id. */
export interface OutgoingMedia {
  messageType: MediaMessageType;
  caption?: string | undefined;
  fileName?: string | undefined;
  /** Base64 of the file. */
  data?: string | undefined;
  /** A file uploaded over HTTP by the same sender to the same chat. */
  uploadId?: string | undefined;
}

export interface MediaMessagesOptions {
  store: Store;
  access: ChatAccess;
  pipeline: CommitPipeline;
  media: MediaLibrary;
  processing: MediaProcessing;
  limits: Limits;
}

export class MediaMessages {
  private readonly store: Store;
  private readonly access: ChatAccess;
  private readonly pipeline: CommitPipeline;
  private readonly media: MediaLibrary;
  private readonly limits: Limits;
  private readonly processing: MediaProcessing;

  constructor(options: MediaMessagesOptions) {
    ({ store: this.store, access: this.access, pipeline: this.pipeline, media: this.media, limits: this.limits } = options);
    this.processing = options.processing;
  }

  /**
   * Sends an image or a document. Repeating a `clientId` returns the original
   * message, without processing the file again.
   */
  async send(who: TokenClaims, chatId: string, clientId: string, media: OutgoingMedia): Promise<SendResult> {
    const { me } = await this.access.requireActiveParticipant(who, chatId);
    const caption = validateCaption(media.caption, this.limits);
    const { media: record, place } = await this.fileOf(who, chatId, clientId, media);
    try {
      const sent = await this.commit(who, chatId, clientId, caption, record, userRef(me));
      // Whether appended now or by an earlier try, a pending image is processed (once per node: see MediaProcessing).
      if (record.state === "pending" && place !== undefined) this.processing.start(who.tenant, record, chatId, sent.id, place);
      else place?.release();
      return sent;
    } catch (error) {
      // Nothing committed: the pending file has no message; a retried send with the same client id finds it again.
      place?.release();
      throw error;
    }
  }

  private async commit(
    who: TokenClaims,
    chatId: string,
    clientId: string,
    caption: string,
    record: MediaRecord,
    me: UserRef,
  ): Promise<SendResult> {
    const id = newMessageId();
    const ts = now();
    const base64 = await this.media.inlineBase64(record);
    const data: MultimediaMessageEvent = {
      id,
      chatId,
      messageType: record.messageType,
      content: multimediaContent(record, caption, me, base64),
      ts,
    };
    const pending: Promise<AppendResult>[] = [
      this.pipeline.append(who.tenant, {
        chatId,
        id,
        name: "multimediaMessage",
        userId: who.userId,
        ts,
        data,
        clientId,
        change: { kind: "mediaAttached", mediaId: record.id, messageId: id },
      }),
    ];
    // A pending image's notice follows its processing; a stored file too large to ride inline has it now.
    if (base64 === undefined && record.state === "stored") {
      const stored = storedNotice(record, chatId, id, ts);
      // Submitted in the same turn, both join one group commit: the message never commits without its notice.
      pending.push(this.pipeline.append(who.tenant, { chatId, id: newEventId(), name: "multimediaMessageStored", userId: who.userId, ts, data: stored, clientId: `${clientId}.stored` }));
    }
    const [result] = await Promise.all(pending);
    if (result === undefined) throw new ParleyError("INTERNAL_ERROR");
    switch (result.status) {
      case "appended":
        return { id, seq: result.seq, ts, duplicate: false, message: withoutInlineFile(data) };
      case "duplicate":
        if (result.name !== "multimediaMessage" || !isSameMedia(data, result)) throw new ParleyError("CLIENT_ID_REUSED", undefined, { clientId });
        return { id: result.id, seq: result.seq, ts: result.ts, duplicate: true, message: withoutInlineFile(result.data) };
      default:
        return this.pipeline.refused(who.tenant, chatId, result.status);
    }
  }

  /** The file to send: an upload of the same sender and chat, or the inline Base64 judged and stored now. */
  private async fileOf(
    who: TokenClaims,
    chatId: string,
    clientId: string,
    media: OutgoingMedia,
  ): Promise<{ media: MediaRecord; place: ImageJobPlace | undefined }> {
    const fileName = validateFileName(media.fileName, this.limits);
    if (media.uploadId !== undefined && media.data === undefined) {
      const record = await this.store.tenant(who.tenant).getMedia(media.uploadId);
      if (record === undefined || record.chatId !== chatId || record.userId !== who.userId) throw new ParleyError("UPLOAD_NOT_FOUND");
      if (record.messageType !== media.messageType) {
        throw new ParleyError("MEDIA_TYPE_MISMATCH", undefined, { messageType: media.messageType, detected: record.documentType });
      }
      return { media: record, place: undefined };
    }
    if (media.data !== undefined && media.uploadId === undefined) {
      const parsed = parseBase64(media.data);
      if (parsed === null) throw new ParleyError("MEDIA_INVALID_BASE64");
      if (parsed.byteLength === 0) throw new ParleyError("MEDIA_EMPTY");
      if (parsed.byteLength > this.limits.maxMediaBytes) {
        throw new ParleyError("MEDIA_TOO_LARGE", undefined, { limit: this.limits.maxMediaBytes });
      }
      const bytes = Buffer.from(parsed.base64, "base64");
      const owner = { tenant: who.tenant, chatId, userId: who.userId };
      return this.media.fromBytes(bytes, owner, { messageType: media.messageType, fileName }, inlineUploadId(chatId, who.userId, clientId, bytes));
    }
    throw new ParleyError("INVALID_FRAME", "A media send carries either data or uploadId.", { path: "/data" });
  }
}

const now = (): string => new Date().toISOString();
