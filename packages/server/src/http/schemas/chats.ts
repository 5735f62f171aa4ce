/** Schema of `GET /v1/chats`, the agents' list of chats. @module */
import { ChatListQuery, ChatListResponseSchema } from "@parley/protocol";
import { ERRORS, type RouteSchema } from "./common.js";

export const CHAT_LIST_SCHEMA: RouteSchema = {
  tags: ["chats"],
  summary: "The agents' paged list of chats, newest first",
  querystring: ChatListQuery,
  response: { 200: ChatListResponseSchema, ...ERRORS },
};
