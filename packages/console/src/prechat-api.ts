/** A queue's pre-chat form over REST: its admins edit it, and agents read its labels for a chat's Details. */
import { prechatLabel, type PrechatForm, type PrechatFormResponse, type PublicPrechatFormResponse } from "@parley/protocol";
import { bearer, call, listChats } from "./api.js";

const path = (queue: string) => `/v1/queues/${encodeURIComponent(queue)}/form`;

/** The queue's form as admins define it; null when it asks nothing. */
export async function fetchPrechatDefinition(token: string, queue: string): Promise<PrechatForm | null> {
  return (await call<PrechatFormResponse>(`${path(queue)}/definition`, { headers: bearer(token) })).form;
}

/** Sets (or, with null, removes) the queue's form; the form as stored. */
export async function savePrechatForm(token: string, queue: string, form: PrechatForm | null): Promise<PrechatForm | null> {
  const init = { method: "PUT", headers: { ...bearer(token), "content-type": "application/json" }, body: JSON.stringify({ form }) };
  return (await call<PrechatFormResponse>(path(queue), init)).form;
}

/** How the Details list names a pre-chat answer: the field's label, and the options' labels by value. */
export interface AnswerLabel {
  label: string;
  options: Record<string, string>;
}

/**
 * The labels of the form of the chat's queue, by field key (English, as the
 * console is): the chat's queue from the chat list, then the queue's public
 * form. Empty when the queue has no form, or when either cannot be read.
 */
export async function fetchAnswerLabels(token: string, tenant: string, chatId: string): Promise<Record<string, AnswerLabel>> {
  const { chats } = await listChats(token, { q: chatId, limit: 1 });
  const queue = chats.find((chat) => chat.id === chatId)?.queue ?? "default";
  const { form } = await call<PublicPrechatFormResponse>(`${path(queue)}?tenant=${encodeURIComponent(tenant)}`);
  const labels: Record<string, AnswerLabel> = {};
  for (const field of form?.fields ?? []) {
    if (field.kind === "info") continue;
    labels[field.key] = { label: prechatLabel(field.labels, "en"), options: Object.fromEntries(field.options.map((option) => [option.value, prechatLabel(option.labels, "en")])) };
  }
  return labels;
}
