/**
 * `/console` serves the built agent console (`npm test` builds it first): the
 * page revalidated on each load with a strict policy, hashed assets cached for
 * good with their content types, the app's own routes, and nothing outside
 * its assets directory.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startServer, type Running } from "./helpers.js";

let running: Running;

beforeAll(async () => {
  running = await startServer();
});
afterAll(async () => {
  await running?.stop();
});

it("serves the page, its hashed assets and its own routes", async () => {
  const page = await fetch(`${running.url}/console`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(page.headers.get("cache-control")).toBe("no-cache");
  expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
  const html = await page.text();
  const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  const style = /href="(\/console\/assets\/[^"]+\.css)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  expect(style).toBeDefined();

  const js = await fetch(`${running.url}${script}`);
  expect(js.status).toBe(200);
  expect(js.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
  expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  const css = await fetch(`${running.url}${style}`);
  expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");

  // A reload on one of the app's own paths gets the page.
  const deep = await fetch(`${running.url}/console/chats/CHAT_1`);
  expect(deep.status).toBe(200);
  expect(await deep.text()).toBe(html);
});

it("answers NOT_FOUND for missing assets and anything outside the assets directory", async () => {
  for (const path of ["/console/assets/nope.js", "/console/assets/..%2F..%2Fpackage.json", "/console/assets/index.html", "/console/assets/.hidden.js"]) {
    const response = await fetch(`${running.url}${path}`);
    expect([path, response.status]).toEqual([path, 404]);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  }
});
