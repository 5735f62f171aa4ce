/**
 * The customer chat widget, for the company site's one-line
 * `<script src="https://<parley-host>/widget.js" async>` snippet:
 * `GET /widget.js` is the small loader, which imports `GET /widget/main.js`
 * (the first view), which imports the rest (`GET /widget/<name>-<hash>.js`)
 * when it is needed. @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { wireError } from "@parley/protocol";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { sendError } from "./errors.js";
import { scriptRoute } from "./script-route.js";
import { WIDGET_MODULE_SCHEMA } from "./schemas/assets.js";

/** Only plain module names: nothing can climb out of the widget's directory. */
const MODULE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}\.js$/;
/** Chunks named by their content hash (`dist-DGeRkfox.js`) never change: cached for a year. */
const HASHED = /-[A-Za-z0-9_-]{8}\.js$/;

const ModuleParams = Type.Object({ name: Type.String({ maxLength: 128 }) }, { additionalProperties: false });

function modulesDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("@parley/widget/widget.js")), "widget");
  } catch {
    return undefined;
  }
}

export function widgetRoutes(app: FastifyInstance): void {
  scriptRoute(app, "/widget.js", "@parley/widget/widget.js", "The widget");
  const dir = modulesDir();
  const cache = new Map<string, { body: Buffer; etag: string }>();
  app.get<{ Params: { name: string } }>("/widget/:name", { schema: { ...WIDGET_MODULE_SCHEMA, params: ModuleParams } }, async (request, reply) => {
    const { name } = request.params;
    if (dir === undefined || !MODULE_NAME.test(name)) return sendError(reply, wireError("NOT_FOUND"));
    let found = cache.get(name);
    if (found === undefined) {
      try {
        const body = await readFile(join(dir, name));
        found = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
        // Hashed chunks are immutable; main.js changes with each release and is read again then.
        if (HASHED.test(name)) cache.set(name, found);
      } catch {
        return sendError(reply, wireError("NOT_FOUND"));
      }
    }
    // Module scripts are fetched with CORS from the company's page: these files are public, as widget.js is.
    void reply.header("access-control-allow-origin", "*").header("etag", found.etag);
    void reply.header("cache-control", HASHED.test(name) ? "public, max-age=31536000, immutable" : "no-cache");
    if (request.headers["if-none-match"] === found.etag) return reply.status(304).send();
    return reply.type("application/javascript; charset=utf-8").send(found.body);
  });
}
