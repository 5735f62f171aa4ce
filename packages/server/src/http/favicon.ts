/** `GET /favicon.ico`: the icon browsers ask for on every page (Parley's speech bubble). @module */
import { readFile } from "node:fs/promises";
import type { FastifyInstance } from "fastify";
import { FAVICON_SCHEMA } from "./schemas/assets.js";

// The same relative path from src/http and dist/http.
const ICON = new URL("../../public/favicon.ico", import.meta.url);

export function faviconRoutes(app: FastifyInstance): void {
  let icon: Promise<Buffer> | undefined;
  app.get("/favicon.ico", { schema: FAVICON_SCHEMA }, async (_request, reply) => {
    icon ??= readFile(ICON);
    return reply.type("image/x-icon").header("cache-control", "public, max-age=86400").send(await icon);
  });
}
