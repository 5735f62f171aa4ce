/**
 * Builds the widget into one classic script, `dist/widget.js`, with Preact and
 * the SDK inside: a company page loads it with a single `<script async>` tag.
 */
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [preact()],
  build: {
    lib: { entry: "src/main.tsx", formats: ["iife"], name: "ParleyWidget", fileName: () => "widget.js" },
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    // One file: the CSS is imported as a string and put in the shadow root, never in the host page.
    cssCodeSplit: false,
    sourcemap: false,
  },
});
