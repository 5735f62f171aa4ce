/**
 * What the chat domain sends over the bus, and the schemas every message
 * from another node is checked against before use: a malformed or foreign
 * message is dropped, never trusted.
 * @module
 */
import { Type, type TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { CHAT_ID_PATTERN, USER_ID_PATTERN, type IsWritingEvent, type StoredEventName } from "@parley/protocol";
import { JsonText } from "../bus/types.js";
import { TENANT_NAME } from "../store/tenant-db.js";
import type { CommittedEvent, StoredEvent } from "../store/types.js";

/**
 * The bus channel of one chat of a tenant (the bus adds its own prefix, e.g. `parley:`).
 * A node subscribes to it while it has a participant of the chat connected,
 * so it receives only the traffic of the chats it serves.
 */
export function chatChannel(tenant: string, chatId: string): string {
  return `chat:${tenant}:${chatId}`;
}

const ChatId = Type.String({ pattern: CHAT_ID_PATTERN });
const Tenant = Type.String({ pattern: TENANT_NAME.source });
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
  callDataChanged: Type.Object({
    chatId: ChatId,
    changes: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()])),
    user: Type.Union([UserRef, Type.Null()]),
    ts: Ts,
  }),
};
const PAYLOAD_CHECKS = Object.fromEntries(
  Object.entries(PAYLOADS).map(([name, schema]) => [name, TypeCompiler.Compile(schema)]),
) as Record<StoredEventName, ReturnType<typeof TypeCompiler.Compile>>;

const EventMessage = Type.Object({
  kind: Type.Literal("event"),
  tenant: Tenant,
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
  tenant: Tenant,
  chatId: ChatId,
  data: Type.Object({ bwrite: Type.Boolean(), chatId: ChatId, user: UserRef }),
});
const CHECK_EVENT = TypeCompiler.Compile(EventMessage);
const CHECK_SIGNAL = TypeCompiler.Compile(SignalMessage);

/** A chat message on the bus: a committed event, or a typing signal. */
export type ChatBusMessage =
  | { kind: "event"; tenant: string; event: CommittedEvent }
  | { kind: "signal"; tenant: string; chatId: string; data: IsWritingEvent };

/** The text of an event message up to its payload; the payload and `}}` follow. */
function eventMessageHead(tenant: string, event: Omit<StoredEvent, "data">): string {
  const { chatId, seq, id, name, userId, ts } = event;
  return `{"kind":"event","tenant":${JSON.stringify(tenant)},"event":{"chatId":${JSON.stringify(chatId)},"seq":${seq},"id":${JSON.stringify(id)},"name":"${name}","userId":${JSON.stringify(userId)},"ts":${JSON.stringify(ts)},"data":`;
}

/** A committed event as a bus message, built around its payload's text (serialised once, at commit). */
export function eventBusMessage(tenant: string, event: CommittedEvent): JsonText {
  return new JsonText(`${eventMessageHead(tenant, event)}${event.payload}}}`);
}

/**
 * The message when it is well-formed and self-consistent, undefined otherwise.
 * `text`, the message's JSON text as the bus received it, spares serialising
 * the payload again when it is laid out as {@link eventBusMessage} writes it.
 */
export function parseChatBusMessage(value: unknown, text?: string): ChatBusMessage | undefined {
  if (CHECK_EVENT.Check(value)) {
    const { data, ...header } = value.event;
    const name = header.name as StoredEventName;
    if (!PAYLOAD_CHECKS[name].Check(data)) return undefined;
    if ((data as { chatId: string }).chatId !== header.chatId) return undefined;
    const payload = (text === undefined ? undefined : payloadIn(text, value.tenant, { ...header, name })) ?? JSON.stringify(data);
    // Checked against the schema of its name above.
    const event = { ...header, name, data, payload } as CommittedEvent;
    return { kind: "event", tenant: value.tenant, event };
  }
  if (CHECK_SIGNAL.Check(value)) {
    if (value.data.chatId !== value.chatId) return undefined;
    return { kind: "signal", tenant: value.tenant, chatId: value.chatId, data: value.data };
  }
  return undefined;
}

/**
 * The payload's text inside an event message's text, when the text is exactly
 * the head this build writes for the parsed header, one JSON object, and
 * `}}`: then the object is the `data` that was parsed and checked.
 */
function payloadIn(text: string, tenant: string, header: Omit<StoredEvent, "data">): string | undefined {
  const head = eventMessageHead(tenant, header);
  if (!text.startsWith(head) || !text.endsWith("}}")) return undefined;
  const payload = text.slice(head.length, -2);
  return isOneJsonObject(payload) ? payload : undefined;
}

/** Whether valid JSON text is one object and nothing after it (e.g. not `{…},"data":{…}`). */
function isOneJsonObject(text: string): boolean {
  if (!text.startsWith("{")) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = closingQuote(text, i);
      if (i < 0) return false;
    } else if (c === "{" || c === "[") {
      depth += 1;
    } else if (c === "}" || c === "]") {
      depth -= 1;
      if (depth === 0) return i === text.length - 1;
    }
  }
  return false;
}

/** The index of the quote closing the string that opens at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  for (let i = text.indexOf('"', open + 1); i >= 0; i = text.indexOf('"', i + 1)) {
    let backslashes = 0;
    while (text[i - 1 - backslashes] === "\\") backslashes += 1;
    if (backslashes % 2 === 0) return i;
  }
  return -1;
}
