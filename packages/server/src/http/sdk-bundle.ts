/** `GET /sdk/livechatsdk.js`: the SDK's browser bundle, for the integrators' `<script>` tag. @module */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { wireError } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { sendError } from "./errors.js";

/** The bundle's path, or undefined when the SDK has not been built. */
function bundlePath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve("@parley/sdk/livechatsdk.js");
  } catch {
    return undefined;
  }
}

export function sdkRoutes(app: FastifyInstance): void {
  app.get("/sdk/livechatsdk.js", async (_request, reply) => {
    // Resolved per request, so a bundle built after the server started is served.
    const path = bundlePath();
    const source = path === undefined ? undefined : await readFile(path).catch(() => undefined);
    if (source === undefined) {
      return sendError(reply, wireError("UNAVAILABLE", "The SDK bundle is not built; run `npm run build`."));
    }
    return reply.type("application/javascript; charset=utf-8").header("cache-control", "no-cache").send(source);
  });
}
