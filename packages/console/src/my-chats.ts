/**
 * The agent's own chats and status, as the server keeps them: "My chats" is
 * rebuilt from `GET /v1/chats?mine=true` at every start, so every tab and
 * device of an agent shows the same chats.
 */
import type { AgentStatus, ChatListResponse } from "@parley/protocol";
import { ApiError } from "./api.js";

/** Ids of the active chats the agent is in now, newest first. */
export async function fetchMyChatIds(token: string): Promise<string[]> {
  let response: Response;
  try {
    response = await fetch("/v1/chats?mine=true", { headers: { authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError("CONNECTION_CLOSED", "The server cannot be reached.", 0);
  }
  if (!response.ok) throw new ApiError("INTERNAL_ERROR", `The server answered ${response.status}.`, response.status);
  const body = (await response.json()) as ChatListResponse;
  return body.chats.map((chat) => chat.id);
}

/** How the header names a status. */
export const STATUS_LABELS: Record<AgentStatus, string> = { available: "Available", away: "Away", offline: "Offline" };
