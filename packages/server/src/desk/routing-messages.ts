/**
 * What nodes tell each other about routing: an offer to ring an agent's
 * sockets, an offer withdrawn, and the positions of a tenant's waiting chats
 * (for the customers' sockets). Checked against a schema before use, like
 * every bus message.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { CHAT_ID_PATTERN, USER_ID_PATTERN } from "@parley/protocol";

/** The bus channel of routing (the bus adds its prefix). */
export const ROUTING_CHANNEL = "desk-routing";

const Tenant = Type.String({ minLength: 1, maxLength: 63 });
const ChatId = Type.String({ pattern: CHAT_ID_PATTERN });
const AgentId = Type.String({ pattern: USER_ID_PATTERN });
const Ts = Type.String({ minLength: 1, maxLength: 64 });
const QueueName = Type.String({ minLength: 1, maxLength: 64 });

const OfferMessage = Type.Object({
  kind: Type.Literal("offer"),
  tenant: Tenant,
  agentId: AgentId,
  offer: Type.Object({ chatId: ChatId, queue: QueueName, nickname: Type.String({ maxLength: 1024 }), expiresAt: Ts, offerSeconds: Type.Integer({ minimum: 1 }) }),
});
const WithdrawMessage = Type.Object({ kind: Type.Literal("withdraw"), tenant: Tenant, agentId: AgentId, chatId: ChatId });
const PositionsMessage = Type.Object({
  kind: Type.Literal("positions"),
  tenant: Tenant,
  /** Every waiting chat of the tenant: [chatId, queue, position, etaSeconds]. */
  positions: Type.Array(Type.Tuple([ChatId, QueueName, Type.Integer({ minimum: 1 }), Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])]), { maxItems: 100_000 }),
});

const RoutingMessage = Type.Union([OfferMessage, WithdrawMessage, PositionsMessage]);
export type RoutingMessage = Static<typeof RoutingMessage>;

const CHECK = TypeCompiler.Compile(RoutingMessage);

/** The message when it is well-formed, undefined otherwise. */
export function parseRoutingMessage(value: unknown): RoutingMessage | undefined {
  return CHECK.Check(value) ? value : undefined;
}
