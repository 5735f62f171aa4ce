/**
 * The agents' desk: an agent's status (available, away, offline) as every
 * agent watching the chat feed sees it. See `docs/routing.md` and
 * `docs/protocol.md`.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";

/**
 * Where an agent stands: `available` or `away` as the agent set it, or
 * `offline` when the agent has no socket left on any node.
 */
export type AgentStatus = "available" | "away" | "offline";

/** The statuses an agent sets by hand; `offline` is the server's to say. */
export type ManualAgentStatus = Exclude<AgentStatus, "offline">;

/** Agents only: set one's own status; the reply is {@link SetStatusResult}. */
export const SetStatusFrame = Type.Object(
  {
    t: Type.Literal("setStatus"),
    rid: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    status: Type.Union([Type.Literal("available"), Type.Literal("away")]),
  },
  { additionalProperties: false },
);
export type SetStatusFrame = Static<typeof SetStatusFrame>;

/** Result of `setStatus`: the agent's status as every watching agent now sees it. */
export interface SetStatusResult {
  status: AgentStatus;
}

/** An agent's status, as the desk tells it. */
export interface AgentPresence {
  /** The agent's `USER_<uuid>`. */
  agentId: string;
  status: AgentStatus;
}

/**
 * An agent's status changed. Sent to every socket of the agent's tenant that
 * follows the chat feed (`watchChats`), after the snapshot reply.
 */
export type PresenceFrame = { t: "presence" } & AgentPresence;

/** Chats an agent handles at once unless set otherwise (`PARLEY_AGENT_CAPACITY`, or the agent's own capacity). */
export const DEFAULT_AGENT_CAPACITY = 3;
