/**
 * File types decided from bytes: every accepted type is recognised whatever
 * its name, and every look-alike, hostile or broken file is refused with its
 * own code.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import CFB from "cfb";
import { strToU8, zipSync, type Zippable } from "fflate";
import sharp from "sharp";
import type { DocumentType } from "@parley/protocol";
import { detectDocumentType } from "../src/media/detect.js";
import {
  makeDoc,
  makeDocm,
  makeDocx,
  makeEncryptedOffice,
  makeExe,
  makeHtml,
  makeJpeg,
  makeMsi,
  makePdf,
  makePlainZip,
  makePng,
  makePpt,
  makePptx,
  makeSvg,
  makeXls,
  makeXlsx,
  makeZipBomb,
} from "../../../tests/support/media-files.js";

let dir: string;
let written = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "parley-media-detect-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Stores the bytes under a name of the test's choosing and detects them; the name is never consulted. */
async function detect(bytes: Buffer | Promise<Buffer>, name = "upload.bin"): Promise<DocumentType> {
  const data = await bytes;
  const path = join(dir, `${written++}-${name}`);
  await writeFile(path, data);
  return detectDocumentType(path, data.length);
}

/** Patches a copy of a file. */
function patched(original: Buffer, patch: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(original);
  patch(copy);
  return copy;
}

describe("accepted types", () => {
  it.each<[string, () => Buffer | Promise<Buffer>, DocumentType]>([
    ["a PNG", () => makePng({ width: 30, height: 20 }), "PNG"],
    ["a JPEG", () => makeJpeg({ width: 30, height: 20, gps: true }), "JPEG"],
    ["a PDF", makePdf, "PDF"],
    ["a Word document", makeDocx, "DOCX"],
    ["an Excel workbook", makeXlsx, "XLSX"],
    ["a PowerPoint presentation", makePptx, "PPTX"],
    ["a legacy Word document", () => makeDoc(), "DOC"],
    ["a legacy Excel workbook", makeXls, "XLS"],
    ["a legacy PowerPoint presentation", makePpt, "PPT"],
  ])("recognises %s from its bytes, whatever its name", async (_label, make, type) => {
    expect(await detect(make(), "misleading-name.txt")).toBe(type);
  });

  it("follows the DIFAT chain of a legacy document too large for the header's 109 FAT sectors", async () => {
    const doc = makeDoc({ padding: 8 * 1024 * 1024 });
    expect(doc.readUInt32LE(44)).toBeGreaterThan(109); // FAT sectors
    expect(doc.readUInt32LE(72)).toBeGreaterThan(0); // DIFAT sectors
    expect(await detect(doc)).toBe("DOC");
  });

  it("judges by the streams at the root, not those of embedded objects", async () => {
    const compound = (paths: string[]) => {
      const container = CFB.utils.cfb_new();
      for (const path of paths) CFB.utils.cfb_add(container, path, Buffer.alloc(5000));
      return Buffer.from(CFB.write(container, { type: "buffer" }) as Uint8Array);
    };
    expect(await detect(compound(["/WordDocument", "/ObjectPool/_1234/Workbook"]))).toBe("DOC");
    await expect(detect(compound(["/ObjectPool/_1234/Workbook"]))).rejects.toMatchObject({
      code: "MEDIA_TYPE_NOT_ALLOWED",
      details: { detected: "cfb" },
    });
  });
});

describe("refused types", () => {
  it.each<[string, () => Buffer | Promise<Buffer>, string, string]>([
    ["a Windows executable renamed .pdf", makeExe, "report.pdf", "exe"],
    ["an ELF executable renamed .png", () => Buffer.concat([Buffer.from("\x7fELF\x02\x01\x01", "latin1"), Buffer.alloc(120)]), "cat.png", "elf"],
    ["an HTML page renamed .docx", makeHtml, "invoice.docx", "unknown"],
    ["an SVG renamed .png", makeSvg, "logo.png", "xml"],
    ["a GIF", () => sharp({ create: { width: 8, height: 8, channels: 3, background: "red" } }).gif().toBuffer(), "a.gif", "gif"],
    ["a WebP", () => sharp({ create: { width: 8, height: 8, channels: 3, background: "red" } }).webp().toBuffer(), "a.webp", "webp"],
    ["plain text", () => Buffer.from("Just some notes.\n".repeat(50)), "notes.pdf", "unknown"],
    ["garbage", () => Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 251)), "data.xlsx", "unknown"],
    ["a plain ZIP", makePlainZip, "archive.docx", "zip"],
    ["a macro-enabled Word document", makeDocm, "macros.docx", "docm"],
    ["an installer (a Compound File without Office streams)", makeMsi, "setup.doc", "cfb"],
    ["an encrypted Office document", makeEncryptedOffice, "secret.docx", "encrypted-office"],
  ])("refuses %s", async (_label, make, name, detected) => {
    await expect(detect(make(), name)).rejects.toMatchObject({ code: "MEDIA_TYPE_NOT_ALLOWED", details: { detected } });
  });

  it("refuses an Office template: its main part has the template's content type", async () => {
    const docx = zipSync({
      "[Content_Types].xml": strToU8(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Override PartName="/word/document.xml" ' +
          'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"/></Types>',
      ),
      "word/document.xml": strToU8("<w:document/>"),
    });
    await expect(detect(Buffer.from(docx))).rejects.toMatchObject({ code: "MEDIA_TYPE_NOT_ALLOWED", details: { detected: "dotx" } });
  });

  it("accepts a main part typed by a Default rather than an Override", async () => {
    const xlsx = zipSync({
      "[Content_Types].xml": strToU8(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          "<Default Extension='xml' ContentType='application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'/></Types>",
      ),
      "xl/workbook.xml": strToU8("<workbook/>"),
    });
    expect(await detect(Buffer.from(xlsx))).toBe("XLSX");
  });
});

