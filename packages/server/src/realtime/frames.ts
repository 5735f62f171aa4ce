/**
 * Inbound frame parsing: size, text-only, JSON, the `t` discriminator and the
 * frame's schema, each failure with its own code. Validators are compiled
 * once per schema at module load.
 * @module
 */
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import type { TSchema } from "@sinclair/typebox";
import {
  CLIENT_FRAME_SCHEMAS,
  SendLinkFrame,
  SendMediaFrame,
  SendMenuFrame,
  SendMenuResponseFrame,
  SendTextFrame,
  wireError,
  type ClientFrame,
  type ClientFrameType,
  type WireError,
} from "@parley/protocol";

type Checks = Record<Exclude<ClientFrameType, "send">, TypeCheck<TSchema>>;

const CHECKS = Object.fromEntries(
  (Object.keys(CLIENT_FRAME_SCHEMAS) as ClientFrameType[])
    .filter((t) => t !== "send")
    .map((t): [string, TypeCheck<TSchema>] => [t, TypeCompiler.Compile(CLIENT_FRAME_SCHEMAS[t] as TSchema)]),
) as Checks;
// `send` is checked against the schema of its `kind`, so errors name the real problem.
const SEND_CHECKS = {
  text: TypeCompiler.Compile(SendTextFrame),
  link: TypeCompiler.Compile(SendLinkFrame),
  media: TypeCompiler.Compile(SendMediaFrame),
  menu: TypeCompiler.Compile(SendMenuFrame),
  menuResponse: TypeCompiler.Compile(SendMenuResponseFrame),
};

export type ParseResult =
  | { ok: true; frame: ClientFrame }
  /** `rid` is set when the frame carried a usable one, so the error can be a reply. */
  | { ok: false; error: WireError; rid?: number };

function usableRid(value: Record<string, unknown>): number | undefined {
  const rid = value.rid;
  return typeof rid === "number" && Number.isSafeInteger(rid) && rid >= 0 ? rid : undefined;
}

function failure(error: WireError, rid: number | undefined): ParseResult {
  return rid === undefined ? { ok: false, error } : { ok: false, error, rid };
}

function invalid(check: TypeCheck<TSchema>, value: unknown, rid: number | undefined): ParseResult {
  const first = check.Errors(value).First();
  const details = first === undefined ? undefined : { path: first.path || "/", problem: first.message };
  return failure(wireError("INVALID_FRAME", undefined, details), rid);
}

/** Parses one WebSocket message into a validated client frame. */
export function parseFrame(data: Buffer, isBinary: boolean, maxFrameBytes: number): ParseResult {
  if (isBinary) return failure(wireError("BINARY_NOT_SUPPORTED"), undefined);
  if (data.length > maxFrameBytes) {
    return failure(wireError("FRAME_TOO_LARGE", undefined, { limit: maxFrameBytes, size: data.length }), undefined);
  }
  let value: unknown;
  try {
    value = JSON.parse(data.toString("utf8"));
  } catch {
    return failure(wireError("BAD_JSON"), undefined);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return failure(wireError("INVALID_FRAME", "A frame must be a JSON object.", { path: "/" }), undefined);
  }
  const record = value as Record<string, unknown>;
  const rid = usableRid(record);
  const t = record.t;
  if (typeof t !== "string") {
    return failure(wireError("INVALID_FRAME", "The frame has no type field `t`.", { path: "/t" }), rid);
  }
  if (!Object.prototype.hasOwnProperty.call(CLIENT_FRAME_SCHEMAS, t)) {
    return failure(wireError("UNKNOWN_FRAME", undefined, { t: t.slice(0, 64) }), rid);
  }
  if (t === "send") {
    const kind = record.kind;
    if (typeof kind !== "string" || !Object.prototype.hasOwnProperty.call(SEND_CHECKS, kind)) {
      return failure(wireError("INVALID_FRAME", 'A send frame needs kind "text", "link", "media", "menu" or "menuResponse".', { path: "/kind" }), rid);
    }
    const check = SEND_CHECKS[kind as keyof typeof SEND_CHECKS];
    return check.Check(value) ? { ok: true, frame: value as ClientFrame } : invalid(check, value, rid);
  }
  const check = CHECKS[t as Exclude<ClientFrameType, "send">];
  return check.Check(value) ? { ok: true, frame: value as ClientFrame } : invalid(check, value, rid);
}
