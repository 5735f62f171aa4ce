/**
 * What the chat domain sends over the bus, and the schemas every message
 * from another node is checked against before use: a malformed or foreign
 * message is dropped, never trusted.
 * @module
 */
import { Type, type Static, type TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { CHAT_ID_PATTERN, USER_ID_PATTERN, type IsWritingEvent, type StoredEventName } from "@parley/protocol";
import type { StoredEvent } from "../store/types.js";

/**
 * The bus channel of one chat (the bus adds its own prefix, e.g. `parley:`).
 * A node subscribes to it while it has a participant of the chat connected,
 * so it receives only the traffic of the chats it serves.
 */
export function chatChannel(chatId: string): string {
  return `chat:${chatId}`;
}

const ChatId = Type.String({ pattern: CHAT_ID_PATTERN });
const UserId = Type.String({ pattern: USER_ID_PATTERN });
const Ts = Type.String({ minLength: 1 });
const UserRef = Type.Object({ id: UserId, nickname: Type.String(), isAgent: Type.Boolean() });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const User = Type.Object({
  id: UserId,
  nickname: Type.String(),
  isAgent: Type.Boolean(),
  beginTime: Ts,
  endTime: NullableString,
  isOnline: Type.Boolean(),
  userAgent: NullableString,
  firstUri: NullableString,
  firstTitle: NullableString,
  channel: Type.String(),
  firstIP: NullableString,
});
const Receipt = Type.Object({ messageID: Type.String(), chatId: ChatId, user: UserRef, ts: Ts });

/** Payload schema per stored event name. */
const PAYLOADS: Record<StoredEventName, TSchema> = {
  message: Type.Object({
    id: Type.String(),
    chatId: ChatId,
    messageType: Type.Literal("TEXT"),
    content: Type.Object({ text: Type.String(), user: UserRef }),
    ts: Ts,
  }),
  link: Type.Object({
    id: Type.String(),
    chatId: ChatId,
    messageType: Type.Literal("LINK"),
    content: Type.Object({ url: Type.String(), user: UserRef }),
    ts: Ts,
  }),
  multimediaMessage: Type.Object({ id: Type.String(), chatId: ChatId, content: Type.Object({ user: UserRef }), ts: Ts }),
  multimediaMessageStored: Type.Object({ messageID: Type.String(), chatId: ChatId, ts: Ts }),
  messageReceived: Receipt,
  messageSeen: Receipt,
  userAdded: Type.Object({ chatId: ChatId, user: User, ts: Ts }),
  userLeft: Type.Object({ chatId: ChatId, user: UserRef, ts: Ts }),
  contactEnded: Type.Object({
    chatId: ChatId,
    user: Type.Union([UserRef, Type.Null()]),
    reason: Type.Union([Type.Literal("endedByParticipant"), Type.Literal("endedByServer")]),
    ts: Ts,
  }),
};
const PAYLOAD_CHECKS = Object.fromEntries(
  Object.entries(PAYLOADS).map(([name, schema]) => [name, TypeCompiler.Compile(schema)]),
) as Record<StoredEventName, ReturnType<typeof TypeCompiler.Compile>>;

const EventMessage = Type.Object({
  kind: Type.Literal("event"),
  event: Type.Object({
    chatId: ChatId,
    seq: Type.Integer({ minimum: 1 }),
    id: Type.String({ minLength: 1 }),
    name: Type.Union(Object.keys(PAYLOADS).map((name) => Type.Literal(name))),
    userId: Type.Union([UserId, Type.Null()]),
    ts: Ts,
    data: Type.Unknown(),
  }),
});
const SignalMessage = Type.Object({
  kind: Type.Literal("signal"),
  chatId: ChatId,
  data: Type.Object({ bwrite: Type.Boolean(), chatId: ChatId, user: UserRef }),
});
const CHECK_EVENT = TypeCompiler.Compile(EventMessage);
const CHECK_SIGNAL = TypeCompiler.Compile(SignalMessage);

/** A chat message on the bus: a committed event, or a typing signal. */
export type ChatBusMessage = { kind: "event"; event: StoredEvent } | { kind: "signal"; chatId: string; data: IsWritingEvent };

/** The message when it is well-formed and self-consistent, undefined otherwise. */
export function parseChatBusMessage(value: unknown): ChatBusMessage | undefined {
  if (CHECK_EVENT.Check(value)) {
    const event = value.event as Static<typeof EventMessage>["event"] & { name: StoredEventName };
    const data = event.data;
    if (!PAYLOAD_CHECKS[event.name].Check(data)) return undefined;
    if ((data as { chatId: string }).chatId !== event.chatId) return undefined;
    return { kind: "event", event };
  }
  if (CHECK_SIGNAL.Check(value)) {
    if (value.data.chatId !== value.chatId) return undefined;
    return { kind: "signal", chatId: value.chatId, data: value.data };
  }
  return undefined;
}
