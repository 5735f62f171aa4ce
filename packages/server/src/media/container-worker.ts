/**
 * A worker thread of `container-judges.ts`: judges one container at a time and
 * answers with the document type, or with the coded error it was refused with.
 * @module
 */
import { parentPort } from "node:worker_threads";
import { ParleyError } from "../errors.js";
import { judgeContainer } from "./containers.js";
import type { JudgeAnswer, JudgeRequest } from "./container-messages.js";

const port = parentPort;
if (port === null) throw new Error("container-worker.ts runs as a worker thread");

port.on("message", (request: JudgeRequest) => {
  void judgeContainer(request.kind, request.path, request.size).then(
    (type): void => port.postMessage({ id: request.id, type } satisfies JudgeAnswer),
    (error: unknown): void => {
      // Only coded errors cross as themselves; anything else is a fault of this code, answered as internal.
      const refusal = error instanceof ParleyError ? { code: error.code, message: error.message, details: error.details } : undefined;
      port.postMessage({ id: request.id, refusal, fault: refusal === undefined ? String(error) : undefined } satisfies JudgeAnswer);
    },
  );
});
port.postMessage({ ready: true } satisfies JudgeAnswer);
