/**
 * `GET /widget.js`: the customer chat widget, for the company site's one-line
 * `<script src="https://<parley-host>/widget.js" async>` snippet. @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { wireError } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { sendError } from "./errors.js";

interface Bundle {
  source: Buffer;
  etag: string;
}

/** Reads the built widget once; undefined while it has not been built. */
async function readBundle(): Promise<Bundle | undefined> {
  try {
    const source = await readFile(createRequire(import.meta.url).resolve("@parley/widget/widget.js"));
    return { source, etag: `"${createHash("sha256").update(source).digest("base64url").slice(0, 27)}"` };
  } catch {
    return undefined;
  }
}

export function widgetRoutes(app: FastifyInstance): void {
  // Every page of the company site loads this script: keep it in memory, and let browsers
  // revalidate with the ETag (no-cache) so that a new release reaches every page at once.
  let bundle: Promise<Bundle | undefined> | undefined;
  app.get("/widget.js", async (request, reply) => {
    bundle ??= readBundle();
    const found = await bundle;
    if (found === undefined) {
      bundle = undefined; // try again on the next request: the widget may be built meanwhile
      return sendError(reply, wireError("UNAVAILABLE", "The widget is not built; run `npm run build`."));
    }
    reply.header("cache-control", "no-cache").header("etag", found.etag);
    if (request.headers["if-none-match"] === found.etag) return reply.status(304).send();
    return reply.type("application/javascript; charset=utf-8").send(found.source);
  });
}
