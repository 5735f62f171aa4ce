/**
 * A company site of its own origin for the widget's browser tests: each
 * path's page, registered by the test, has the `Parley` stub, a listener
 * that keeps the widget's host-page events in `window.parleyEvents`, and the
 * widget's snippet.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { waitFor } from "./wait.js";

/** The stub a page puts before the snippet (docs/widget.md): `Parley.*` calls wait until the widget runs them. */
const STUB =
  'window.Parley=window.Parley||{q:[]};["open","close","setAttributes","on"].forEach(function(m){Parley[m]=Parley[m]||function(){Parley.q.push([m].concat([].slice.call(arguments)))}});';

export interface SitePage {
  lang?: string;
  attributes?: string;
  /** Script run before the widget's, after the stub. */
  before?: string;
  /** The server the widget talks to, when not the one it is loaded from. */
  server?: string;
}

/** A company site of its own origin; each path's page is registered by the test. */
export async function companySite(parleyUrl: () => string): Promise<{ server: Server; origin: string; pages: Map<string, SitePage> }> {
  const pages = new Map<string, SitePage>();
  const server = createServer((request, response) => {
    const page = pages.get(request.url ?? "");
    if (!page) {
      response.writeHead(404).end();
      return;
    }
    const server = page.server === undefined ? "" : `data-server="${page.server}"`;
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(`<!doctype html><html${page.lang === undefined ? "" : ` lang="${page.lang}"`}><head><meta charset="utf-8"><title>Shop</title>
<script>
window.parleyEvents = [];
addEventListener("message", function (event) { if (event.data && event.data.source === "parley") parleyEvents.push(event.data); });
${STUB}
${page.before ?? ""}
</script></head><body><h1>Our shop</h1>
<script src="${parleyUrl()}/widget.js" async ${page.attributes ?? ""} ${server}></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pages };
}

/** The events the page's `message` listener received, by name. */
export function pageEvents(page: Page): Promise<{ event: string; chatId?: string; survey?: boolean; invitation?: string }[]> {
  return page.evaluate(() => (window as unknown as { parleyEvents: { event: string; chatId?: string; survey?: boolean; invitation?: string }[] }).parleyEvents);
}

/** Waits for at least `count` host-page events; their names. */
export async function waitForEvents(page: Page, count: number): Promise<string[]> {
  let names: string[] = [];
  await waitFor(
    async () => (names = (await pageEvents(page)).map((e) => e.event)).length >= count,
    () => `${count} host-page events, got ${names.join(", ")}`,
  );
  return names;
}
