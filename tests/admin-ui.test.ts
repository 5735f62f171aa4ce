/**
 * The console's admin page in headless Chromium against a real server whose
 * agents were made with the real CLI: an admin adds an agent, changes a role,
 * disables an agent and sets a new password (each checked at the server's
 * login), the last admin is kept; an API key is created and shown once with a
 * copy button, works, and is revoked after a confirmation. Supervisors and
 * agents are offered no admin page. axe finds nothing serious on each tab.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { logIn } from "./support/console.js";
import { startServer, tempDataDir, type InProcessServer } from "./support/server.js";
import { addTenantAgent, loginTo } from "./support/tenants.js";

const screenshot = (name: string) => fileURLToPath(new URL(`../docs/screenshots/${name}.png`, import.meta.url));

let server: InProcessServer;
let removeData: () => Promise<void>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

async function newPage(): Promise<Page> {
  // bypassCSP lets axe-core be injected into the console, whose policy allows only its own scripts.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  return page;
}

async function loginCode(username: string, password: string): Promise<string | number> {
  const response = await fetch(`${server.url}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  return response.status === 200 ? 200 : ((await response.json()) as { error: { code: string } }).error.code;
}

beforeAll(async () => {
  const data = await tempDataDir();
  removeData = data.remove;
  await addTenantAgent(data.dir, "root", "default", "admin");
  await addTenantAgent(data.dir, "dan", "default");
  await addTenantAgent(data.dir, "sue", "default", "supervisor");
  server = await startServer({ dataDir: data.dir });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
  await removeData?.();
});

describe("the admin page", { timeout: 120_000 }, () => {
  let page: Page;
  const row = (username: string) => page.locator(`tr[data-agent="${username}"]`);

  it("is offered to nobody but admins", async () => {
    for (const username of ["sue", "dan"]) {
      const other = await newPage();
      await logIn(other, server.url, username, `${username}-password`);
      // The companies check settles after the login; the admin one is settled by the login's role.
      await other.locator(".topbar[data-companies='hidden']").waitFor();
      expect(await other.getByRole("button", { name: "Admin" }).count(), username).toBe(0);
    }
  });

  it("lists the agents, adds one, changes a role and keeps the last admin", async () => {
    page = await newPage();
    await logIn(page, server.url, "root", "root-password");
    await page.getByRole("button", { name: "Admin" }).click();
    await page.getByRole("heading", { name: "Administration" }).waitFor();
    expect(await page.getByRole("tab", { name: "Agents" }).getAttribute("aria-selected")).toBe("true");
    await row("dan").waitFor();
    expect(await page.locator("tr[data-agent]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-agent")))).toEqual(["dan", "root", "sue"]);

    await page.getByLabel("Username").fill("eve");
    await page.getByLabel("Name customers see (optional)").fill("Eve E");
    await page.getByLabel("Password (at least 8 characters)").fill("eve-password");
    await page.getByLabel("Capacity (empty: the default)").fill("4");
    await page.getByRole("button", { name: "Add agent" }).click();
    await row("eve").waitFor();
    expect(await page.getByRole("spinbutton", { name: "Capacity of eve" }).inputValue()).toBe("4");
    expect(await loginCode("eve", "eve-password")).toBe(200);

    await page.getByLabel("Role of eve").selectOption("supervisor");
    await page.getByRole("status").filter({ hasText: "eve is now supervisor." }).waitFor();
    const listed = await (await fetch(`${server.url}/v1/agents`, { headers: { authorization: `Bearer ${(await loginTo(server.url, "default", "root")).body.token!}` } })).json();
    expect((listed as { agents: Array<{ username: string; role: string }> }).agents.find((agent) => agent.username === "eve")!.role).toBe("supervisor");

    await page.getByLabel("Role of root").selectOption("agent");
    await page.getByRole("alert").filter({ hasText: "LAST_ADMIN" }).waitFor();
    expect(await page.getByLabel("Role of root").inputValue()).toBe("admin");
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("disables an agent and sets a new password, both felt at the login", async () => {
    const eve = await newPage();
    await logIn(eve, server.url, "eve", "eve-password");
    await page.getByRole("button", { name: "Disable eve" }).click();
    await row("eve").getByText("Disabled").waitFor();
    expect(await loginCode("eve", "eve-password")).toBe("AGENT_DISABLED");
    // Eve's open console is closed by the server and logs out; logging in again says why not.
    await eve.getByText("Your session has ended. Please log in again.").waitFor();
    await eve.getByLabel("Username").fill("eve");
    await eve.getByLabel("Password").fill("eve-password");
    await eve.getByRole("button", { name: "Log in" }).click();
    await eve.getByRole("alert").getByText("Your account is disabled: ask an administrator of your company.").waitFor();

    await page.getByRole("button", { name: "Set a new password for dan" }).click();
    const field = page.getByLabel("New password (at least 8 characters)");
    await field.waitFor();
    expect(await field.evaluate((element) => element === document.activeElement)).toBe(true);
    await field.fill("dan-new-password");
    await page.getByRole("button", { name: "Set password" }).click();
    await page.getByRole("status").filter({ hasText: "dan's new password is set." }).waitFor();
    expect(await loginCode("dan", "dan-new-password")).toBe(200);
    expect(await loginCode("dan", "dan-password")).toBe("INVALID_CREDENTIALS");
    await page.screenshot({ path: screenshot("console-admin-agents") });
  });

  it("creates an API key shown once with a copy button, and revokes it after a confirmation", async () => {
    await page.getByRole("tab", { name: "Agents" }).focus();
    await page.keyboard.press("ArrowRight");
    const keysTab = page.getByRole("tab", { name: "API keys" });
    expect(await keysTab.getAttribute("aria-selected")).toBe("true");
    expect(await keysTab.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.getByText("No API keys yet.").waitFor();

    await page.getByLabel("Name (what it is for)").fill("CRM");
    await page.getByLabel(/Read transcripts/).check();
    await page.getByRole("button", { name: "Create key" }).click();
    const shown = page.getByLabel("The key");
    await shown.waitFor();
    const key = await shown.inputValue();
    expect(key).toMatch(/^pk_default_/);
    await page.getByText("It is shown only this once").waitFor();
    await page.getByRole("button", { name: "Copy key" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.locator('tr[data-key="CRM"]').waitFor();
    expect(await page.locator('tr[data-key="CRM"]').textContent()).not.toContain(key);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshot("console-admin-api-keys") });
    const chats = (credential: string) => fetch(`${server.url}/v1/chats`, { headers: { authorization: `Bearer ${credential}` } });
    expect((await chats(key)).status).toBe(200);

    await page.getByRole("button", { name: "I have stored it" }).click();
    expect(await page.getByLabel("The key").count()).toBe(0);
    expect(await page.content()).not.toContain(key);

    await page.getByRole("button", { name: "Revoke CRM…" }).click();
    await page.getByRole("group", { name: "Confirm revoking CRM" }).waitFor();
    await page.getByRole("button", { name: "Revoke CRM", exact: true }).click();
    await page.locator('tr[data-key="CRM"]').getByText(/^Revoked/).waitFor();
    expect((await chats(key)).status).toBe(401);
    expect(pageErrors).toEqual([]);
  });
});
