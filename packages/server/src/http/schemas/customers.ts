/** Schemas of a customer's data routes: the export (a ZIP) and the erasure. @module */
import { Type } from "@sinclair/typebox";
import { bytes, ERRORS, type RouteSchema } from "./common.js";

const TAGS = ["customers"];

/** The route's answers; its query is declared next to the route. */
export const EXPORT_SCHEMA: Omit<RouteSchema, "querystring"> = {
  tags: TAGS,
  summary: "Everything stored about one customer, as a ZIP archive",
  response: { 200: bytes("The archive, streamed as an attachment.", "application/zip"), ...ERRORS },
};

/** The route's answers; its body is declared next to the route. */
export const ERASE_SCHEMA: Omit<RouteSchema, "body"> = {
  tags: TAGS,
  summary: "Erases a customer's data",
  response: {
    200: Type.Object({
      chats: Type.Integer(),
      chatIds: Type.Array(Type.String()),
      events: Type.Integer(),
      files: Type.Integer(),
      blobs: Type.Integer(),
      /** Offline messages left by the customer, deleted. */
      offlineMessages: Type.Integer(),
    }),
    ...ERRORS,
  },
};
