/**
 * Media over HTTP: the streaming upload (`POST /v1/contacts/:chatId/uploads`),
 * the download of a message's file by token or signed link
 * (`GET /v1/contacts/:chatId/messages/:messageId/media`) and the original
 * product's `downloadDocument`. Uploads never hold a file whole in memory;
 * downloads stream from the blob store with headers that stop a browser from
 * rendering or sniffing what a sender chose.
 * @module
 */
import type { Readable } from "node:stream";
import { Type, type Static } from "@sinclair/typebox";
import { CHAT_ID_PATTERN, MESSAGE_ID_PATTERN, UploadQuery, type Limits, type UploadResponse } from "@parley/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { authorizeRead } from "../auth/access.js";
import { toRendition } from "../chat/payloads.js";
import type { ChatService } from "../chat/service.js";
import { validateFileName } from "../chat/validation.js";
import { ParleyError } from "../errors.js";
import type { MediaLibrary, StoredFormat } from "../media/library.js";
import { verifyMediaLink } from "../media/signed-link.js";
import type { Store } from "../store/types.js";
import { attachmentDisposition } from "./content-disposition.js";
import { claimsOf, sendRefusal } from "./authenticate.js";
import { perAddressRateLimit } from "./rate-limit.js";
import { DEFAULT_TENANT } from "../store/tenant-db.js";
import { DOWNLOAD_DOCUMENT_NO_DOMAIN_SCHEMA, DOWNLOAD_DOCUMENT_SCHEMA, DOWNLOAD_SCHEMA, UPLOAD_SCHEMA } from "./schemas/media.js";

export interface MediaRoutesDeps {
  chat: ChatService;
  media: MediaLibrary;
  store: Store;
  limits: Limits;
  secret: string;
  uploadsPerMinute: number;
}

const ChatParams = Type.Object({ chatId: Type.String({ pattern: CHAT_ID_PATTERN }) });
const MessageParams = Type.Object({
  chatId: Type.String({ pattern: CHAT_ID_PATTERN }),
  messageId: Type.String({ pattern: MESSAGE_ID_PATTERN }),
});
const DownloadQuery = Type.Object(
  {
    format: Type.Optional(Type.Union([Type.Literal("fullsize"), Type.Literal("thumbnail")])),
    expires: Type.Optional(Type.String({ maxLength: 20 })),
    signature: Type.Optional(Type.String({ maxLength: 128 })),
    /** Signed links name the tenant of the chat; the signature covers it. */
    tenant: Type.Optional(Type.String({ maxLength: 63 })),
  },
  { additionalProperties: false },
);

/** How long a browser may keep a download: never past its link's expiry. */
export function cacheControlOf(linkExpiresAt: number | undefined, now = Date.now()): string {
  if (linkExpiresAt === undefined) return "private, no-cache";
  const seconds = Math.max(0, Math.floor((linkExpiresAt - now) / 1000));
  return seconds === 0 ? "private, no-store" : `private, max-age=${seconds}`;
}

