/**
 * Media links: where a participant downloads a multimedia message's file — a
 * signed, short-lived path for the asked format, with the file's metadata.
 * @module
 */
import type { MediaFormat, MediaResult } from "@parley/protocol";
import type { TokenClaims } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import type { MediaLibrary } from "../media/library.js";
import type { Store } from "../store/types.js";
import type { ChatAccess } from "./access.js";
import { toRendition } from "./payloads.js";

export class MediaLinks {
  constructor(
    private readonly store: Store,
    private readonly access: ChatAccess,
    private readonly media: MediaLibrary,
  ) {}

  /** The download of a message's file in `format` (`link` gives the full-size file). */
  async linkOf(who: TokenClaims, chatId: string, messageId: string, format: MediaFormat): Promise<MediaResult> {
    await this.access.requireParticipant(who, chatId);
    return (await this.linkFor(who.tenant, chatId, messageId, format)).result;
  }

  /**
   * The back office's read of a multimedia message (the caller checked the
   * right to read the chat): its link, and for `fullsize` and `thumbnail` the
   * file's Base64 when it is small enough to ride inline (`img` for images,
   * `document` for documents), as the original product answers.
   */
  async backOffice(tenant: string, chatId: string, messageId: string, format: MediaFormat): Promise<MediaResult> {
    const { result, rendition, messageType } = await this.linkFor(tenant, chatId, messageId, format);
    if (format === "link") return result;
    const base64 = await this.media.renditionBase64(rendition);
    if (base64 === undefined) return result;
    return { ...result, content: { ...result.content, ...(messageType === "IMAGE" ? { img: base64 } : { document: base64 }) } };
  }

  private async linkFor(tenant: string, chatId: string, messageId: string, format: MediaFormat) {
    const files = this.store.tenant(tenant);
    const [event, record] = await Promise.all([files.getEvent(chatId, messageId), files.mediaOfMessage(chatId, messageId)]);
    if (event?.name !== "multimediaMessage" || record === undefined) throw new ParleyError("MESSAGE_NOT_FOUND");
    if (record.erasedAt != null) throw new ParleyError("MEDIA_ERASED");
    const { content } = event.data;
    const stored = format === "thumbnail" ? "thumbnail" : "fullsize";
    const rendition = this.media.rendition(record, stored);
    const { path, expiresAt } = this.media.signedLink(tenant, chatId, messageId, stored);
    const result: MediaResult = {
      chatID: chatId,
      messageID: messageId,
      messageType: record.messageType,
      format,
      url: path,
      expiresAt,
      content: {
        caption: content.caption,
        fileName: content.fileName,
        documentType: content.documentType,
        user: content.user,
        ...toRendition(rendition),
      },
    };
    return { result, rendition, messageType: record.messageType };
  }
}
