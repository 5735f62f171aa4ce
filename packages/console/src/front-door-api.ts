/** The REST calls of the front door's console views: offline messages and a chat's survey. */
import type { ChatSurveyResponse, InvitationRule, InvitationRules, OfflineMessage, OfflineMessageListResponse } from "@parley/protocol";
import { ApiError } from "./api.js";

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function call<T>(path: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError("CONNECTION_CLOSED", "The server cannot be reached.", 0);
  }
  const body = (await response.json().catch(() => ({}))) as T & { error?: { code?: string; message?: string } };
  if (!response.ok) throw new ApiError(body.error?.code ?? "INTERNAL_ERROR", body.error?.message ?? `The server answered ${response.status}.`, response.status);
  return body;
}

/** A page of offline messages, newest first; `before` is the previous page's `nextCursor`. */
export function fetchOfflineMessages(token: string, before?: string): Promise<OfflineMessageListResponse> {
  const query = before === undefined ? "" : `?before=${encodeURIComponent(before)}`;
  return call<OfflineMessageListResponse>(`/v1/offline-messages${query}`, { headers: bearer(token) });
}

/** Marks an offline message read or answered; the message as stored now. */
export async function markOfflineMessage(token: string, id: string, state: "read" | "answered"): Promise<OfflineMessage> {
  const body = await call<{ offlineMessage: OfflineMessage }>(`/v1/offline-messages/${encodeURIComponent(id)}`, {
    method: "PATCH",
    headers: { ...bearer(token), "content-type": "application/json" },
    body: JSON.stringify({ state }),
  });
  return body.offlineMessage;
}

/** A chat's survey and the customer's answers, once given. */
export function fetchChatSurvey(token: string, chatId: string): Promise<ChatSurveyResponse> {
  return call<ChatSurveyResponse>(`/v1/chats/${encodeURIComponent(chatId)}/survey`, { headers: bearer(token) });
}

/** The site's proactive invitation rules (the widget's public read, never from the browser's cache here). */
export async function fetchInvitationRules(): Promise<InvitationRule[]> {
  return (await call<InvitationRules>("/v1/invitations", { cache: "no-store" })).rules;
}

/** Replaces the site's invitation rules (admins); the rules as stored. */
export async function saveInvitationRules(token: string, rules: InvitationRule[]): Promise<InvitationRule[]> {
  const body = await call<InvitationRules>("/v1/invitations", { method: "PUT", headers: { ...bearer(token), "content-type": "application/json" }, body: JSON.stringify({ rules }) });
  return body.rules;
}
