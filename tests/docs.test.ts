/** The reference pages stay in step with the code they document. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CLOSE_CODES, DEFAULT_LIMITS, ERROR_CODES, ERRORS } from "@parley/protocol";

const doc = (name: string) => readFileSync(fileURLToPath(new URL(`../docs/${name}`, import.meta.url)), "utf8");

describe("docs", () => {
  it("errors.md lists every error code with its HTTP status", () => {
    const page = doc("errors.md");
    for (const code of ERROR_CODES) {
      expect(page, code).toContain(`\`${code}\``);
      const row = page.split("\n").find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, code).toBeDefined();
      if (row && !row.includes("SDK")) {
        const cells = row.split("|").map((cell) => cell.trim());
        if (/^\d{3}$/.test(cells[2] ?? "")) expect(Number(cells[2]), code).toBe(ERRORS[code].status);
      }
    }
  });

  it("limits.md lists every limit", () => {
    const page = doc("limits.md");
    for (const key of Object.keys(DEFAULT_LIMITS)) expect(page, key).toContain(`\`${key}\``);
  });

  it("deploy.md's table has every environment variable the server reads, and every close code", () => {
    const page = doc("deploy.md");
    const config = readFileSync(fileURLToPath(new URL("../packages/server/src/config.ts", import.meta.url)), "utf8");
    const names = new Set([...config.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] as string));
    for (const key of Object.keys(DEFAULT_LIMITS)) names.add(`PARLEY_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`);
    expect(names.size).toBeGreaterThan(20);
    for (const name of names) expect(page, name).toMatch(new RegExp(`^\\| \`${name}\` \\|`, "m"));
    for (const code of Object.values(CLOSE_CODES)) expect(page, String(code)).toContain(`| ${code} |`);
  });

  it("protocol.md lists every close code", () => {
    const page = doc("protocol.md");
    for (const code of Object.values(CLOSE_CODES)) expect(page, String(code)).toContain(`| ${code} |`);
  });
});
