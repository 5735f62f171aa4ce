/**
 * The browser bundle in a real browser: a plain page loads
 * `<script src="/sdk/livechatsdk.js">`, logs in as an agent and runs the seed
 * page's example as written; a customer on the Node SDK talks to it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createLiveChatSdk } from "@parley/sdk";
import { launchChromium } from "./support/browser.js";
import { seedExampleFor } from "./support/seed.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { waitFor } from "./support/wait.js";

let server: InProcessServer;
let browser: Browser;
let agentToken: string;
let closeDesk: (() => Promise<void>) | undefined;

/** Serves one HTML page from a plain HTTP server on a free loopback port. */
async function servePage(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const http = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(html);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/desk.html`, close: () => new Promise((resolve) => http.close(() => resolve())) };
}

beforeAll(async () => {
  let tokens: Record<string, string>;
  ({ server, tokens } = await startServerWithAgents(["alice"]));
  agentToken = tokens.alice!;
  browser = await launchChromium();
});

afterAll(async () => {
  await closeDesk?.();
  await browser?.close();
  await server?.close();
});

describe("window.LIVECHATSDK in a plain <script>", () => {
  it("runs the seed example in Chromium against the server", async () => {
    const customerSdk = createLiveChatSdk();
    customerSdk.init({ serverUrl: server.url });
    const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
    const chatId = customer.contact.id;

    const page = await browser.newPage();
    const lines: string[] = [];
    page.on("console", (message) => lines.push(message.text()));
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(String(error)));
    // The agent's desk is another web application on its own origin, loading the SDK from Parley.
    const desk = await servePage(`<!doctype html><html><head><title>Agent desk</title>
<script src="${server.url}/sdk/livechatsdk.js"></script></head><body>
<script>
var MY_ACTIVE_CHAT = {};
LIVECHATSDK.init({ serverUrl: ${JSON.stringify(server.url)} });
LIVECHATSDK.LIVECHAT.login(${JSON.stringify(agentToken)}, false, false, function (reason) { console.log("logged out: " + reason); })
  .then(function () {
${seedExampleFor(chatId)}
  });
</script></body></html>`);
    closeDesk = desk.close;
    await page.goto(desk.url);
    await waitFor(() => lines.some((l) => l.startsWith("[CTLive] Contact JOINED")), () => `join; page said:\n${lines.join("\n")}\n${pageErrors.join("\n")}`);

    const textId = await customer.sendMessage("Hi from the customer");
    const linkId = await customer.SendLink("https://example.com/help");
    await waitFor(() => lines.includes(`Msg ID.............${linkId}`), () => `link in:\n${lines.join("\n")}`);
    expect(lines).toContain("Text..........Hi from the customer");
    expect(lines).toContain(`Msg ID........${textId}`);
    expect(lines).toContain("URL................ https://example.com/help");

    customer.isWriting(true);
    await waitFor(() => lines.includes("Started/Stopped writing........ true"), () => "typing");

    await customerSdk.LIVECHAT.endContact(customer);
    await waitFor(() => lines.includes("[CTLIVE] On [contactEnded] event"), () => "contactEnded");
    expect(pageErrors).toEqual([]);
    await page.evaluate("LIVECHATSDK.LIVECHAT.logout()");
    await waitFor(() => lines.includes("logged out: explicitLogout"), () => "logout callback");
    await page.close();
    await customerSdk.LIVECHAT.logout();
  });
});