export function mediaRoutes(app: FastifyInstance, deps: MediaRoutesDeps): void {
  /**
   * Streams a stored rendition with headers that make it a download, never a page.
   * `linkExpiresAt` (ms): the signed link's expiry, past which no cache may serve it.
   */
  const sendFile = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: string,
    chatId: string,
    messageId: string,
    format: StoredFormat,
    linkExpiresAt?: number,
  ) => {
    const record = await deps.store.tenant(tenant).mediaOfMessage(chatId, messageId);
    if (record === undefined) throw new ParleyError("MESSAGE_NOT_FOUND");
    if (record.erasedAt != null) throw new ParleyError("MEDIA_ERASED");
    const rendition = deps.media.rendition(record, format);
    const etag = `"${rendition.blobKey}"`;
    void reply
      .header("content-type", rendition.mimeType)
      .header("content-disposition", attachmentDisposition(format === "thumbnail" ? `thumbnail-${record.fileName}` : record.fileName))
      .header("x-content-type-options", "nosniff")
      // Even if a browser were told to render it, nothing in it may run or load.
      .header("content-security-policy", "default-src 'none'; sandbox")
      // A participant's file, so no shared cache keeps it. Fetched by signed link: cached no longer than
      // the link opens it. By token: revalidated each time (the ETag makes that cheap), so access is re-checked.
      .header("cache-control", cacheControlOf(linkExpiresAt))
      .header("etag", etag);
    if (request.headers["if-none-match"] === etag) return reply.status(304).send();
    void reply.header("content-length", String(rendition.size));
    const stream: Readable = await deps.media.open(rendition);
    // A file found damaged after its first bytes went out can only be cut short (blobs/verify.ts); the
    // error handler never sees it and request logging is off, so it is logged here.
    stream.once("error", (error) => {
      if (reply.raw.headersSent) request.log.error({ err: error }, "a download was cut short");
    });
    return reply.send(stream);
  };

  app.register(async (uploads) => {
    // The body is the file itself: hand the raw stream to the spool instead of parsing it.
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
    uploads.post<{ Params: Static<typeof ChatParams>; Querystring: UploadQuery }>(
      "/v1/contacts/:chatId/uploads",
      {
        schema: { ...UPLOAD_SCHEMA, params: ChatParams, querystring: UploadQuery },
        config: { auth: { role: "any" } },
        onRequest: perAddressRateLimit(deps.uploadsPerMinute),
      },
      async (request, reply) => {
        const claims = claimsOf(request);
        const { chatId } = request.params;
        await deps.chat.requireSender(claims, chatId);
        const fileName = validateFileName(request.query.fileName, deps.limits);
        const declaredLength = Number(request.headers["content-length"] ?? Number.NaN);
        if (declaredLength > deps.limits.maxMediaBytes) {
          // Refused before a byte is read; the connection closes rather than drain the body.
          void reply.header("connection", "close");
          throw new ParleyError("MEDIA_TOO_LARGE", undefined, { limit: deps.limits.maxMediaBytes });
        }
        const source = (request.body as Readable | undefined) ?? request.raw;
        let record;
        try {
          // Images in progress are limited per client address (media/image-jobs.ts).
          record = await deps.media.fromStream(source, { tenant: claims.tenant, chatId, userId: claims.userId, address: request.ip }, {
            messageType: request.query.messageType,
            fileName,
          });
        } catch (error) {
          // Refused mid-body (too large): the rest is never read, so the connection cannot be reused.
          if (!request.raw.complete) void reply.header("connection", "close");
          const retryAfterMs = error instanceof ParleyError && error.code === "RATE_LIMITED" ? error.details?.retryAfterMs : undefined;
          if (typeof retryAfterMs === "number") void reply.header("retry-after", String(Math.ceil(retryAfterMs / 1000)));
          throw error;
        }
        const body: UploadResponse = {
          uploadId: record.id,
          messageType: record.messageType,
          documentType: record.documentType,
          fileName: record.fileName,
          fullsize: toRendition(record.fullsize),
          originalSize: record.originalSize,
          resized: record.resized,
        };
        if (record.thumbnail !== null) body.thumbnail = toRendition(record.thumbnail);
        return reply.status(201).send(body);
      },
    );
  });

  app.get<{ Params: Static<typeof MessageParams>; Querystring: Static<typeof DownloadQuery> }>(
    "/v1/contacts/:chatId/messages/:messageId/media",
    { schema: { ...DOWNLOAD_SCHEMA, params: MessageParams, querystring: DownloadQuery }, config: { auth: { role: "any", allowSignedLink: true, apiKeyScope: "transcripts:read" } } },
    async (request, reply) => {
      const { chatId, messageId } = request.params;
      const { format = "fullsize", expires, signature } = request.query;
      let linkExpiresAt: number | undefined;
      let tenant: string;
      if (request.claims === null) {
        // A link of an older build names no tenant: it was signed for `default`.
        tenant = request.query.tenant ?? DEFAULT_TENANT;
        verifyMediaLink(deps.secret, { tenant, chatId, messageId, format }, expires, signature);
        linkExpiresAt = Number(expires);
      } else {
        tenant = request.claims.tenant;
        await authorizeRead(request.claims, { kind: "chat", chatId }, deps.chat);
      }
      return sendFile(request, reply, tenant, chatId, messageId, format, linkExpiresAt);
    },
  );

  /** The original product's download: a back-office call with an agent token or API key; errors answer `{ result: false }`. */
  const downloadDocument = async (
    request: FastifyRequest<{ Params: { domain?: string; chatId: string; messageId: string } }>,
    reply: FastifyReply,
  ) => {
    try {
      const { chatId, messageId } = request.params;
      if (!new RegExp(CHAT_ID_PATTERN).test(chatId)) throw new ParleyError("CONTACT_NOT_FOUND");
      if (!new RegExp(MESSAGE_ID_PATTERN).test(messageId)) throw new ParleyError("MESSAGE_NOT_FOUND");
      const claims = claimsOf(request);
      await authorizeRead(claims, { kind: "backOffice", chatId }, deps.chat);
      return await sendFile(request, reply, claims.tenant, chatId, messageId, "fullsize");
    } catch (error) {
      return sendRefusal(request, reply, error, true);
    }
  };
  const config = { auth: { role: "agent", isBackOffice: true, apiKeyScope: "transcripts:read" } as const };
  app.get("/livechat/:domain/downloadDocument/:chatId/:messageId", { schema: DOWNLOAD_DOCUMENT_SCHEMA, config }, downloadDocument);
  app.get("/livechat/downloadDocument/:chatId/:messageId", { schema: DOWNLOAD_DOCUMENT_NO_DOMAIN_SCHEMA, config }, downloadDocument);
}
