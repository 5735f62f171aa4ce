/**
 * Exports shared by the browser and Node entry points (everything but the
 * instance factory and the default instance).
 * @module
 */
export { SDK_DEFAULTS } from "./sdk.js";
export type { LiveChatSdk } from "./sdk.js";
export { LiveChatError } from "./errors.js";
export { backoff } from "./backoff.js";
export { SDK_VERSION } from "./version.js";
export type { LiveChat } from "./livechat.js";
export type { Contact } from "./contact.js";
export type { ChatFeed } from "./chat-feed.js";
export type * from "./types.js";
export type {
  AgentPresence,
  AgentStatus,
  ManualAgentStatus,
  ChatAgent,
  ChatListItem,
  ChatListStatus,
  ChatSummary,
  ContactEndedEvent,
  ContactEventMap,
  ContactEventName,
  ContactInfo,
  ErrorCode,
  HistoryEntry,
  HistoryMessage,
  IsWritingEvent,
  JoinResult,
  Limits,
  LinkEvent,
  MessagePreview,
  MessageEvent,
  MessageType,
  MultimediaMessageEvent,
  MultimediaMessageStoredEvent,
  QueuePosition,
  ReceiptEvent,
  User,
  UserAddedEvent,
  UserLeftEvent,
  UserRef,
  WireError,
} from "@parley/protocol";
