/**
 * The widget as a web site owner embeds it and as every customer must be able
 * to use it: served with caching headers and within its size budget; usable by
 * keyboard alone; free of serious accessibility violations (axe-core); on a
 * 375 px phone; on a company site of another origin, allowed or refused by
 * `PARLEY_ALLOWED_ORIGINS`; and sealed from the host page's CSS both ways.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { WebSocket } from "ws";
import { seriousViolations } from "./support/axe.js";
import { launchChromium } from "./support/browser.js";
import { makeNoisyPng, makePng } from "./support/media-files.js";
import { startServerWithAgents, type InProcessServer } from "./support/server.js";
import { isFocused, joinAsAgent, keepAgentOnline, openPanel, savedChatId, startChat } from "./support/widget.js";
import { waitFor } from "./support/wait.js";

const SCREENSHOTS = fileURLToPath(new URL("../docs/screenshots/", import.meta.url));
const WIDGET = fileURLToPath(new URL("../packages/widget/dist/widget.js", import.meta.url));

/** A tiny company site on its own port (so its own origin) embedding the widget of `parleyUrl()`. */
async function companySite(parleyUrl: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    // `/fr`: a French page that sets every attribute of the snippet.
    const attributes = request.url?.startsWith("/fr")
      ? 'data-language="fr" data-title="Boutique Vélo" data-colour="#b5651d" data-position="left" data-greeting="Bonjour, cycliste !"'
      : 'data-language="en"';
    const parleyOrigin = parleyUrl();
    response.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      // A strict policy, as careful sites have: no inline styles or scripts but the page's own.
      "content-security-policy": [
        "default-src 'none'",
        `script-src ${parleyOrigin}`,
        `connect-src ${parleyOrigin} ${parleyOrigin.replace("http", "ws")}`,
        "img-src data: blob:",
        "style-src 'nonce-shop'",
      ].join("; "),
    });
    response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style nonce="shop">
  /* A hostile stylesheet: none of it may reach the widget. */
  * { font-family: serif !important; color: rgb(255, 0, 0) !important; }
  button { background: rgb(0, 255, 0) !important; }
</style></head>
<body><h2 id="shop-title">Our shop</h2><button id="shop-button">Buy</button>
<script src="${parleyUrl()}/widget.js" async ${attributes}></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let parley: InProcessServer;
let tokens: Record<string, string>;
let online: (() => Promise<void>) | undefined;
let browser: Browser;
let allowedSite: { server: Server; origin: string };
let refusedSite: { server: Server; origin: string };

beforeAll(async () => {
  allowedSite = await companySite(() => parley.url);
  refusedSite = await companySite(() => parley.url);
  ({ server: parley, tokens } = await startServerWithAgents(["ann"], { allowedOrigins: allowedSite.origin }));
  // An agent online: the widget offers the chat, not the offline form.
  online = await keepAgentOnline(parley.url, tokens.ann!);
  browser = await launchChromium();
});

afterAll(async () => {
  await online?.();
  await browser?.close();
  await parley?.close();
  allowedSite?.server.close();
  refusedSite?.server.close();
});

