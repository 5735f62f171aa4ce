/**
 * Turns the server's answer to a `media` request into what
 * `GetMultimediaMessageInActiveChat` resolves with: the signed link itself
 * (`link`), or the file's bytes downloaded from it, as Base64.
 * @module
 */
import type { MediaResult } from "@parley/protocol";
import { LiveChatError } from "../errors.js";
import type { MultimediaFileContent, MultimediaMessageResult } from "../types.js";
import { bytesToBase64 } from "./base64.js";
import { answerError, getBytes, NetworkError } from "./transfer.js";
import type { MediaHost } from "./upload.js";

/**
 * Downloads `path` from the first server that answers (the signed URL needs
 * no token, and every node verifies it). Rejects with the server's code, e.g.
 * `MEDIA_LINK_INVALID` when the link expired, or `CONNECTION_CLOSED` when no
 * server could be reached.
 */
async function download(host: MediaHost, path: string): Promise<Uint8Array> {
  const fetchImpl = host.http.fetch;
  if (!fetchImpl) throw new LiveChatError("NOT_INITIALIZED", "No fetch implementation: pass { fetch } to createLiveChatSdk.");
  let failure: NetworkError | undefined;
  for (const base of host.serverUrls()) {
    try {
      const answer = await getBytes(fetchImpl, `${base}${path}`);
      if (answer.bytes) return answer.bytes;
      throw answerError(answer.status, answer.text);
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      failure = error;
    }
  }
  throw new LiveChatError("CONNECTION_CLOSED", "No server could be reached.", { cause: failure?.message });
}

/** Builds the resolution of `GetMultimediaMessageInActiveChat` from a `media` result. */
export async function multimediaResult(host: MediaHost, media: MediaResult): Promise<MultimediaMessageResult> {
  const content: MultimediaFileContent = { ...media.content };
  if (media.format === "link") {
    // The server gives a path: it cannot know the URL (proxy, path prefix) its clients reach it by.
    content.url = `${host.serverUrls()[0]}${media.url}`;
    content.expiresAt = media.expiresAt;
  } else {
    const base64 = bytesToBase64(await download(host, media.url));
    if (media.messageType === "IMAGE") content.img = base64;
    else content.document = base64;
  }
  return {
    result: true,
    data: { chatID: media.chatID, messageID: media.messageID, messageType: media.messageType, format: media.format, content },
    error: null,
  };
}
