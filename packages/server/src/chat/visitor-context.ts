/**
 * The customer beside the conversation: the visitor context a chat starts
 * with (checked here, stored with the chat), and what agents read of it —
 * the chat's customer, call data and previous chats of the same e-mail
 * address or visitor id (`GET /v1/chats/:chatId/customer`).
 * @module
 */
import { MAX_PREVIOUS_CHATS, visitorContextProblem, type ChatCustomerResponse, type VisitorContext } from "@parley/protocol";
import { ParleyError } from "../errors.js";
import { isTimeZone } from "../front-door/hours.js";
import type { Store } from "../store/types.js";

/** Throws `VISITOR_CONTEXT_INVALID` for a visitor context that may not be stored as it is. */
export function requireValidVisitorContext(context: VisitorContext): void {
  const problem = visitorContextProblem(context, isTimeZone);
  if (problem !== null) throw new ParleyError(problem.code, undefined, { path: problem.path, problem: problem.problem });
}

/** The chat's customer as the console's side panel shows them; `CONTACT_NOT_FOUND` when the tenant has no such chat. */
export async function readChatCustomer(store: Store, tenant: string, chatId: string): Promise<ChatCustomerResponse> {
  const db = store.tenant(tenant);
  const contact = await db.getContact(chatId);
  if (contact === undefined) throw new ParleyError("CONTACT_NOT_FOUND");
  const [visitor, previousChats] = await Promise.all([db.getVisitorContext(chatId), db.previousChats(chatId, MAX_PREVIOUS_CHATS)]);
  return {
    chatId,
    customer: {
      nickname: contact.nickname,
      email: contact.email,
      pageUri: contact.pageUri,
      pageTitle: contact.pageTitle,
      userAgent: contact.userAgent,
      language: visitor?.language ?? null,
      timeZone: visitor?.timeZone ?? null,
      hasVisitorId: (visitor?.visitorId ?? null) !== null,
      startedAt: contact.createdAt,
    },
    callData: contact.callData,
    previousChats,
  };
}
