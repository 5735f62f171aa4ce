/**
 * Builds the widget: `dist/widget.js`, the small classic script the company
 * page includes (scripts/loader.mjs), imports `dist/widget/main.js`, the first
 * view (launcher, panel, start form), which imports the rest on demand
 * (`loadOnDemand`): the SDK's connection and later parts, as hashed chunks.
 */
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    // No HTML page: the entry is a module, and the CSS is imported as a string for the shadow root.
    cssCodeSplit: false,
    sourcemap: false,
    modulePreload: false,
    rollupOptions: {
      input: "src/main.tsx",
      // main.js keeps its `mount` export: the loader calls it with the page's script tag.
      preserveEntrySignatures: "exports-only",
      output: {
        format: "es",
        entryFileNames: "widget/main.js",
        chunkFileNames: "widget/[name]-[hash].js",
      },
    },
  },
});
