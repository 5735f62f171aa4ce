/** Schemas of the original product's back-office calls (`/livechat/:domain/…`). @module */
import { HistoryMessageSchema } from "@parley/protocol";
import { Type } from "@sinclair/typebox";
import { BACK_OFFICE_ERRORS, type RouteSchema } from "./common.js";

const TAGS = ["back-office"];
/** The tenant; ids are checked by the call, which answers `{ result: false }` for an unknown one. */
const Domain = Type.String({ description: "The tenant (another than the token's: `TENANT_MISMATCH`)." });
const Done = { result: Type.Literal(true), error: Type.Null() };
/** The token may come in the query, for integrations that cannot set a header. */
export const BackOfficeQuery = Type.Object({
  ctlivetoken: Type.Optional(Type.String({ description: "The agent token or API key, for integrations that cannot set a header." })),
});

export const SEND_TEXT_SCHEMA: Omit<RouteSchema, "body"> = {
  tags: TAGS,
  summary: "Sends a text to an active chat (the agent joins it first if needed)",
  params: Type.Object({ domain: Domain, chatId: Type.String() }),
  querystring: BackOfficeQuery,
  response: { 200: Type.Object({ ...Done, messageID: Type.String() }), ...BACK_OFFICE_ERRORS },
};

export const END_CONTACT_SCHEMA: Omit<RouteSchema, "body"> = {
  tags: TAGS,
  summary: "Ends a chat for everyone",
  params: Type.Object({ domain: Domain }),
  querystring: BackOfficeQuery,
  response: { 200: Type.Object(Done), ...BACK_OFFICE_ERRORS },
};

export const TRANSCRIPT_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "A chat's transcript, oldest first",
  params: Type.Object({ domain: Domain, chatId: Type.String() }),
  querystring: BackOfficeQuery,
  response: {
    200: Type.Object({
      ...Done,
      isChatActive: Type.Boolean(),
      /** The chat's call data (`{}` when none). */
      callData: Type.Record(Type.String(), Type.String()),
      chatTranscript: Type.Array(HistoryMessageSchema),
    }),
    ...BACK_OFFICE_ERRORS,
  },
};
