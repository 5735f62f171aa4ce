/**
 * The one registry of Parley's error codes.
 *
 * Every error a client can see — in a WebSocket reply, an `error` frame, a REST
 * response or a rejected SDK promise — carries one of these codes. Codes are
 * stable: they are never renamed or reused, only added. `docs/errors.md` is the
 * reference page and lists the same entries.
 *
 * This module has no runtime dependencies so the browser SDK can import it
 * without pulling in the schema library.
 *
 * @module
 */

/** How one error code behaves: its HTTP status and a default human message. */
export interface ErrorSpec {
  /** HTTP status used when the error is answered over REST. */
  readonly status: number;
  /** Default message; a specific error may carry a more precise one. */
  readonly message: string;
}

/**
 * Every error code with its HTTP status and default message.
 * Keep in the same order as `docs/errors.md`.
 */
export const ERRORS = {
  // Frames and requests
  BAD_JSON: { status: 400, message: "The frame is not valid JSON." },
  UNKNOWN_FRAME: { status: 400, message: "Unknown frame type." },
  INVALID_FRAME: { status: 400, message: "The frame is missing fields or has fields of the wrong type." },
  FRAME_TOO_LARGE: { status: 413, message: "The frame exceeds the maximum frame size." },
  BINARY_NOT_SUPPORTED: { status: 400, message: "Binary WebSocket frames are not accepted; send JSON text." },
  VALIDATION_FAILED: { status: 400, message: "The request body or parameters are invalid." },
  NOT_FOUND: { status: 404, message: "No such resource." },
  // Session
  HELLO_REQUIRED: { status: 400, message: "The first frame on a socket must be a hello frame." },
  ALREADY_AUTHENTICATED: { status: 400, message: "This socket has already said hello." },
  // Authentication and authorisation
  AUTH_REQUIRED: { status: 401, message: "A token is required." },
  AUTH_INVALID_TOKEN: { status: 401, message: "The token is malformed, forged or signed with another key." },
  AUTH_TOKEN_EXPIRED: { status: 401, message: "The token has expired." },
  INVALID_CREDENTIALS: { status: 401, message: "Unknown username or wrong password." },
  FORBIDDEN: { status: 403, message: "This token does not give access to that chat." },
  ORIGIN_NOT_ALLOWED: { status: 403, message: "Pages of this origin may not use this server (see PARLEY_ALLOWED_ORIGINS)." },
  API_KEY_SCOPE: { status: 403, message: "This API key's scopes do not allow this call." },
  AGENT_DISABLED: { status: 403, message: "This agent account is disabled; ask an admin of the tenant." },
  // Chats and participants
  CONTACT_NOT_FOUND: { status: 404, message: "No chat with that id." },
  CONTACT_ENDED: { status: 409, message: "The chat has ended and accepts no more messages or participants." },
  NOT_A_PARTICIPANT: { status: 403, message: "Join the chat before sending to it." },
  PARTICIPANTS_LIMIT: { status: 409, message: "The chat has reached its maximum number of participants." },
  CONTACTS_PER_SESSION_LIMIT: { status: 409, message: "This session has joined the maximum number of chats." },
  MESSAGE_NOT_FOUND: { status: 404, message: "No message with that id in this chat." },
  SURVEY_NOT_AVAILABLE: { status: 409, message: "This chat has no survey to answer: it has not ended, or its queue asks none." },
  SURVEY_ALREADY_ANSWERED: { status: 409, message: "The survey of this chat was already answered." },
  SURVEY_EXPIRED: { status: 410, message: "The time to answer this chat's survey has passed." },
  SURVEY_ANSWER_INVALID: { status: 400, message: "An answer is out of the survey's scale, missing, or names no question of it." },
  FORM_INVALID: { status: 400, message: "The answers do not fit the queue's pre-chat form: a mandatory field is missing, or an answer is too long, not an option or not of the expected shape." },
  FORM_DEFINITION_INVALID: { status: 400, message: "The pre-chat form cannot be used: two fields share a key, a choice field has no options, or a pattern is outside the allowed syntax." },
  // Desk
  AGENT_CAPACITY_FULL: { status: 409, message: "This agent already handles as many chats as their capacity allows; leave or end one first." },
  QUEUE_NOT_FOUND: { status: 404, message: "No queue with that name." },
  QUEUE_EXISTS: { status: 409, message: "A queue with that name exists already." },
  QUEUE_IN_USE: { status: 409, message: "The default queue cannot be removed." },
  OFFER_EXPIRED: { status: 409, message: "The offer lapsed or the chat was taken; it has moved on." },
  OFFER_NOT_YOURS: { status: 403, message: "This chat is not offered to you." },
  AGENT_NOT_FOUND: { status: 404, message: "No agent with that id or username in this tenant." },
  AGENT_USERNAME_TAKEN: { status: 409, message: "An agent of this tenant already has that username." },
  LAST_ADMIN: { status: 409, message: "This is the tenant's last enabled admin: make another admin first." },
  TRANSFER_INVALID: { status: 400, message: "A transfer names exactly one target, an agent other than yourself or a queue." },
  CANNED_RESPONSE_NOT_FOUND: { status: 404, message: "No canned response with that id that you may see." },
  CANNED_SHORTCUT_TAKEN: { status: 409, message: "Another canned response of the same scope already has that shortcut." },
  // Content
  TEXT_EMPTY: { status: 400, message: "The message text is empty." },
  TEXT_TOO_LONG: { status: 400, message: "The message text exceeds the maximum length." },
  NICKNAME_INVALID: {
    status: 400,
    message: "Nicknames are 1 to maxNicknameLength (64 by default) characters: letters, digits, punctuation and single spaces; no control, format or line-separator characters.",
  },
  NICKNAME_RESERVED: { status: 409, message: "That nickname is an agent's name or looks like one; choose another." },
  INVALID_URL: { status: 400, message: "Links must be absolute http or https URLs." },
  CLIENT_ID_REUSED: { status: 409, message: "This client id was already used for a different message." },
  MENU_INVALID: { status: 400, message: "A menu or quick reply needs 1 to 10 options with unique ids, short texts and http(s) links only." },
  MENU_NOT_FOUND: { status: 404, message: "No menu or quick reply with that id in this chat." },
  MENU_OPTION_NOT_FOUND: { status: 400, message: "That menu or quick reply does not offer this option." },
  WEBHOOK_URL_INVALID: { status: 400, message: "Webhook URLs must be absolute http or https URLs without a user name or password." },
  WEBHOOK_URL_PRIVATE: { status: 400, message: "This server sends webhooks to public addresses only; that host is or resolves to a private, loopback or link-local address." },
  CALL_DATA_INVALID: { status: 400, message: "Call data keys are 1 to 64 characters of A-Z, a-z, 0-9, _ . -; values are strings of at most 1,024 characters." },
  VISITOR_CONTEXT_INVALID: { status: 400, message: "The visitor context has a visitor id, language or time zone that is malformed or too long." },
  EMAIL_INVALID: { status: 400, message: "That is not an e-mail address." },
  HOURS_INVALID: { status: 400, message: "The business hours name an unknown time zone, an interval that closes before it opens, or a date that does not exist." },
  REPORT_RANGE_INVALID: { status: 400, message: "A report needs from and to as YYYY-MM-DD days, from not after to, at most 92 days apart." },
  TIME_ZONE_INVALID: { status: 400, message: "That is not a time zone this server knows (use an IANA name such as Europe/Paris)." },
  // Limits
  RATE_LIMITED: { status: 429, message: "Too many requests; slow down and retry later." },
  CONNECTION_LIMIT: { status: 429, message: "Too many open connections or requests in flight from this client; finish some and retry." },
  REQUEST_BODY_TIMEOUT: { status: 408, message: "The request body arrived too slowly or stopped arriving." },
  TOO_MANY_SOCKETS: { status: 429, message: "Too many open sockets from this address or with this token; close some and retry." },
  API_KEY_LIMIT: { status: 409, message: "This tenant holds the maximum number of API keys; revoke one first." },
  CUSTOMER_DATA_TOO_LARGE: { status: 413, message: "The customer has more chats or files than one export or erasure may cover; ask a chat id at a time." },
  WEBHOOK_LIMIT: { status: 409, message: "This tenant holds the maximum number of webhook endpoints; remove one first." },
  CALL_DATA_TOO_LARGE: { status: 413, message: "The chat's call data would hold more than 30 keys or 8 KiB." },
  REPORT_TOO_LARGE: { status: 413, message: "The range holds more chats than one report may cover; ask a shorter range." },
  OFFLINE_MESSAGES_FULL: { status: 429, message: "This company holds as many unanswered offline messages as it may; try again later." },
  CANNED_RESPONSE_LIMIT: { status: 409, message: "This scope holds the maximum number of canned responses; remove one first." },
  // Media
  MEDIA_INVALID_BASE64: { status: 400, message: "The file is not valid Base64, or it is truncated." },
  MEDIA_EMPTY: { status: 400, message: "The file is empty." },
  MEDIA_TOO_LARGE: { status: 413, message: "The file exceeds the maximum file size." },
  MEDIA_TYPE_NOT_ALLOWED: {
    status: 415,
    message: "Only PNG and JPEG images and PDF, DOC, DOCX, PPT, PPTX, XLS and XLSX documents are accepted.",
  },
  MEDIA_TYPE_MISMATCH: { status: 415, message: "The file's bytes are not of the kind the message declares (IMAGE or DOCUMENT)." },
  IMAGE_TOO_MANY_PIXELS: { status: 413, message: "The image has more pixels than allowed." },
  IMAGE_DIMENSIONS_NOT_ALLOWED: { status: 422, message: "The image is wider or taller, or more elongated, than allowed." },
  MEDIA_PROCESSING_TIMEOUT: { status: 422, message: "The file took longer to check or process than allowed." },
  MEDIA_CORRUPT: { status: 422, message: "The file is damaged or incomplete." },
  MEDIA_COMPRESSION_BOMB: { status: 422, message: "The document would expand to far more than it is allowed to hold." },
  FILE_NAME_INVALID: { status: 400, message: "File names must be plain names: no paths, no control characters, not too long." },
  CAPTION_TOO_LONG: { status: 400, message: "The caption exceeds the maximum length." },
  UPLOAD_NOT_FOUND: { status: 404, message: "No upload with that id by this sender in this chat." },
  MEDIA_FORMAT_UNAVAILABLE: { status: 404, message: "That format does not exist for this message (thumbnails exist for images only)." },
  MEDIA_LINK_INVALID: { status: 403, message: "The download link is invalid or has expired." },
  MEDIA_NOT_READY: { status: 409, message: "The image is still being processed; its thumbnail is ready once multimediaMessageStored arrives." },
  MEDIA_PROCESSING_FAILED: { status: 422, message: "The image could not be processed; only its original, stripped of metadata, is available." },
  /** Kept so the code is never reused: no longer raised now that media are supported. */
  MEDIA_NOT_SUPPORTED: { status: 501, message: "Multimedia messages are not supported by this server." },
  MEDIA_ERASED: { status: 410, message: "This file was erased at the customer's request; its bytes are gone." },
  // Tenants
  TENANT_NOT_FOUND: { status: 404, message: "No tenant with that name." },
  TENANT_DISABLED: { status: 403, message: "This tenant is disabled." },
  TENANT_MISMATCH: { status: 403, message: "The request names two different tenants." },
  TENANT_AGENT_LIMIT: { status: 403, message: "The tenant has as many agents as its limit allows." },
  TENANT_CHAT_LIMIT: { status: 403, message: "The tenant has as many active chats as its limit allows; retry later." },
  TENANT_STORAGE_LIMIT: { status: 403, message: "The tenant's files fill its storage limit." },
  ROLE_FORBIDDEN: { status: 403, message: "Your role does not allow this." },
  // Server and transport
  INTERNAL_ERROR: { status: 500, message: "The server failed to handle the request." },
  UNAVAILABLE: { status: 503, message: "The server is shutting down or a dependency is unavailable." },
  STORE_UNAVAILABLE: { status: 503, message: "The database is unreachable right now; nothing was changed. Retry shortly." },
  // Raised by the SDK itself, never sent by the server
  NOT_INITIALIZED: { status: 400, message: "Call LIVECHATSDK.init({ serverUrl }) first." },
  NOT_LOGGED_IN: { status: 401, message: "Call LIVECHATSDK.LIVECHAT.login(token) first." },
  NOT_JOINED: { status: 400, message: "This chat has not been joined in this session." },
  CONNECTION_CLOSED: { status: 503, message: "The connection closed before the server answered." },
  REQUEST_TIMEOUT: { status: 504, message: "The server did not answer in time." },
  LOGGED_OUT: { status: 400, message: "The session was logged out." },
  UPLOAD_FAILED: { status: 502, message: "The file upload failed after several attempts." },
} as const satisfies Record<string, ErrorSpec>;

/** A stable Parley error code, e.g. `"CONTACT_ENDED"`. */
export type ErrorCode = keyof typeof ERRORS;

/** Every error code, in registry order. */
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/** An error as it travels on the wire (WebSocket and REST alike). */
export interface WireError {
  /** Stable code from the registry. */
  code: ErrorCode;
  /** Human-readable explanation; not for parsing. */
  message: string;
  /** Optional machine-readable context, e.g. `{ limit: 10000 }` or `{ retryAfterMs: 500 }`. */
  details?: Record<string, unknown>;
}

/** Whether a string is one of the registry's codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(ERRORS, value);
}

/** Builds a wire error for a code, with the registry's message unless one is given. */
export function wireError(code: ErrorCode, message?: string, details?: Record<string, unknown>): WireError {
  const error: WireError = { code, message: message ?? ERRORS[code].message };
  if (details !== undefined) error.details = details;
  return error;
}
