/**
 * What nodes tell each other about agents' sockets: per agent, how many
 * sockets this node holds and the status the agent last set. A node repeats
 * its counts every heartbeat; a count not repeated in time expires, so the
 * agents of a node that died go offline without anyone saying so.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { USER_ID_PATTERN } from "@parley/protocol";

/** The bus channel of agents' presence (the bus adds its prefix). */
export const PRESENCE_CHANNEL = "desk-presence";

const Sighting = Type.Object({
  tenant: Type.String({ minLength: 1, maxLength: 63 }),
  agentId: Type.String({ pattern: USER_ID_PATTERN }),
  /** Sockets of the agent open on the sending node; 0 when the last one just closed. */
  count: Type.Integer({ minimum: 0 }),
  status: Type.Union([Type.Literal("available"), Type.Literal("away")]),
  /** When the agent set that status (ISO 8601): of two, the later wins. */
  statusAt: Type.String({ maxLength: 64 }),
});
export type Sighting = Static<typeof Sighting>;

const PresenceMessage = Type.Object({
  /** How long the receiver may believe these counts without hearing them again. */
  ttlMs: Type.Integer({ minimum: 1 }),
  agents: Type.Array(Sighting, { maxItems: 100_000 }),
});
export type PresenceMessage = Static<typeof PresenceMessage>;

const CHECK = TypeCompiler.Compile(PresenceMessage);

/** The message when it is well-formed, undefined otherwise. */
export function parsePresenceMessage(value: unknown): PresenceMessage | undefined {
  return CHECK.Check(value) ? value : undefined;
}
