/**
 * The `[Content_Types].xml` scanner: what real packages declare is read, and
 * text crafted against backtracking patterns costs time linear in its size.
 * The hostile cases carry a generous time bound: a quadratic parse of the same
 * inputs took seconds to minutes (an attack test of the hardening work).
 */
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { parseBase64 } from "@parley/protocol";
import { parseContentTypes } from "../src/media/content-types.js";

const WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

describe("what Office writes", () => {
  it("reads defaults by extension and overrides by part name, lower-cased", () => {
    const types = parseContentTypes(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        "<Default Extension='XML' ContentType='application/xml' />" +
        `<Override PartName="/word/Document.xml" ContentType="${WORD_MAIN.replace("main", "MAIN")}"/>` +
        "</Types>",
    );
    expect(Object.fromEntries(types.defaults)).toEqual({ rels: "application/vnd.openxmlformats-package.relationships+xml", xml: "application/xml" });
    expect(Object.fromEntries(types.overrides)).toEqual({ "word/document.xml": WORD_MAIN });
  });

  it("reads elements under a namespace prefix, with spaces around = and line breaks between attributes", () => {
    const types = parseContentTypes(
      '<ct:Types xmlns:ct="http://schemas.openxmlformats.org/package/2006/content-types">\n' +
        `<ct:Override\n  PartName = "/word/document.xml"\n  ContentType =\t"${WORD_MAIN}" />\n</ct:Types>`,
    );
    expect(types.overrides.get("word/document.xml")).toBe(WORD_MAIN);
  });

  it("ignores elements without a content type, other elements and look-alike names", () => {
    const types = parseContentTypes(
      '<Types><Default Extension="bin"/><DefaultX Extension="a" ContentType="x/y"/>' +
        '<Override ContentType="x/y"/><Other PartName="/p" ContentType="x/y"/><Default Extension="png" ContentType="image/png"',
    );
    expect(types.defaults.size).toBe(0);
    expect(types.overrides.size).toBe(0);
  });
});

/** Runs `parse` on `input` and returns the time it took, in ms. */
function timed(parse: () => unknown): number {
  const started = performance.now();
  parse();
  return performance.now() - started;
}

describe("hostile text takes time linear in its size", () => {
  // The former patterns: `<Default` + 64 KiB of name characters without `=` took about 8 s; 1 MiB, hours.
  const SIZE = 1024 * 1024;
  const hostile: [string, string][] = [
    ["one attribute name of 1 MiB without =", `<Default ${"a".repeat(SIZE)}/>`],
    ["names and = without quotes", `<Default ${"a =".repeat(SIZE / 3)}>`],
    ["1 MiB of < without >", "<".repeat(SIZE)],
    ["1 MiB of <Default without >", "<Default".repeat(SIZE / 8)],
    ["prefixes without a local name", `<${"a:".repeat(SIZE / 2)}`],
    ["an unclosed quote", `<Default ContentType="${"a".repeat(SIZE)}`],
    ["many tags, each with an unclosed quote", `<Override a="x>`.repeat(SIZE / 15)],
  ];
  it.each(hostile)("%s", (_name, xml) => {
    expect(timed(() => parseContentTypes(xml))).toBeLessThan(500);
  });
});

describe("sibling parsers of client text", () => {
  // Inline files arrive as Base64 in socket frames of up to 512 KiB; the data-URL prefix is matched by a pattern.
  const SIZE = 512 * 1024;
  const hostile: [string, string][] = [
    ["a data-URL prefix of endless parameters without ;base64,", `data:image/png${";a=b".repeat(SIZE / 4)}`],
    ["a data-URL prefix of parameters with empty values", `data:a/b${";a=".repeat(SIZE / 3)},`],
    ["padding in the middle of 512 KiB", `${"A".repeat(SIZE)}=${"A".repeat(SIZE)}`],
    ["whitespace runs between characters", "A \n".repeat(SIZE / 3)],
  ];
  it.each(hostile)("%s", (_name, text) => {
    expect(timed(() => parseBase64(text))).toBeLessThan(500);
  });
});
