/**
 * @module @parley/protocol
 * Parley's wire protocol, shared by the server and the SDK: frames, event
 * payloads, error codes, limits and schemas.
 */
export * from "./constants.js";
export * from "./errors.js";
export * from "./close-codes.js";
export * from "./limits.js";
export * from "./content-rules.js";
export * from "./rich.js";
export * from "./ids.js";
export * from "./base64.js";
export * from "./media.js";
export * from "./payloads.js";
export * from "./frames.js";
export * from "./rest.js";
export * from "./answer-schemas.js";
export * from "./chat-list.js";
export * from "./api-keys.js";
export * from "./desk.js";
export * from "./queue-position.js";
export * from "./queues.js";
export * from "./webhooks.js";
export * from "./agents-admin.js";
export * from "./call-data.js";
export * from "./front-door.js";
export * from "./invitations.js";
export * from "./supervision.js";
export * from "./call-data-rules.js";
export * from "./canned.js";
export * from "./emoji.js";
export * from "./caret.js";
export * from "./visitor-context.js";
export * from "./visitor-context-rules.js";
export * from "./reports.js";
export * from "./form-pattern.js";
export * from "./prechat-rules.js";
export * from "./prechat-form.js";
