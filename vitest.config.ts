import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import the workspace packages from source, so a change is tested without a rebuild.
// Tests that start a server in a child process use the built `dist/` (npm test builds first).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@parley\/protocol$/, replacement: src("./packages/protocol/src/index.ts") },
      { find: /^@parley\/sdk$/, replacement: src("./packages/sdk/src/index.node.ts") },
      { find: /^@parley\/server$/, replacement: src("./packages/server/src/index.ts") },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "tests/**/*.test.ts"],
    // Generous: CI is a loaded 2-core machine, where a hook that starts a server (its agents made by the
    // CLI in child processes), a cluster or Chromium can take far longer than on a quiet one. The tests
    // wait for states, never for time, so a longer bound costs nothing while they pass.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep parallelism modest so socket tests are not starved.
    maxWorkers: 2,
    // In CI, also a JSON report, from which .ci/run prints a plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results/vitest.json" }]] : ["default"],
  },
});
