/**
 * `/console`: the agent console, a single-page app built by Vite into
 * `packages/console/dist`. The page itself is revalidated on every load so a
 * new release is picked up at once; its assets carry a content hash in their
 * names and are cached for a year. Any other path under `/console/` is the
 * app's own route and gets the page.
 * @module
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { wireError } from "@parley/protocol";
import type { FastifyInstance, FastifyReply } from "fastify";
import { sendError } from "./errors.js";
import { CONSOLE_ASSET_SCHEMA, CONSOLE_PAGE_SCHEMA, CONSOLE_ROUTE_SCHEMA } from "./schemas/assets.js";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "application/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/** Only plain file names: nothing can climb out of the assets directory. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

// The page loads only its own scripts and styles; images may be data: or blob: (previews).
const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; " +
  "media-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

function distDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("@parley/console/package.json")), "dist");
  } catch {
    return undefined;
  }
}

export function consoleRoutes(app: FastifyInstance): void {
  const dist = distDir();
  const notBuilt = (reply: FastifyReply) =>
    sendError(reply, wireError("UNAVAILABLE", "The agent console is not built; run `npm run build`."));

  const page = async (_request: unknown, reply: FastifyReply) => {
    if (dist === undefined) return notBuilt(reply);
    let html: Buffer;
    try {
      html = await readFile(join(dist, "index.html"));
    } catch {
      return notBuilt(reply);
    }
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .header("content-security-policy", PAGE_POLICY)
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .send(html);
  };

  app.get("/console", { schema: CONSOLE_PAGE_SCHEMA }, page);
  app.get("/console/", { schema: CONSOLE_PAGE_SCHEMA }, page);
  app.get<{ Params: { name: string } }>("/console/assets/:name", { schema: CONSOLE_ASSET_SCHEMA }, async (request, reply) => {
    const { name } = request.params;
    const type = CONTENT_TYPES[name.slice(name.lastIndexOf("."))];
    if (dist === undefined || !ASSET_NAME.test(name) || type === undefined) return sendError(reply, wireError("NOT_FOUND"));
    let body: Buffer;
    try {
      body = await readFile(join(dist, "assets", name));
    } catch {
      return sendError(reply, wireError("NOT_FOUND"));
    }
    return reply
      .type(type)
      .header("cache-control", "public, max-age=31536000, immutable")
      .header("x-content-type-options", "nosniff")
      .send(body);
  });
  // The app's own routes (a reload on any of them) get the page.
  app.get("/console/*", { schema: CONSOLE_ROUTE_SCHEMA }, page);
}