describe("the widget script", () => {
  it("is served from memory with an ETag, as JavaScript, and loads its modules from beside it", async () => {
    const response = await fetch(`${parley.url}/widget.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    const etag = response.headers.get("etag");
    expect(etag).toMatch(/^".+"$/);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(readFileSync(WIDGET))).toBe(true);
    // The loader only: the first view's budget is measured in widget-size.test.ts.
    expect(gzipSync(body, { level: 9 }).length).toBeLessThanOrEqual(1024);
    const again = await fetch(`${parley.url}/widget.js`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    // The first view's module: fetched with CORS by the company page, revalidated like widget.js.
    const main = await fetch(`${parley.url}/widget/main.js`, { headers: { origin: "https://shop.example" } });
    expect(main.status).toBe(200);
    expect(main.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(main.headers.get("access-control-allow-origin")).toBe("*");
    expect(main.headers.get("cache-control")).toBe("no-cache");
    // A chunk it imports on demand is named by its content and cached for good.
    const chunk = /import\(`\.\/([\w-]+\.js)`\)/.exec(await main.text())?.[1];
    expect(chunk).toBeDefined();
    const part = await fetch(`${parley.url}/widget/${chunk}`);
    expect(part.status).toBe(200);
    expect(part.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    for (const name of ["..%2Fwidget.js", "main.css", "nothing-AAAAAAAA.js"]) expect((await fetch(`${parley.url}/widget/${name}`)).status).toBe(404);
  });
});

describe("keyboard and accessibility", () => {
  it("is usable by keyboard alone, with focus managed, and has no serious axe violations", async () => {
    // bypassCSP: axe-core is injected into the demo page, whose policy allows only its own scripts.
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(`${parley.url}/`);
    // Tab through the page until the launcher has the focus.
    let tabs = 0;
    while (!(await isFocused(page, ".launcher"))) {
      await page.keyboard.press("Tab");
      tabs += 1;
      expect(tabs, "the launcher is reachable with Tab").toBeLessThan(15);
    }
    await page.keyboard.press("Enter");
    await page.locator(".panel").waitFor();
    // The name form shows once the widget knows the queue has no pre-chat form; then it takes the focus.
    await waitFor(() => isFocused(page, "#parley-nickname"), () => "the nickname field to take the focus");
    expect(await seriousViolations(page)).toEqual([]);

    await page.keyboard.type("Kim");
    await page.keyboard.press("Tab");
    expect(await isFocused(page, "#parley-email")).toBe(true);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.locator("#parley-text").waitFor();
    expect(await isFocused(page, "#parley-text")).toBe(true);
    await page.keyboard.type("Typed with the keyboard only");
    await page.keyboard.press("Enter");
    await page.locator('.msg.mine .ticks[data-status="sent"], .msg.mine .ticks[data-status="received"]').waitFor();
    // New messages are announced: the conversation is a polite live region.
    expect(await page.locator('[role="log"][aria-live="polite"]').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);

    await page.keyboard.press("Escape");
    await page.locator(".panel").waitFor({ state: "detached" });
    expect(await isFocused(page, ".launcher")).toBe(true);
    await page.close();
  });

  it("fits a 375 px wide phone screen", async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${parley.url}/`);
    await openPanel(page);
    await startChat(page, "Sam");
    const agent = await joinAsAgent(parley.url, tokens.ann!, (await savedChatId(page))!, "Ann");
    await page.getByText("Ann joined the chat").waitFor();
    await page.locator("#parley-text").fill("Hi, the rear brake squeaks.");
    await page.locator("#parley-text").press("Enter");
    await agent.contact.sendMessage("Could you send a photo of it?");
    await agent.contact.SendMultimediaMessage("IMAGE", { img: await makePng({ width: 300, height: 200 }), fileName: "brake.png" });
    await page.locator(".msg.theirs .thumb img").waitFor();
    for (const selector of [".panel", "#parley-text", ".composer .primary", ".close"]) {
      const box = (await page.locator(selector).boundingBox())!;
      expect(box.x, selector).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, selector).toBeLessThanOrEqual(375);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}widget-phone.png` });
    await agent.sdk.LIVECHAT.logout();
    await context.close();
  });
});

describe("on a company site of another origin", () => {
  it("works from an allowed origin under a strict CSP, uploads included, sealed from the page's CSS", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(`${allowedSite.origin}/`);
    await openPanel(page);
    await startChat(page, "Lee");
    const chatId = (await savedChatId(page))!;
    const agent = await joinAsAgent(parley.url, tokens.ann!, chatId, "Ann");
    await page.getByText("Ann joined the chat").waitFor();
    await page.locator("#parley-text").fill("From the shop's site");
    await page.locator("#parley-text").press("Enter");
    // Over 256 KiB: uploaded over HTTP with a CORS preflight (Authorization header).
    await page.locator('input[type="file"]').setInputFiles({ name: "part.png", mimeType: "image/png", buffer: await makeNoisyPng(420, 420) });
    await page.locator('.msg.mine[data-kind="image"] .ticks:not([data-status="pending"])').waitFor();
    expect(agent.of("message").map((m) => (m.content as { text: string }).text)).toContain("From the shop's site");
    // Too large to ride inline: the widget fetches its thumbnail from Parley across origins.
    await agent.contact.SendMultimediaMessage("IMAGE", { img: await makeNoisyPng(420, 420), fileName: "answer.png" });
    await page.locator('.msg.theirs .thumb img[src^="data:image/"]').waitFor();

    const styles = await page.evaluate(() => {
      const root = document.getElementById("parley-widget")!.shadowRoot!;
      const css = (element: Element) => getComputedStyle(element);
      return {
        widgetTitleColour: css(root.querySelector("h2")!).color,
        widgetFont: css(root.querySelector(".root")!).fontFamily,
        launcherBackground: css(root.querySelector(".launcher")!).backgroundColor,
        shopTitleMargin: css(document.getElementById("shop-title")!).marginTop,
        shopButtonBorder: css(document.getElementById("shop-button")!).borderTopStyle,
        shopButtonBackground: css(document.getElementById("shop-button")!).backgroundColor,
      };
    });
    // The page's own rules apply to the page…
    expect(styles.shopButtonBackground).toBe("rgb(0, 255, 0)");
    // …but do not reach in…
    expect(styles.widgetTitleColour).toBe("rgb(255, 255, 255)");
    expect(styles.widgetFont).not.toMatch(/^serif$/);
    expect(styles.launcherBackground).toBe("rgb(11, 79, 156)");
    // …and the widget's (h2 { margin: 0 }, button { border: 0 }) do not reach out.
    expect(styles.shopTitleMargin).not.toBe("0px");
    expect(styles.shopButtonBorder).not.toBe("none");
    expect(errors).toEqual([]);
    await agent.sdk.LIVECHAT.logout();
    await page.close();
  });

  it("takes its title, colour, greeting, corner and language from the snippet's attributes", async () => {
    // A context of its own: the same site's storage holds the chat of the test above.
    const context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
    const page = await context.newPage();
    await page.goto(`${allowedSite.origin}/fr`);
    await page.getByRole("button", { name: "Ouvrir la discussion" }).click();
    const launcher = page.getByRole("button", { name: "Fermer la discussion" }).last();
    await page.getByRole("dialog", { name: "Boutique Vélo" }).waitFor();
    await page.getByText("Bonjour, cycliste !").waitFor();
    await page.getByLabel("Votre nom").waitFor();
    expect((await launcher.boundingBox())!.x).toBeLessThan(100);
    const colours = await page.evaluate(() => {
      const root = document.getElementById("parley-widget")!.shadowRoot!;
      return { background: getComputedStyle(root.querySelector("header")!).backgroundColor, text: getComputedStyle(root.querySelector("h2")!).color };
    });
    // White on this orange would fall under 4.5:1: the widget writes in black on it.
    expect(colours).toEqual({ background: "rgb(181, 101, 29)", text: "rgb(17, 17, 17)" });
    await context.close();
  });

  it("refuses a page of a disallowed origin, over HTTP and at the WebSocket upgrade", async () => {
    const page = await browser.newPage();
    await page.goto(`${refusedSite.origin}/`);
    await openPanel(page);
    await page.getByLabel("Your name").fill("Mallory");
    await page.getByRole("button", { name: "Start the chat" }).click();
    // The browser hides why a cross-origin call failed; the server's answer (below) carries the code.
    await page.getByRole("alert").getByText("could not be reached from this page").waitFor();
    expect(await savedChatId(page)).toBeUndefined();
    await page.close();

    const preflight = (origin: string) =>
      fetch(`${parley.url}/v1/contacts`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    const refused = await preflight(refusedSite.origin);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("ORIGIN_NOT_ALLOWED");
    const allowed = await preflight(allowedSite.origin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(allowedSite.origin);
    expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");

    const upgrade = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${parley.url.replace("http", "ws")}/v1/socket`, { headers: { origin } });
        socket.on("open", () => {
          socket.close();
          resolve(101);
        });
        socket.on("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
        socket.on("error", reject);
      });
    expect(await upgrade(refusedSite.origin)).toBe(403);
    expect(await upgrade(allowedSite.origin)).toBe(101);
  });
});
