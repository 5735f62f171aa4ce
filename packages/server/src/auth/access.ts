/**
 * The one rule for reading chat content, applied by every route that serves
 * it: the chat list, history, transcripts (JSON and the console's text),
 * file downloads and the original product's `downloadDocument`.
 *
 * - An **agent** may read **any** chat of its own tenant (another tenant's is `CONTACT_NOT_FOUND` to it), joined or not, open or
 *   ended: a contact center's agents take over transferred chats and look up
 *   a customer's past chats, and the back-office calls (transcript, document
 *   download) are made by integrations with an agent or service token that
 *   never joins a chat.
 * - A **customer** token reads only the one chat it opens, and never the list
 *   of chats nor the back-office calls.
 *
 * The socket applies it too: `join` (and so `history` and `media`, which
 * need a joined chat) and the chat feed. A signed download link is a
 * capability for one file for a few minutes; it is only given to a session
 * that joined the chat, which this rule allows.
 * @module
 */
import { ParleyError } from "../errors.js";
import type { TokenClaims } from "./tokens.js";

/** What is read. */
export type ReadTarget =
  /** A chat's messages and files, through the Parley API. */
  | { kind: "chat"; chatId: string }
  /** A chat's messages and files, through the original product's back-office calls (agents only). */
  | { kind: "backOffice"; chatId: string }
  /** The summaries of every chat. */
  | { kind: "chatList" };

/**
 * Where a chat's existence is checked, so an unknown chat is `CONTACT_NOT_FOUND`
 * for those allowed to ask. Generic over the chat's state so that auth/ does
 * not depend on the chat domain (which depends on it).
 */
export interface ChatLookup<State> {
  /** The tenant's chat; a chat of another tenant is `CONTACT_NOT_FOUND`. */
  requireChat(tenant: string, chatId: string): Promise<State>;
}

/** Whether `who` may read `target` under the rule above (existence aside). */
export function mayRead(who: TokenClaims, target: ReadTarget): boolean {
  if (who.role === "agent") return true;
  return target.kind === "chat" && who.chatId === target.chatId;
}

/**
 * Throws `FORBIDDEN` unless `who` may read `target`; for one chat, then
 * `CONTACT_NOT_FOUND` when there is no such chat, else returns its state.
 */
export async function authorizeRead<State>(who: TokenClaims, target: { kind: "chat" | "backOffice"; chatId: string }, chats: ChatLookup<State>): Promise<State>;
export async function authorizeRead(who: TokenClaims, target: { kind: "chatList" }, chats: ChatLookup<unknown>): Promise<undefined>;
export async function authorizeRead<State>(who: TokenClaims, target: ReadTarget, chats: ChatLookup<State>): Promise<State | undefined> {
  if (!mayRead(who, target)) {
    throw new ParleyError("FORBIDDEN", target.kind === "chat" ? undefined : "Only agents may read this.");
  }
  return target.kind === "chatList" ? undefined : chats.requireChat(who.tenant, target.chatId);
}
