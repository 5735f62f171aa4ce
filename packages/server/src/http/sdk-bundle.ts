/** `GET /sdk/livechatsdk.js`: the SDK's browser bundle, for the integrators' `<script>` tag. @module */
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

/** Reads the bundle once; undefined while the SDK has not been built. */
async function readBundle(): Promise<Bundle | undefined> {
  try {
    const source = await readFile(createRequire(import.meta.url).resolve("@parley/sdk/livechatsdk.js"));
    return { source, etag: `"${createHash("sha256").update(source).digest("base64url").slice(0, 27)}"` };
  } catch {
    return undefined;
  }
}

export function sdkRoutes(app: FastifyInstance): void {
  // Every customer's page loads this script: keep it in memory, and let browsers revalidate
  // with the ETag (no-cache) so a new release is picked up at once.
  let bundle: Promise<Bundle | undefined> | undefined;
  app.get("/sdk/livechatsdk.js", async (request, reply) => {
    bundle ??= readBundle();
    const found = await bundle;
    if (found === undefined) {
      bundle = undefined; // try again on the next request: the SDK may be built meanwhile
      return sendError(reply, wireError("UNAVAILABLE", "The SDK bundle is not built; run `npm run build`."));
    }
    reply.header("cache-control", "no-cache").header("etag", found.etag);
    if (request.headers["if-none-match"] === found.etag) return reply.status(304).send();
    return reply.type("application/javascript; charset=utf-8").send(found.source);
  });
}
