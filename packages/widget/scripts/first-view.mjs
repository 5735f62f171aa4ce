/**
 * What a page downloads before the widget's first view shows: `widget.js`,
 * `widget/main.js` and every chunk main.js imports statically (not those it
 * imports on demand), gzipped. Used by the build (size.mjs) and the test suite.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

/** The budget of the first view, gzipped (docs/widget.md). */
export const FIRST_VIEW_BUDGET_BYTES = 30 * 1024;

/** Static imports of an ES chunk: `import … from "./x.js"`, `import "./x.js"`, `export … from "./x.js"`. */
const STATIC_IMPORT = /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+from\s*)?["'](\.\/[\w.-]+\.js)["']/g;

/** The first view's files (relative to dist) and their gzipped sizes. */
export function firstView(distUrl) {
  const files = new Map();
  const gz = (path) => gzipSync(readFileSync(new URL(path, distUrl)), { level: 9 }).length;
  files.set("widget.js", gz("widget.js"));
  const pending = ["widget/main.js"];
  while (pending.length > 0) {
    const file = pending.pop();
    if (files.has(file)) continue;
    files.set(file, gz(file));
    const source = readFileSync(new URL(file, distUrl), "utf8");
    for (const match of source.matchAll(STATIC_IMPORT)) pending.push(`widget/${match[1].slice(2)}`);
  }
  const total = [...files.values()].reduce((sum, bytes) => sum + bytes, 0);
  return { files, total };
}
