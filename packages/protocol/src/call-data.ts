/**
 * Call data: key–value string attributes of a chat, set when it starts
 * (`startContact({ callData })`, `POST /v1/contacts`) and changed during it by
 * agents (`setCallData` frame, `PATCH /v1/chats/:chatId/call-data`) and API
 * keys with the `chats:write` scope. See `docs/rest.md` and `docs/protocol.md`.
 * @module
 */
import { Type, type Static } from "@sinclair/typebox";
import { CHAT_ID_PATTERN } from "./ids.js";
import { CALL_DATA_KEY_PATTERN, CALL_DATA_LIMITS } from "./limits.js";
import type { CallData } from "./payloads.js";

/**
 * Call data as a request carries it. The schema is loose on purpose (bounded
 * in count and size only): the rules on keys and values are checked by the
 * server, which answers `CALL_DATA_INVALID` or `CALL_DATA_TOO_LARGE` for them
 * rather than a generic validation error.
 */
export const CallDataSchema = Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 64 * 1024 }), {
  maxProperties: 1_000,
  description: `Keys match ${CALL_DATA_KEY_PATTERN} (at most ${CALL_DATA_LIMITS.maxKeyLength} characters); values are strings of at most ${CALL_DATA_LIMITS.maxValueLength} characters.`,
});

/** A change of call data: each key set to its value, or removed with null. */
export const CallDataChangesSchema = Type.Record(Type.String({ maxLength: 256 }), Type.Union([Type.String({ maxLength: 64 * 1024 }), Type.Null()]), {
  maxProperties: 1_000,
  description: "Keys to set (a string) or remove (null); keys not named keep their value.",
});
export type CallDataChanges = Static<typeof CallDataChangesSchema>;

/** Agents only: change a chat's call data (a stored `callDataChanged` event). */
export const SetCallDataFrame = Type.Object(
  {
    t: Type.Literal("setCallData"),
    rid: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    chatId: Type.String({ pattern: CHAT_ID_PATTERN }),
    changes: CallDataChangesSchema,
  },
  { additionalProperties: false },
);
export type SetCallDataFrame = Static<typeof SetCallDataFrame>;

/** Result of `setCallData` and answer of `PATCH /v1/chats/:chatId/call-data`. */
export interface CallDataResult {
  /** Sequence number of the stored `callDataChanged` event, or null when nothing changed. */
  seq: number | null;
  /** The chat's call data after the change. */
  callData: CallData;
}
