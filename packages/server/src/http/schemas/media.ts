/** Schemas of the media routes: the upload, the download, and the original product's `downloadDocument`. @module */
import { DOCUMENT_TYPES, MEDIA_TYPES, UploadResponse } from "@parley/protocol";
import { Type } from "@sinclair/typebox";
import { BackOfficeQuery } from "./back-office.js";
import { BACK_OFFICE_ERRORS, bytes, ConditionalHeaders, ERRORS, noBody, type RouteSchema } from "./common.js";

const TAGS = ["media"];

/** What a download may be: every accepted type, as detected from the bytes. */
const FILE = bytes(
  "The stored file, as an attachment; `Content-Type` is the type detected from its bytes.",
  ...new Set(DOCUMENT_TYPES.map((type) => MEDIA_TYPES[type].mimeType)),
);

/** The route's answers; its params and query are declared next to the route. */
export const UPLOAD_SCHEMA: Omit<RouteSchema, "params" | "querystring"> = {
  tags: TAGS,
  summary: "Uploads a file to send (the body is the file's raw bytes)",
  consumes: ["application/octet-stream"],
  response: { 201: UploadResponse, ...ERRORS },
};

/** The route's answers; its params and query are declared next to the route. */
export const DOWNLOAD_SCHEMA: Omit<RouteSchema, "params" | "querystring"> = {
  tags: TAGS,
  summary: "Downloads a message's file, by token or signed link",
  headers: ConditionalHeaders,
  response: { 200: FILE, 304: noBody("The copy the client holds (`If-None-Match`) is current."), ...ERRORS },
};

/** `downloadDocument` checks its ids itself, to answer `{ result: false }` rather than a validation error. */
const DocumentParams = Type.Object({ chatId: Type.String(), messageId: Type.String() });

export const DOWNLOAD_DOCUMENT_SCHEMA: RouteSchema = {
  tags: ["back-office"],
  summary: "The file of a multimedia message (the original product's call)",
  params: Type.Object({ domain: Type.String({ description: "The tenant." }), chatId: Type.String(), messageId: Type.String() }),
  querystring: BackOfficeQuery,
  headers: ConditionalHeaders,
  response: { 200: FILE, 304: noBody("The copy the client holds (`If-None-Match`) is current."), ...BACK_OFFICE_ERRORS },
};

/** The same call without `:domain` (the token's tenant). */
export const DOWNLOAD_DOCUMENT_NO_DOMAIN_SCHEMA: RouteSchema = { ...DOWNLOAD_DOCUMENT_SCHEMA, params: DocumentParams };
