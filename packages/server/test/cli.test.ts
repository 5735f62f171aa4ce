/** The `parley` CLI in a child process: the built one, as `npx parley` runs it (`npm test` builds first). */
import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { TokenService } from "../src/auth/tokens.js";
import { tempDir } from "./helpers.js";
import { freePort } from "../../../tests/support/ports.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const dir = tempDir();
afterAll(() => dir.remove());

function parley(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: "silent" } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

it("adds agents, refuses duplicates and prints a valid token", async () => {
  expect((await parley("migrate", "--data-dir", dir.path)).code).toBe(0);
  const added = await parley("agent", "add", "ann", "--password", "secret-pass", "--nickname", "Ann", "--data-dir", dir.path);
  expect(added).toMatchObject({ code: 0 });
  const again = await parley("agent", "add", "ann", "--password", "secret-pass", "--data-dir", dir.path);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/already exists/);

  const printed = await parley("token", "agent", "ann", "--data-dir", dir.path, "--ttl", "1h");
  expect(printed.code).toBe(0);
  const secretFile = join(dir.path, "secret");
  expect(statSync(secretFile).mode & 0o777).toBe(0o600);
  const claims = await new TokenService(readFileSync(secretFile, "utf8").trim()).verify(printed.stdout.trim());
  expect(claims).toMatchObject({ role: "agent", username: "ann", nickname: "Ann" });
  expect((await parley("token", "agent", "nobody", "--data-dir", dir.path)).stderr).toMatch(/no agent/);
});

it("fails clearly on a bad option", async () => {
  const bad = await parley("serve", "--port", "eighty", "--data-dir", dir.path);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/port must be an integer/);
  const unknown = await parley("frobnicate");
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/unknown command/);
});

it("refuses a REDIS_URL that is not one, or that no Redis answers, at start and with a clear message", async () => {
  const wrong = await parley("serve", "--port", "0", "--data-dir", dir.path, "--redis-url", "http://127.0.0.1:6379");
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(/REDIS_URL must start with redis:\/\/ or rediss:\/\//);
  const port = await freePort();
  const unreachable = await parley("serve", "--port", "0", "--data-dir", dir.path, "--redis-url", `redis://127.0.0.1:${port}`);
  expect(unreachable.code).toBe(1);
  expect(unreachable.stderr).toContain(`parley: cannot connect to Redis at redis://127.0.0.1:${port}`);
  expect(unreachable.stderr).not.toMatch(/\n\s+at /);
});
