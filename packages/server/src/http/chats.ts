/**
 * `GET /v1/chats`: the agents' paged list of chats, newest first, by status
 * and by search (a chat id, or part of a customer's nickname). Keyset
 * pagination: `nextCursor` names the last chat of a page, so pages stay
 * right while new chats arrive.
 * @module
 */
import {
  CHAT_LIST_DEFAULT_LIMIT,
  CHAT_LIST_MAX_CALL_DATA_FILTERS,
  CHAT_LIST_MAX_LIMIT,
  type ChatListQuery,
  type ChatListItem,
  type ChatListResponse,
} from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { authorizeRead } from "../auth/access.js";
import type { ChatService } from "../chat/service.js";
import type { AgentDesk } from "../desk/desk.js";
import { ParleyError } from "../errors.js";
import type { ContactListQuery } from "../store/types.js";
import { claimsOf } from "./authenticate.js";
import { CHAT_LIST_SCHEMA } from "./schemas/chats.js";

export interface ChatRoutesDeps {
  chat: ChatService;
  /** Answers `mine=true` (the agent's own chats); without it, that query is refused. */
  desk?: AgentDesk | undefined;
}

/** The cursor names the last chat of a page: Base64url of `[createdAt, id]`. */
export function encodeCursor(chat: Pick<ChatListItem, "createdAt" | "id">): string {
  return Buffer.from(JSON.stringify([chat.createdAt, chat.id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === "string" && typeof value[1] === "string") {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // fall through to the coded error
  }
  throw new ParleyError("VALIDATION_FAILED", "The cursor is not one this server gave.", { path: "/cursor", problem: "unknown cursor" });
}

export function chatRoutes(app: FastifyInstance, deps: ChatRoutesDeps): void {
  const options = { schema: CHAT_LIST_SCHEMA, config: { auth: { role: "any", apiKeyScope: "transcripts:read" } as const } };
  app.get<{ Querystring: ChatListQuery }>("/v1/chats", options, async (request, reply) => {
    const claims = claimsOf(request);
    await authorizeRead(claims, { kind: "chatList" }, deps.chat);
    if (request.query.mine === "true") return reply.header("cache-control", "no-store").send(await myChats(deps, request.query, claims));
    const { status, q, cursor } = request.query;
    const limit = request.query.limit === undefined ? CHAT_LIST_DEFAULT_LIMIT : Number(request.query.limit);
    if (limit < 1 || limit > CHAT_LIST_MAX_LIMIT) {
      throw new ParleyError("VALIDATION_FAILED", `limit must be between 1 and ${CHAT_LIST_MAX_LIMIT}.`, { path: "/limit", problem: "out of range" });
    }
    // One more than asked tells whether another page follows.
    const query: ContactListQuery = { limit: limit + 1 };
    if (status !== undefined) query.status = status;
    if (q !== undefined) query.search = q.trim();
    if (cursor !== undefined) query.before = decodeCursor(cursor);
    if (query.search === "") delete query.search;
    const callData = callDataFilter(request.query);
    if (callData !== undefined) query.callData = callData;
    const found = await deps.chat.listChats(claims.tenant, query);
    const chats = found.slice(0, limit);
    const last = chats[chats.length - 1];
    const body: ChatListResponse = { chats, nextCursor: found.length > limit && last !== undefined ? encodeCursor(last) : null };
    return reply.header("cache-control", "no-store").send(body);
  });
}

/**
 * `mine=true`: the active chats the agent is in now, from the participants
 * table, so any tab or device rebuilds "My chats" alike. One page (an agent
 * is in a few chats at most); other filters are refused, not ignored.
 */
async function myChats(deps: ChatRoutesDeps, query: ChatListQuery, claims: ReturnType<typeof claimsOf>): Promise<ChatListResponse> {
  if (deps.desk === undefined) throw new ParleyError("UNAVAILABLE", "This server has no desk.");
  const other = (["status", "q", "cursor", "limit"] as const).find((name) => query[name] !== undefined) ?? (callDataFilter(query) === undefined ? undefined : "callData");
  if (other !== undefined) {
    throw new ParleyError("VALIDATION_FAILED", `mine=true takes no ${other}.`, { path: `/${other}`, problem: "not with mine" });
  }
  return { chats: await deps.desk.myChats(claims), nextCursor: null };
}

/** The `callData.<key>=<value>` filters of a list query, or undefined when there are none. */
function callDataFilter(query: ChatListQuery): Record<string, string> | undefined {
  const filter: Record<string, string> = {};
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    if (name.startsWith("callData.") && typeof value === "string") filter[name.slice("callData.".length)] = value;
  }
  const count = Object.keys(filter).length;
  if (count === 0) return undefined;
  if (count > CHAT_LIST_MAX_CALL_DATA_FILTERS) {
    throw new ParleyError("VALIDATION_FAILED", `At most ${CHAT_LIST_MAX_CALL_DATA_FILTERS} callData filters.`, { path: "/callData", problem: "too many filters" });
  }
  return filter;
}
