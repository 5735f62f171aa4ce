/** What `container-judges.ts` and its worker threads say to each other. @module */
import type { DocumentType, ErrorCode } from "@parley/protocol";
import type { ContainerKind } from "./containers.js";

/** One container to judge. */
export interface JudgeRequest {
  id: number;
  kind: ContainerKind;
  path: string;
  size: number;
}

/** A worker's answer: ready for work, or the outcome of one request. */
export type JudgeAnswer =
  | { ready: true }
  | { id: number; type: DocumentType }
  | {
      id: number;
      /** The coded error the container was refused with. */
      refusal: { code: ErrorCode; message: string; details: Record<string, unknown> | undefined } | undefined;
      /** An unexpected failure, as text. */
      fault: string | undefined;
    };
