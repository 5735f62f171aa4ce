/**
 * A built browser script served from memory: what the integrators' and the
 * company site's `<script>` tags load (the SDK bundle, the widget). @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { wireError } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { sendError } from "./errors.js";
import { scriptSchema } from "./schemas/assets.js";

interface Script {
  source: Buffer;
  etag: string;
}

/** Reads the script once; undefined while it has not been built. */
async function readScript(specifier: string): Promise<Script | undefined> {
  try {
    const source = await readFile(createRequire(import.meta.url).resolve(specifier));
    return { source, etag: `"${createHash("sha256").update(source).digest("base64url").slice(0, 27)}"` };
  } catch {
    return undefined;
  }
}

/**
 * Serves the file a package exports as `specifier` at `path`. Every page load
 * fetches it: keep it in memory, and let browsers revalidate with the ETag
 * (no-cache) so that a new release reaches every page at once.
 */
export function scriptRoute(app: FastifyInstance, path: string, specifier: string, what: string): void {
  let script: Promise<Script | undefined> | undefined;
  app.get(path, { schema: scriptSchema(`${what}`) }, async (request, reply) => {
    script ??= readScript(specifier);
    const found = await script;
    if (found === undefined) {
      script = undefined; // try again on the next request: it may be built meanwhile
      return sendError(reply, wireError("UNAVAILABLE", `${what} is not built; run \`npm run build\`.`));
    }
    reply.header("cache-control", "no-cache").header("etag", found.etag);
    if (request.headers["if-none-match"] === found.etag) return reply.status(304).send();
    return reply.type("application/javascript; charset=utf-8").send(found.source);
  });
}
