/**
 * `GET /`: the demo company page `npm start` shows a newcomer — an ordinary
 * page that embeds the customer widget with its one-line snippet, and links
 * agents to the console. @module
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
