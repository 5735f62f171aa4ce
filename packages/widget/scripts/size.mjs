/**
 * Prints the widget's size and fails the build when its JavaScript, SDK
 * included, exceeds the budget: it loads on every page of the company site.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

/** The budget, gzipped (docs/widget.md). */
export const BUDGET_BYTES = 35 * 1024;

const source = readFileSync(new URL("../dist/widget.js", import.meta.url));
const gzipped = gzipSync(source, { level: 9 }).length;
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
process.stdout.write(`widget.js: ${kib(source.length)}, ${kib(gzipped)} gzipped (budget ${kib(BUDGET_BYTES)})\n`);
if (gzipped > BUDGET_BYTES) {
  process.stderr.write(`widget.js is over its size budget by ${kib(gzipped - BUDGET_BYTES)}\n`);
  process.exit(1);
}
