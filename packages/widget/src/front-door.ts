/**
 * The widget's front door and way out: whether the queue takes chats now,
 * the offline message, the survey after a chat and the transcript download.
 * The queue is `data-queue`; `data-privacy-url` makes the offline form ask
 * for consent (see config.ts).
 * @module
 */
import type { ChatSurveyResponse, SurveyAnswerBody } from "@parley/protocol";
import type { WidgetConfig } from "./config.js";

/** A failed call: the server's code, or `UNREACHABLE`. */
export class FrontDoorError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

async function request<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, init).catch(() => {
    throw new FrontDoorError("UNREACHABLE");
  });
  const body = (await response.json().catch(() => null)) as (T & { error?: { code: string } }) | null;
  if (!response.ok || body === null) throw new FrontDoorError(body?.error?.code ?? `HTTP_${response.status}`);
  return body;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** `GET /v1/availability`: whether a chat started now would be answered. */
export function fetchAvailability(config: WidgetConfig): Promise<{ open: boolean; reason: string }> {
  const query = new URLSearchParams();
  if (config.queue !== undefined) query.set("queue", config.queue);
  if (config.tenant !== undefined) query.set("tenant", config.tenant);
  return request(`${config.serverUrl}/v1/availability?${query.toString()}`);
}

/** What the offline form sends. */
export interface OfflineMessageInput {
  name: string;
  email: string;
  message: string;
  consent: boolean;
}

/** `POST /v1/offline-messages`. */
export async function sendOfflineMessage(config: WidgetConfig, input: OfflineMessageInput): Promise<void> {
  const body: Record<string, unknown> = { name: input.name.trim(), email: input.email.trim(), message: input.message };
  if (config.privacyUrl !== undefined) body.consent = input.consent;
  if (config.queue !== undefined) body.queue = config.queue;
  if (config.tenant !== undefined) body.tenant = config.tenant;
  await request(`${config.serverUrl}/v1/offline-messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** The chat the survey and the transcript are about, with the customer's token. */
export interface ChatCredential {
  chatId: string;
  token: string;
}

/** `GET /v1/chats/:chatId/survey`. */
export function fetchSurvey(config: WidgetConfig, chat: ChatCredential): Promise<ChatSurveyResponse> {
  return request(`${config.serverUrl}/v1/chats/${encodeURIComponent(chat.chatId)}/survey`, { headers: bearer(chat.token) });
}

/** `POST /v1/chats/:chatId/survey`. */
export async function sendSurvey(config: WidgetConfig, chat: ChatCredential, answers: SurveyAnswerBody): Promise<void> {
  await request(`${config.serverUrl}/v1/chats/${encodeURIComponent(chat.chatId)}/survey`, {
    method: "POST",
    headers: { ...bearer(chat.token), "content-type": "application/json" },
    body: JSON.stringify(answers),
  });
}

/** Downloads the chat's transcript (a text file, times in the browser's zone) as the browser saves files. */
export async function downloadTranscript(config: WidgetConfig, chat: ChatCredential): Promise<void> {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const url = `${config.serverUrl}/v1/chats/${encodeURIComponent(chat.chatId)}/transcript?timeZone=${encodeURIComponent(zone)}`;
  const response = await fetch(url, { headers: bearer(chat.token) }).catch(() => {
    throw new FrontDoorError("UNREACHABLE");
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code: string } } | null;
    throw new FrontDoorError(body?.error?.code ?? `HTTP_${response.status}`);
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = `chat-${chat.chatId}.txt`;
  link.click();
  // The click has handed the file to the browser; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}
