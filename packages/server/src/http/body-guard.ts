/**
 * Request bodies that stall: a body that sends nothing for `bodyIdleTimeoutMs`,
 * or is still arriving after `requestTimeoutMs`, is cut off with 408
 * `REQUEST_BODY_TIMEOUT`, so that a declared 25 MiB upload which never comes
 * cannot hold a connection and a spool file for minutes. The error reaches
 * whoever reads the body (the JSON parser, the upload spool, which deletes its
 * file), and the answer closes the connection since the rest of the body is
 * never read.
 * @module
 */
import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { HttpGuards } from "../config.js";
import { ParleyError } from "../errors.js";

function hasBody(raw: IncomingMessage): boolean {
  const length = raw.headers["content-length"];
  return (length !== undefined && length !== "0") || raw.headers["transfer-encoding"] !== undefined;
}

/**
 * The body of `source`, failing with `REQUEST_BODY_TIMEOUT` when it stalls.
 * `source` is only piped, never destroyed: its socket must still carry the answer.
 */
export function watchBody(source: NodeJS.ReadableStream & { complete?: boolean }, idleMs: number, totalMs: number): PassThrough {
  const body = new PassThrough();
  // A request may be answered before anyone reads its body (a refusal); the later cut-off must not
  // become an uncaught 'error' event, which would end the process. Readers still get the error.
  body.on("error", () => {});
  const cutOff = (why: string, limitMs: number) => {
    source.unpipe(body);
    body.destroy(new ParleyError("REQUEST_BODY_TIMEOUT", `The request body ${why}.`, { timeoutMs: limitMs }));
  };
  const idle = setTimeout(() => cutOff(`sent nothing for ${idleMs} ms`, idleMs), idleMs).unref();
  const total = setTimeout(() => cutOff(`took longer than ${totalMs} ms`, totalMs), totalMs).unref();
  const stop = () => {
    clearTimeout(idle);
    clearTimeout(total);
  };
  source.on("data", () => {
    idle.refresh();
  });
  source.on("error", (error) => body.destroy(error));
  // The client went away before the end: whoever reads the body must not wait for it.
  source.on("close", () => {
    if (source.complete !== true && !body.destroyed) body.destroy(new ParleyError("REQUEST_BODY_TIMEOUT", "The client closed the request before its body arrived."));
  });
  body.on("close", stop);
  body.on("end", stop);
  source.pipe(body);
  return body;
}

export function installBodyGuards(app: FastifyInstance, guards: Pick<HttpGuards, "bodyIdleTimeoutMs" | "requestTimeoutMs">): void {
  app.addHook("preParsing", async (request, _reply, payload) => {
    if (!hasBody(request.raw)) return payload;
    return watchBody(payload, guards.bodyIdleTimeoutMs, guards.requestTimeoutMs);
  });
  // Answered before its body arrived (refused by authentication, a limit or a timeout): the rest is
  // never read, so the connection cannot carry another request.
  app.addHook("onSend", async (request, reply, payload) => {
    if (!request.raw.complete) void reply.header("connection", "close");
    return payload;
  });
}
