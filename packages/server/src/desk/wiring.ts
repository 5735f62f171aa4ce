/**
 * Builds the agents' desk from the server's parts: the tenant-scoped store,
 * the bus, and the chat service through which a gone agent leaves their chats.
 * @module
 */
import type { Logger } from "pino";
import type { TokenClaims } from "../auth/tokens.js";
import type { Bus } from "../bus/types.js";
import type { ChatService } from "../chat/service.js";
import type { ParleyConfig } from "../config.js";
import { ParleyError } from "../errors.js";
import type { Store } from "../store/types.js";
import { AgentDesk } from "./desk.js";

/** Codes of a return that finds nothing to do: the agent left, or the chat ended, meanwhile. */
const NOTHING_TO_RETURN = new Set(["NOT_A_PARTICIPANT", "CONTACT_ENDED", "CONTACT_NOT_FOUND"]);

/** What a waiting customer is told at the waiting limit when the queue sets no message. */
const TELL_TEXT = "All our agents are busy right now. Thank you for waiting: the next free agent will be with you.";
const CLOSE_TEXT = "Sorry, no agent could take your chat in time. Please try again later.";

export interface DeskParts {
  config: ParleyConfig;
  store: Store;
  bus: Bus;
  logger: Logger;
  /** The chat service, built after the desk (it asks the desk before agents join). */
  chat: () => ChatService;
}

export function createDesk({ config, store, bus, logger, chat }: DeskParts): AgentDesk {
  return new AgentDesk({
    bus,
    logger,
    graceMs: config.agentGraceSeconds * 1000,
    defaultCapacity: config.agentCapacity,
    deskOf: (tenant) => store.tenant(tenant),
    tenants: async () => (await store.listTenants()).map((tenant) => tenant.name),
    chatItem: async (tenant, chatId) => {
      const found = await chat().listChats(tenant, { search: chatId, limit: 1 });
      return found.find((item) => item.id === chatId);
    },
    returnChat: async (tenant, agentId, chatId) => {
      // The agent leaves as a leave of their own would: a stored userLeft that the customer and history see.
      const agent: TokenClaims = { userId: agentId, role: "agent", nickname: "", tenant };
      try {
        await chat().leave(agent, chatId);
      } catch (error) {
        if (!(error instanceof ParleyError && NOTHING_TO_RETURN.has(error.code))) throw error;
      }
    },
    joinChat: async (claims, chatId) => {
      await chat().join(claims, chatId, { isResume: false });
    },
    waitLimit: async (tenant, waiting, queue) => {
      const close = queue.waitLimitAction === "close";
      const text = queue.waitLimitMessage !== "" ? queue.waitLimitMessage : close ? CLOSE_TEXT : TELL_TEXT;
      try {
        await chat().queueNotice(tenant, waiting.chatId, { queue: queue.name, reason: "waitLimit", text, then: close ? "close" : "wait" });
        if (close) await chat().endByServer(tenant, waiting.chatId);
      } catch (error) {
        if (!(error instanceof ParleyError && NOTHING_TO_RETURN.has(error.code))) throw error;
      }
    },
  });
}
