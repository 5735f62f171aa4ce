/** The customer panel's REST call: a chat's customer, visitor context, call data and previous chats. */
import type { ChatCustomerResponse } from "@parley/protocol";
import { bearer, call } from "./api.js";

export function fetchChatCustomer(token: string, chatId: string): Promise<ChatCustomerResponse> {
  return call<ChatCustomerResponse>(`/v1/chats/${encodeURIComponent(chatId)}/customer`, { headers: bearer(token) });
}
