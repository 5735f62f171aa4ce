/**
 * `GET /`: the demo page `npm start` shows a newcomer — a customer and an agent
 * side by side, both on the SDK's browser bundle. @module
 */
import { readFile } from "node:fs/promises";
import type { FastifyInstance } from "fastify";

// The same relative path from src/http and dist/http.
const DEMO_PAGE = new URL("../../public/demo.html", import.meta.url);

export function demoRoutes(app: FastifyInstance): void {
  let page: Promise<Buffer> | undefined;
  app.get("/", async (_request, reply) => {
    page ??= readFile(DEMO_PAGE);
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(await page);
  });
}
