/** Builds `dist/widget.js`, the classic script that loads the widget's module (src/loader.ts). */
import { build } from "esbuild";

await build({
  entryPoints: [new URL("../src/loader.ts", import.meta.url).pathname],
  outfile: new URL("../dist/widget.js", import.meta.url).pathname,
  bundle: true,
  format: "iife",
  target: "es2020",
  minify: true,
  logLevel: "warning",
});
