/**
 * An opt-in check that every answer matches what its route declares (for
 * tests and development; off in production): a status the route does not
 * declare, a JSON body its schema refuses, a field the serialiser dropped or
 * changed (Fastify drops what a response schema does not declare), a body
 * where none is declared, or a content type the route does not list. Each is
 * reported, and the answer goes out unchanged.
 * @module
 */
import { isDeepStrictEqual } from "node:util";
import { TypeCompiler, type TypeCheck } from "@sinclair/typebox/compiler";
import { Kind, type TSchema } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from "fastify";

/** An answer outside its route's schema. */
export interface ResponseViolation {
  /** `GET /v1/chats`: the route as registered. */
  route: string;
  status: number;
  problem: string;
}

type Declared = { kind: "json"; check: TypeCheck<TSchema> } | { kind: "content"; types: string[] } | { kind: "empty" };

/** How a route declares one status: a JSON schema (TypeBox), content types, or no body. */
function declaredOf(entry: unknown): Declared {
  const value = entry as Record<string | symbol, unknown>;
  if (typeof value.content === "object" && value.content !== null) return { kind: "content", types: Object.keys(value.content).map((type) => type.toLowerCase()) };
  if (value[Kind] !== undefined) return { kind: "json", check: TypeCompiler.Compile(value as unknown as TSchema) };
  if (Object.keys(value).every((key) => key === "description")) return { kind: "empty" };
  throw new Error("a response schema that is not TypeBox: declare it with @sinclair/typebox");
}

/** The declared answer for `status`: the status itself, else its class (`4xx`), else `default`. */
function lookup(declared: Map<string, Declared>, status: number): Declared | undefined {
  return declared.get(String(status)) ?? declared.get(`${String(status)[0]}xx`) ?? declared.get("default");
}

function mediaTypeOf(reply: FastifyReply): string {
  const header = reply.getHeader("content-type");
  return (typeof header === "string" ? header : "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function isEmpty(payload: unknown): boolean {
  return payload === undefined || payload === null || payload === "" || (Buffer.isBuffer(payload) && payload.length === 0);
}

/** What the handler gave, before serialisation, by request. */
const given = new WeakMap<FastifyRequest, string>();

/** Where `sent` first differs from what the handler `gave` (a JSON pointer), or undefined when it does not. */
function firstDifference(gave: unknown, sent: unknown, at: string): string | undefined {
  if (isDeepStrictEqual(gave, sent)) return undefined;
  if (gave === null || sent === null || typeof gave !== "object" || typeof sent !== "object" || Array.isArray(gave) !== Array.isArray(sent)) {
    return `${at || "/"}: gave ${JSON.stringify(gave)?.slice(0, 200)}, sent ${JSON.stringify(sent)?.slice(0, 200)}`;
  }
  const a = gave as Record<string, unknown>;
  const b = sent as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const found = firstDifference(a[key], b[key], `${at}/${key}`);
    if (found !== undefined) return found;
  }
  return at || "/";
}

/** Checks one answer; undefined when it matches. */
function problemOf(declared: Map<string, Declared> | Error, request: FastifyRequest, reply: FastifyReply, payload: unknown): string | undefined {
  if (declared instanceof Error) return declared.message;
  const status = reply.statusCode;
  const expected = lookup(declared, status);
  if (expected === undefined) return `status ${status} is not declared`;
  if (expected.kind === "empty") return isEmpty(payload) ? undefined : "a body where the schema declares none";
  // 204 and 304 never carry a body, whatever the schema says of one.
  if ((status === 204 || status === 304) && isEmpty(payload)) return undefined;
  const type = mediaTypeOf(reply);
  if (expected.kind === "content") return expected.types.includes(type) ? undefined : `content type ${type || "(none)"} is not one of ${expected.types.join(", ")}`;
  if (type !== "application/json") return `content type ${type || "(none)"} where JSON is declared`;
  if (typeof payload !== "string") return "a JSON answer that is not text";
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return "an answer that is not JSON";
  }
  const snapshot = given.get(request);
  if (snapshot !== undefined) {
    const changed = firstDifference(JSON.parse(snapshot), body, "");
    if (changed !== undefined) return `the serialiser changed the answer at ${changed} (a field the schema does not declare, or of another type)`;
  }
  if (!expected.check.Check(body)) {
    const first = expected.check.Errors(body).First();
    return `the body does not match the schema at ${first?.path || "/"}: ${first?.message ?? "invalid"} (${payload.slice(0, 600)})`;
  }
  return undefined;
}

/** Installs the check on every route registered after it; `report` hears each violation. */
export function installResponseCheck(app: FastifyInstance, report: (violation: ResponseViolation) => void): void {
  app.addHook("onRoute", (options: RouteOptions) => {
    let declared: Map<string, Declared> | Error;
    try {
      const response = (options.schema?.response ?? {}) as Record<string, unknown>;
      declared = new Map(Object.entries(response).map(([status, entry]) => [status, declaredOf(entry)]));
      // A route that declares no answers has nothing to check against: tests/openapi.test.ts reports it.
      if (declared.size === 0) return;
    } catch (error) {
      declared = error instanceof Error ? error : new Error(String(error));
    }
    const route = `${[options.method].flat().join(",")} ${options.url}`;
    const remember = async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
      given.set(request, JSON.stringify(payload));
      return payload;
    };
    const check = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      // A HEAD answer is its GET's without the body (Fastify empties it): there is nothing to compare.
      if (request.method === "HEAD") return payload;
      const problem = problemOf(declared, request, reply, payload);
      if (problem !== undefined) report({ route, status: reply.statusCode, problem });
      return payload;
    };
    options.preSerialization = [...[options.preSerialization ?? []].flat(), remember];
    options.onSend = [...[options.onSend ?? []].flat(), check];
  });
}
