/**
 * Prints the size of the widget's first view (the loader, main.js and what it
 * imports statically) and fails the build above the budget: it loads on every
 * page of the company site. The parts loaded on demand are printed too.
 */
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { FIRST_VIEW_BUDGET_BYTES, firstView } from "./first-view.mjs";

const dist = new URL("../dist/", import.meta.url);
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const { files, total } = firstView(dist);
process.stdout.write(`first view: ${kib(total)} gzipped (budget ${kib(FIRST_VIEW_BUDGET_BYTES)}): ${[...files].map(([f, b]) => `${f} ${kib(b)}`).join(", ")}\n`);
const later = readdirSync(new URL("widget/", dist)).map((f) => `widget/${f}`).filter((f) => !files.has(f));
const laterSizes = later.map((f) => `${f} ${kib(gzipSync(readFileSync(new URL(f, dist)), { level: 9 }).length)}`);
process.stdout.write(`on demand: ${laterSizes.join(", ")}\n`);
if (total > FIRST_VIEW_BUDGET_BYTES) {
  process.stderr.write(`the widget's first view is over its size budget by ${kib(total - FIRST_VIEW_BUDGET_BYTES)}\n`);
  process.exit(1);
}