describe("empty, broken and hostile files", () => {
  it("refuses an empty file", async () => {
    await expect(detect(Buffer.alloc(0), "empty.pdf")).rejects.toMatchObject({ code: "MEDIA_EMPTY" });
  });

  it("refuses a PDF cut short (no %%EOF at its end)", async () => {
    const pdf = makePdf();
    await expect(detect(pdf.subarray(0, pdf.length - 40))).rejects.toMatchObject({ code: "MEDIA_CORRUPT" });
  });

  it("refuses a ZIP cut short (no central directory)", async () => {
    const docx = makeDocx();
    await expect(detect(docx.subarray(0, docx.length - 100))).rejects.toMatchObject({ code: "MEDIA_CORRUPT" });
  });

  it("refuses a ZIP whose entry names climb out of the archive", async () => {
    const escaping: Zippable = {
      "[Content_Types].xml": strToU8("<Types/>"),
      "../../etc/cron.d/job": strToU8("* * * * * root true\n"),
    };
    await expect(detect(Buffer.from(zipSync(escaping)))).rejects.toMatchObject({
      code: "MEDIA_CORRUPT",
      message: expect.stringContaining("invalid relative path"),
    });
  });

  it("refuses a .docx-shaped ZIP holding 64 MiB of zeros, without inflating it", async () => {
    const bomb = makeZipBomb();
    expect(bomb.length).toBeLessThan(256 * 1024);
    await expect(detect(bomb, "cv.docx")).rejects.toMatchObject({
      code: "MEDIA_COMPRESSION_BOMB",
      details: { entry: "word/media/padding.bin" },
    });
  });

  it("refuses a ZIP of more than 10,000 entries", async () => {
    const files: Zippable = { "[Content_Types].xml": strToU8("<Types/>") };
    for (let i = 0; i < 10_001; i++) files[`word/media/${i}.xml`] = new Uint8Array(0);
    await expect(detect(Buffer.from(zipSync(files, { level: 0 })))).rejects.toMatchObject({
      code: "MEDIA_COMPRESSION_BOMB",
      details: { entries: 10_002, limit: 10_000 },
    });
  });

  it("refuses a Compound File with an impossible sector size", async () => {
    const doc = patched(makeDoc(), (copy) => copy.writeUInt16LE(16, 30));
    await expect(detect(doc)).rejects.toMatchObject({ code: "MEDIA_CORRUPT" });
  });

  it("refuses a Compound File whose directory chain loops", async () => {
    const doc = patched(makeDoc(), (copy) => {
      const directorySector = copy.readUInt32LE(48);
      const firstFatSector = copy.readUInt32LE(76);
      // The directory's FAT entry points back at the directory's own sector.
      copy.writeUInt32LE(directorySector, (firstFatSector + 1) * 512 + directorySector * 4);
    });
    await expect(detect(doc)).rejects.toMatchObject({ code: "MEDIA_CORRUPT", message: expect.stringContaining("loops") });
  });

  it("refuses a Compound File whose directory lies past the end of the file", async () => {
    const doc = patched(makeDoc(), (copy) => copy.writeUInt32LE(0x00ffffff, 48));
    await expect(detect(doc)).rejects.toMatchObject({ code: "MEDIA_CORRUPT" });
  });

  it("refuses a Compound File cut short", async () => {
    const doc = makeDoc();
    await expect(detect(doc.subarray(0, 1024))).rejects.toMatchObject({ code: "MEDIA_CORRUPT" });
  });
});
