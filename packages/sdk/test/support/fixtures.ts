/** Test data and waiting helpers shared by the SDK tests. */
import type {
  ContactEventMap,
  HistoryEntry,
  JoinResult,
  Limits,
  MessageEvent,
  SessionIdentity,
  User,
  UserRef,
} from "@parley/protocol";
import { createLiveChatSdk, type Contact, type LiveChat, type LiveChatSdk, type LiveChatSdkOptions } from "../../src/index.node.js";
import type { ConnectionState, LiveChatEventMap, StateContext } from "../../src/types.js";
import { WAIT_MS, type FakeConnection, type FakeServer } from "./fake-server.js";

export const CHAT_ID = "CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d";
export const OTHER_CHAT_ID = "CHAT_0b6a1a4e-6f55-4c1e-9a1c-2f0b8f3a9e11";

export const AGENT: SessionIdentity = { userId: "USER_11111111-1111-4111-8111-111111111111", role: "agent", nickname: "Ann" };
export const CUSTOMER_REF: UserRef = { id: "USER_22222222-2222-4222-8222-222222222222", nickname: "Bob", isAgent: false };
export const AGENT_REF: UserRef = { id: AGENT.userId, nickname: "Ann", isAgent: true };

export function messageId(n: number): string {
  return `MSG_00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

export function fullUser(ref: UserRef): User {
  return {
    ...ref,
    beginTime: "2025-01-01T10:00:00.000Z",
    endTime: null,
    isOnline: true,
    userAgent: null,
    firstUri: null,
    firstTitle: null,
    channel: ref.isAgent ? "agent" : "web",
    firstIP: null,
  };
}

export function textMessage(n: number, author: UserRef = CUSTOMER_REF, text = `hello ${n}`): MessageEvent {
  return { id: messageId(n), chatId: CHAT_ID, messageType: "TEXT", content: { text, user: author }, ts: "2025-01-01T10:00:00.000Z" };
}

export function historyEntry(seq: number): HistoryEntry {
  const m = textMessage(seq);
  return {
    data: { id: m.id, messageType: "TEXT", content: m.content, ts: m.ts, tsMs: Date.parse(m.ts), seq, replyTo: null, deliverySuccess: true, deliveryErrorReason: null },
  };
}

export function joinResult(overrides: Partial<JoinResult> = {}, chatId = CHAT_ID): JoinResult {
  return {
    contact: { id: chatId, status: "active", createdAt: "2025-01-01T09:59:00.000Z", endedAt: null },
    user: fullUser(AGENT_REF),
    participants: [fullUser(CUSTOMER_REF), fullUser(AGENT_REF)],
    lastSeq: 0,
    history: { messages: [], hasMore: false },
    ...overrides,
  };
}

/** Fast reconnects for tests. */
export const TEST_OPTIONS: LiveChatSdkOptions = { minReconnectDelayMs: 5, maxReconnectDelayMs: 30, requestTimeoutMs: 2_000 };

/** Creates an SDK on the fake server, logs in as `identity` and returns the socket the server saw. */
export async function loggedIn(
  server: FakeServer,
  identity: SessionIdentity = AGENT,
  limits: Partial<Limits> = {},
  options: LiveChatSdkOptions = {},
): Promise<{ sdk: LiveChatSdk; conn: FakeConnection }> {
  const sdk = createLiveChatSdk({ ...TEST_OPTIONS, ...options });
  sdk.init({ serverUrl: server.url });
  const login = sdk.LIVECHAT.login("token-1");
  const conn = await server.nextConnection();
  await conn.acceptHello(identity, limits);
  await login;
  return { sdk, conn };
}

/** Joins `chatId` and answers the join with `result`. */
export async function joined(sdk: LiveChatSdk, conn: FakeConnection, result: Partial<JoinResult> = {}, chatId = CHAT_ID): Promise<Contact> {
  const joining = sdk.LIVECHAT.joinContact(chatId, "Ann");
  const frame = await conn.next("join", (f) => f.chatId === chatId);
  conn.reply(frame.rid, joinResult(result, chatId));
  return joining;
}

/** Resolves with the next `name` event of a contact; fails after WAIT_MS. */
export function nextEvent<K extends keyof ContactEventMap>(contact: Contact, name: K): Promise<ContactEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${String(name)}" event within ${WAIT_MS} ms`)), WAIT_MS);
    const listener = (event: ContactEventMap[K]) => {
      clearTimeout(timer);
      contact.off(name, listener);
      resolve(event);
    };
    contact.on(name, listener);
  });
}

/** Records every `name` event of a contact. */
export function collect<K extends keyof ContactEventMap>(contact: Contact, name: K): ContactEventMap[K][] {
  const events: ContactEventMap[K][] = [];
  contact.on(name, (event) => events.push(event));
  return events;
}

/** Records every `name` event of a session (`state`, `error`). */
export function collectSession<K extends keyof LiveChatEventMap>(live: LiveChat, name: K): LiveChatEventMap[K][] {
  const events: LiveChatEventMap[K][] = [];
  live.on(name, (event) => events.push(event));
  return events;
}

/** Resolves with the next `name` event of a session; fails after WAIT_MS. */
export function nextSessionEvent<K extends keyof LiveChatEventMap>(live: LiveChat, name: K): Promise<LiveChatEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${String(name)}" session event within ${WAIT_MS} ms`)), WAIT_MS);
    const listener = (event: LiveChatEventMap[K]) => {
      clearTimeout(timer);
      live.off(name, listener);
      resolve(event);
    };
    live.on(name, listener);
  });
}

/** Resolves when the session reaches `state`; fails after WAIT_MS. */
export function nextState(live: LiveChat, state: ConnectionState): Promise<StateContext> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`state "${state}" not reached within ${WAIT_MS} ms`)), WAIT_MS);
    const listener = (context: StateContext) => {
      if (context.state !== state) return;
      clearTimeout(timer);
      live.off("state", listener);
      resolve(context);
    };
    live.on("state", listener);
  });
}

/** Waits until `promise` settles and returns the rejection (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; name: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; name: string; message: string };
  }
  throw new Error("expected a rejection");
}
