import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// Served by the Parley server under /console; hashed assets may be cached for good.
export default defineConfig({
  base: "/console/",
  plugins: [preact()],
  build: { outDir: "dist", emptyOutDir: true, target: "es2020", sourcemap: true },
});
