/**
 * The costly part of telling what a document is: walking a ZIP's central
 * directory and reading its content types, or a Compound File's allocation
 * chains and directory. Kept apart from the sniffing in `detect.ts` so that it
 * can run on a worker thread (`container-judges.ts`), away from the event loop.
 * @module
 */
import { open } from "node:fs/promises";
import type { DocumentType } from "@parley/protocol";
import { detectLegacyOffice } from "./cfb.js";
import { detectOfficeOpenXml } from "./ooxml.js";

/** The containers whose contents decide the document type. */
export type ContainerKind = "zip" | "cfb";

/** Decides which document a container is; see {@link judgeContainer}. */
export type ContainerJudge = (kind: ContainerKind, path: string, size: number) => Promise<DocumentType>;

/**
 * Judges a ZIP (Office Open XML) or Compound File (legacy Office) container on
 * this thread.
 * @throws ParleyError as `detectOfficeOpenXml` and `detectLegacyOffice` do
 */
export const judgeContainer: ContainerJudge = async (kind, path, size) => {
  if (kind === "zip") return detectOfficeOpenXml(path);
  const handle = await open(path, "r");
  try {
    return await detectLegacyOffice(handle, size);
  } finally {
    await handle.close();
  }
};
