/**
 * `parley agent list | disable | enable | passwd | role | capacity` as an
 * operator runs them: the real CLI in its own process on a temporary data
 * directory, next to a running server. Exit codes and messages are checked,
 * and what a command changed is checked where it matters: at the server's
 * login. A lost demo password is set again with `agent passwd demo`.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, ServerProcess, freePort, tempDataDir } from "./support/server.js";

let data: { dir: string; remove: () => Promise<void> };
let server: ServerProcess;

/** Runs the CLI with `stdin` piped in (nothing when undefined); resolves with its exit code and output. */
function cli(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, "--data-dir", data.dir], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

async function ok(...args: string[]): Promise<string> {
  const result = await cli(args);
  expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

async function loginStatus(username: string, password: string, tenant = "default"): Promise<string | number> {
  const response = await fetch(`${server.url}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password, tenant }) });
  if (response.status === 200) return 200;
  return ((await response.json()) as { error: { code: string } }).error.code;
}

/** The `agent list` row of a username, split into its columns. */
function rowOf(table: string, username: string): string[] {
  const line = table.split("\n").find((row) => row.startsWith(`${username} `));
  return line === undefined ? [] : line.trim().split(/\s{2,}/);
}

beforeAll(async () => {
  data = await tempDataDir();
  // The first start on an empty data directory makes the demo agent and prints its password once.
  server = new ServerProcess(await freePort(), data.dir);
  await server.start();
  await ok("agent", "add", "bob", "--password", "bob-password", "--nickname", "Bob B");
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await data?.remove();
});

describe("parley agent", { timeout: 120_000 }, () => {
  it("lists the tenant's agents in a table", async () => {
    const table = await ok("agent", "list");
    expect(table.split("\n")[0]).toMatch(/^USERNAME\s+NICKNAME\s+ROLE\s+CAPACITY\s+STATE\s+LAST SEEN$/);
    expect(rowOf(table, "demo")).toEqual(["demo", "Demo agent", "admin", "default", "enabled", "never"]);
    expect(rowOf(table, "bob")).toEqual(["bob", "Bob B", "agent", "default", "enabled", "never"]);
  });

  it("recovers a lost demo password with agent passwd demo", async () => {
    expect(await ok("agent", "passwd", "demo", "--password", "found-again-1")).toContain('The password of agent "demo" of tenant default is set.');
    expect(await loginStatus("demo", "found-again-1")).toBe(200);
    // From a pipe: the first line is the password.
    expect((await cli(["agent", "passwd", "demo"], "piped-password-2\n")).code).toBe(0);
    expect(await loginStatus("demo", "piped-password-2")).toBe(200);
    expect(await loginStatus("demo", "found-again-1")).toBe("INVALID_CREDENTIALS");
    const empty = await cli(["agent", "passwd", "demo"]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("no password given");
    const short = await cli(["agent", "passwd", "demo", "--password", "short"]);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("VALIDATION_FAILED");
  });

  it("changes a role and a capacity, and keeps the last admin", async () => {
    expect(await ok("agent", "role", "bob", "supervisor")).toContain("is now supervisor");
    expect(await ok("agent", "capacity", "bob", "5")).toContain("up to 5");
    expect(rowOf(await ok("agent", "list"), "bob").slice(2, 4)).toEqual(["supervisor", "5"]);
    await ok("agent", "capacity", "bob", "default");
    const lastAdmin = await cli(["agent", "role", "demo", "agent"]);
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toContain("LAST_ADMIN");
    expect(rowOf(await ok("agent", "list"), "demo")[2]).toBe("admin");
    for (const [args, message] of [
      [["agent", "role", "bob", "owner"], "the role must be agent, supervisor or admin"],
      [["agent", "capacity", "bob", "0"], "the capacity must be an integer"],
      [["agent", "role", "nobody", "admin"], "AGENT_NOT_FOUND"],
      [["agent", "list", "--tenant", "nowhere"], 'no tenant named "nowhere"'],
      [["agent", "disable"], "usage:"],
    ] as const) {
      const result = await cli([...args]);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr, args.join(" ")).toContain(message);
    }
  });

  it("disables and enables an agent: login refused with AGENT_DISABLED, then accepted", async () => {
    expect(await ok("agent", "disable", "bob")).toContain('Agent "bob" of tenant default is disabled');
    expect(rowOf(await ok("agent", "list"), "bob")[4]).toBe("disabled");
    expect(await loginStatus("bob", "bob-password")).toBe("AGENT_DISABLED");
    const lastAdmin = await cli(["agent", "disable", "demo"]);
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.stderr).toContain("LAST_ADMIN");
    await ok("agent", "enable", "bob");
    expect(await loginStatus("bob", "bob-password")).toBe(200);
  });

  it("works in another tenant with --tenant", async () => {
    await ok("tenant", "add", "acme");
    await ok("agent", "add", "zed", "--password", "zed-password", "--tenant", "acme", "--role", "admin");
    const table = await ok("agent", "list", "--tenant", "acme");
    expect(table.split("\n").filter((line) => line !== "")).toHaveLength(2);
    expect(rowOf(table, "zed")[2]).toBe("admin");
    await ok("agent", "passwd", "zed", "--password", "zed-new-password", "--tenant", "acme");
    expect(await loginStatus("zed", "zed-new-password", "acme")).toBe(200);
  });
});
