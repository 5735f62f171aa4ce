/**
 * Rich messages: who may send a menu or quick reply (agents and bots on agent
 * tokens), who may answer one (the customer), and what an answer must name
 * (a menu of this chat of the matching type, and one of its options). Builds
 * the stored payload; ChatMessages commits it like any other message.
 * @module
 */
import {
  checkMenu,
  normalizeOption,
  responseTypeOf,
  type Limits,
  type MenuOption,
  type OfferMessageType,
  type ResponseMessageType,
  type RichMessageEvent,
  type UserRef,
} from "@parley/protocol";
import type { TokenClaims } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import type { Store } from "../store/types.js";

/** A menu or quick reply to offer. */
export interface OutgoingOffer {
  kind: "menu";
  messageType: OfferMessageType;
  text?: string;
  options: MenuOption[];
}

/** A customer's answer to a menu or quick reply. */
export interface OutgoingResponse {
  kind: "menuResponse";
  messageType: ResponseMessageType;
  menuId: string;
  optionId: string;
}

/** The payload of a menu or quick reply, after its rules are checked (`MENU_INVALID`, `INVALID_URL`, `ROLE_FORBIDDEN`). */
export function offerPayload(who: TokenClaims, offer: OutgoingOffer, base: { id: string; chatId: string; ts: string; user: UserRef }, limits: Limits): RichMessageEvent {
  if (who.role !== "agent") throw new ParleyError("ROLE_FORBIDDEN", "Only agents and bots may send menus and quick replies.", { messageType: offer.messageType });
  const violation = checkMenu(offer, limits);
  if (violation !== null) throw new ParleyError(violation.code, violation.message, violation.details);
  const { id, chatId, ts, user } = base;
  return { id, chatId, messageType: offer.messageType, content: { text: offer.text ?? "", options: offer.options.map(normalizeOption), user }, ts };
}

/**
 * The payload of an answer: the customer's only, to a menu of this chat whose
 * type matches (`MENU_NOT_FOUND`), with an option it offered (`MENU_OPTION_NOT_FOUND`).
 */
export async function responsePayload(
  who: TokenClaims,
  store: Store,
  response: OutgoingResponse,
  base: { id: string; chatId: string; ts: string; user: UserRef },
): Promise<RichMessageEvent> {
  if (who.role !== "customer") throw new ParleyError("ROLE_FORBIDDEN", "Only the customer answers menus and quick replies.", { messageType: response.messageType });
  const { id, chatId, ts, user } = base;
  const menu = await store.tenant(who.tenant).getEvent(chatId, response.menuId);
  const offered =
    menu?.name === "richMessage" && (menu.data.messageType === "MENU" || menu.data.messageType === "QUICK_REPLY") && responseTypeOf(menu.data.messageType) === response.messageType
      ? menu.data.content
      : undefined;
  if (offered === undefined || !("options" in offered)) throw new ParleyError("MENU_NOT_FOUND", undefined, { menuId: response.menuId });
  const option = offered.options.find((candidate) => candidate.id === response.optionId);
  if (option === undefined) throw new ParleyError("MENU_OPTION_NOT_FOUND", undefined, { menuId: response.menuId, optionId: response.optionId });
  return { id, chatId, messageType: response.messageType, content: { menuId: response.menuId, option: normalizeOption(option), user }, ts };
}
