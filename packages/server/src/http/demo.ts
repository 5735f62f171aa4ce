/**
 * `GET /`: the demo company page `npm start` shows a newcomer — an ordinary
 * page that embeds the customer widget with its one-line snippet, and links
 * agents to the console. @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import { DEMO_PAGE_SCHEMA } from "./schemas/assets.js";

// The same relative path from src/http and dist/http.
const DEMO_PAGE = new URL("../../public/demo.html", import.meta.url);

interface Page {
  html: Buffer;
  policy: string;
}

/**
 * The page's Content-Security-Policy: its own scripts only (the widget), and
 * its inline `<style>` blocks by hash, so no injected style or script runs.
 * The widget's own styles are constructed stylesheets, which the policy allows.
 */
export function demoPagePolicy(html: string): string {
  const hashes = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
    (match) => `'sha256-${createHash("sha256").update(match[1] ?? "").digest("base64")}'`,
  );
  return (
    `default-src 'self'; script-src 'self'; style-src 'self' ${hashes.join(" ")}; img-src 'self' data: blob:; ` +
    "connect-src 'self' ws: wss:; media-src 'self' data: blob:; object-src 'none'; base-uri 'none'; " +
    "form-action 'self'; frame-ancestors 'none'"
  );
}

async function loadPage(): Promise<Page> {
  const html = await readFile(DEMO_PAGE);
  return { html, policy: demoPagePolicy(html.toString("utf8")) };
}

export function demoRoutes(app: FastifyInstance): void {
  let page: Promise<Page> | undefined;
  app.get("/", { schema: DEMO_PAGE_SCHEMA }, async (_request, reply) => {
    page ??= loadPage();
    const { html, policy } = await page;
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").header("content-security-policy", policy).send(html);
  });
}
