/** The `parley` CLI in a child process: the built one, as `npx parley` runs it (`npm test` builds first). */
import { execFile, spawn } from "node:child_process";
import net from "node:net";
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

/** Runs `parley serve` until it prints its banner, then stops it with SIGTERM; resolves with what it wrote. */
function serveUntilRunning(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "serve", ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: "silent" } });
    let stdout = "";
    let stderr = "";
    const deadline = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no banner within 30 s:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("Parley is running")) child.kill("SIGTERM");
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("exit", (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

it("says in one line, without a stack, that the port is in use and how to choose another", async () => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const { port } = holder.address() as net.AddressInfo;
  try {
    const busy = await parley("serve", "--port", String(port), "--host", "127.0.0.1", "--data-dir", dir.path);
    expect(busy.code).toBe(1);
    expect(busy.stderr.trim().split("\n")).toEqual([
      `parley: port ${port} is already in use on 127.0.0.1; start with --port <another> (or PORT=<another>), or stop what uses it`,
    ]);
  } finally {
    holder.close();
  }
});

it("warns at start, one line each, about what a first start leaves open, and names npx parley for commands", async () => {
  const open = await serveUntilRunning("--port", "0", "--data-dir", dir.path);
  expect(open.code).toBe(0);
  const warnings = open.stderr.split("\n").filter((line) => line.startsWith("parley: warning: "));
  expect(warnings).toHaveLength(3);
  expect(warnings.join("\n")).toMatch(/all interfaces \(0\.0\.0\.0\)/);
  expect(warnings.join("\n")).toMatch(/\/metrics is open .*PARLEY_METRICS_TOKEN/);
  expect(warnings.join("\n")).toMatch(/every web site .*PARLEY_ALLOWED_ORIGINS/);
  expect(open.stdout).toMatch(/npx parley/);

  const closed = await serveUntilRunning("--port", "0", "--host", "127.0.0.1", "--allowed-origins", "https://shop.example.com", "--data-dir", dir.path);
  expect(closed.code).toBe(0);
  expect(closed.stderr).not.toContain("warning");
}, 60_000);
