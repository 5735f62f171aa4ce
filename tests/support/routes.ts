/**
 * The REST routes the app registers, read from Fastify's own route tree, so
 * that the attack suite can fail when a route appears that it does not try.
 * @module
 */
import { DEFAULT_LIMITS } from "@parley/protocol";
import { buildApp, type AppDeps } from "../../packages/server/src/http/app.js";
import { createLogger } from "../../packages/server/src/logger.js";

/**
 * Every `METHOD path` of the app (`GET /v1/chats`, `POST /livechat/:domain/…`).
 * The app is built and never listens: registering a route calls none of its
 * dependencies, so they are left empty here. Nothing is served by this app.
 */
export async function registeredRoutes(): Promise<string[]> {
  const deps = {
    logger: createLogger("silent"),
    trustProxy: false,
    limits: DEFAULT_LIMITS,
    secret: "route-listing-only",
    uploadsPerMinute: 1,
    contactsPerMinute: 1,
    loginsPerMinute: 1,
    readiness: {},
  } as unknown as AppDeps;
  const app = buildApp(deps);
  await app.ready();
  const tree = app.printRoutes({ commonPrefix: false });
  await app.close();
  return parseRouteTree(tree);
}

/**
 * Reads `printRoutes({ commonPrefix: false })`: one node a line, indented four
 * characters a level, each node's text appended to its parent's path, its
 * methods in parentheses.
 */
export function parseRouteTree(tree: string): string[] {
  const routes: string[] = [];
  const pathAt: string[] = [];
  for (const line of tree.split("\n")) {
    const match = /^([\s│]*)(?:[├└]── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (match === null) continue;
    const depth = (match[1] ?? "").length / 4;
    const path = (depth === 0 ? "" : (pathAt[depth - 1] ?? "")) + (match[2] ?? "");
    pathAt[depth] = path;
    pathAt.length = depth + 1;
    for (const method of (match[3] ?? "").split(",").map((m) => m.trim()).filter((m) => m !== "")) {
      routes.push(`${method} ${path}`);
    }
  }
  return routes.sort();
}
