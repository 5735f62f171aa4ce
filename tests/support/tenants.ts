/**
 * Tenants for the tests, made as an operator makes them: with the real CLI
 * on the data directory of a server (`parley tenant add`, `parley agent add
 * --tenant --role`), and logins over the real REST route.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CLI } from "./server.js";

const run = promisify(execFile);

/** `parley tenant add NAME …`, e.g. `["--display-name", "Acme Inc."]`. */
export async function addTenant(dataDir: string, name: string, options: string[] = []): Promise<void> {
  await run(process.execPath, [CLI, "tenant", "add", name, ...options, "--data-dir", dataDir]);
}

/** `parley agent add USERNAME --tenant T --role R`; the password is `<username>-password`. */
export async function addTenantAgent(dataDir: string, username: string, tenant: string, role: "agent" | "supervisor" | "admin" = "agent"): Promise<void> {
  await run(process.execPath, [CLI, "agent", "add", username, "--password", `${username}-password`, "--tenant", tenant, "--role", role, "--data-dir", dataDir]);
}

/** Logs an agent of `tenant` in over REST; the answer as it came (status and body). */
export async function loginTo(baseUrl: string, tenant: string, username: string): Promise<{ status: number; body: { token?: string; error?: { code: string } } }> {
  const response = await fetch(`${baseUrl}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: `${username}-password`, tenant }),
  });
  return { status: response.status, body: (await response.json()) as { token?: string; error?: { code: string } } };
}

/** The token of an agent of `tenant`; fails the test when the login is refused. */
export async function tokenOf(baseUrl: string, tenant: string, username: string): Promise<string> {
  const { status, body } = await loginTo(baseUrl, tenant, username);
  if (status !== 200 || body.token === undefined) throw new Error(`login of ${username} into ${tenant} failed: ${status} ${JSON.stringify(body)}`);
  return body.token;
}
