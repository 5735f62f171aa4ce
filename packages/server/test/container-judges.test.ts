/**
 * Office documents judged on a worker thread: the same answers as on the
 * event loop's thread, refusals crossing the thread boundary with their code
 * and details, and a bounded queue.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainerJudges } from "../src/media/container-judges.js";
import { detectDocumentType } from "../src/media/detect.js";
import { docxWithHostileContentTypes, makeDoc, makeDocm, makeDocx, makeXlsx, makeZipBomb } from "../../../tests/support/media-files.js";

let dir: string;
let written = 0;
const judges = new ContainerJudges({ workers: 1, maxQueued: 4, timeoutMs: 30_000 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "parley-container-judges-"));
});

afterAll(async () => {
  await judges.close();
  await rm(dir, { recursive: true, force: true });
});

async function stored(bytes: Buffer): Promise<{ path: string; size: number }> {
  const path = join(dir, `${written++}.upload`);
  await writeFile(path, bytes);
  return { path, size: bytes.length };
}

describe("judging on a worker thread", () => {
  it("tells DOCX, XLSX and DOC apart as the event loop's thread does", async () => {
    const files = await Promise.all([makeDocx(), makeXlsx(), makeDoc()].map((bytes) => stored(bytes)));
    const onWorker = await Promise.all(files.map(({ path, size }) => detectDocumentType(path, size, judges.judge)));
    const here = await Promise.all(files.map(({ path, size }) => detectDocumentType(path, size)));
    expect(onWorker).toEqual(["DOCX", "XLSX", "DOC"]);
    expect(onWorker).toEqual(here);
  });

  it("passes refusals back with their code and details", async () => {
    const macro = await stored(makeDocm());
    await expect(detectDocumentType(macro.path, macro.size, judges.judge)).rejects.toMatchObject({
      code: "MEDIA_TYPE_NOT_ALLOWED",
      details: { detected: "docm" },
    });
    const bomb = await stored(makeZipBomb());
    await expect(detectDocumentType(bomb.path, bomb.size, judges.judge)).rejects.toMatchObject({ code: "MEDIA_COMPRESSION_BOMB" });
    const hostile = await stored(docxWithHostileContentTypes(512 * 1024));
    await expect(detectDocumentType(hostile.path, hostile.size, judges.judge)).rejects.toMatchObject({ code: "MEDIA_TYPE_NOT_ALLOWED" });
  });

  it("refuses with RATE_LIMITED once the queue is full, and judges the rest", async () => {
    const file = await stored(makeDocx());
    const small = new ContainerJudges({ workers: 1, maxQueued: 2, timeoutMs: 30_000 });
    try {
      // All asked in one turn: the worker cannot have taken any yet, so three wait and the third is one too many.
      const answers = await Promise.allSettled(Array.from({ length: 3 }, () => small.judge("zip", file.path, file.size)));
      expect(answers.map((answer) => (answer.status === "fulfilled" ? answer.value : (answer.reason as { code: string }).code))).toEqual([
        "DOCX",
        "DOCX",
        "RATE_LIMITED",
      ]);
    } finally {
      await small.close();
    }
  });

  it("fails what waits once closed, without hanging", async () => {
    const file = await stored(makeDocx());
    const closing = new ContainerJudges({ workers: 1, maxQueued: 4, timeoutMs: 30_000 });
    const pending = closing.judge("zip", file.path, file.size).catch((error: unknown) => error);
    await closing.close();
    expect(await pending).toMatchObject({ code: "UNAVAILABLE" });
    await expect(closing.judge("zip", file.path, file.size)).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });
});
