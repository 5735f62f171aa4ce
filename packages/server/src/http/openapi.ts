/**
 * `GET /openapi.json`: an OpenAPI 3.1 document of every REST route, generated
 * at start from the schemas the routes declare (http/schemas/): Fastify's
 * `onRoute` hook collects each route as it is registered, so a route added
 * anywhere is in the document, with whatever schema it declares (a test fails
 * on a route that declares none).
 * @module
 */
import { createRequire } from "node:module";
import type { FastifyInstance, RouteOptions } from "fastify";
import type { AuthRule } from "./authenticate.js";
import { OPENAPI_SCHEMA } from "./schemas/operations.js";

/** One registered route, as the document needs it. */
export interface CollectedRoute {
  method: string;
  /** Fastify's path: `/v1/tenants/:name`, `/console/*`. */
  url: string;
  schema: Record<string, unknown> | undefined;
  auth: AuthRule | undefined;
}

type Json = Record<string, unknown>;

/** The path of the document. */
export const OPENAPI_PATH = "/openapi.json";

/** Tags of the areas, in the order the document lists them; a route names its own in `schema.tags`. */
const TAGS: { name: string; description: string }[] = [
  { name: "contacts", description: "Customers start chats." },
  { name: "auth", description: "Agents log in." },
  { name: "chats", description: "The agents' list of chats." },
  { name: "media", description: "Files: uploads and downloads." },
  { name: "back-office", description: "The original product's back-office calls, answering `{ result, error, … }`." },
  { name: "agents", description: "A tenant's agents, administered by its admins." },
  { name: "api-keys", description: "A tenant's API keys." },
  { name: "audit", description: "A tenant's audit log." },
  { name: "customers", description: "A customer's data: export and erasure." },
  { name: "tenants", description: "Tenants (companies) of the install." },
  { name: "operations", description: "Health, readiness, metrics and this document." },
  { name: "assets", description: "Pages and scripts for browsers." },
  { name: "cors", description: "CORS preflights." },
];

/** A route's credentials, from its `auth` rule: a Bearer token or API key, or the `ctlivetoken` header or query parameter. */
const TOKEN_SECURITY = [{ bearer: [] }, { ctlivetokenHeader: [] }, { ctlivetokenQuery: [] }];

const SECURITY_SCHEMES = {
  bearer: {
    type: "http",
    scheme: "bearer",
    description:
      "`Authorization: Bearer <token>`: an agent's session token (`POST /v1/auth/login`), a customer's token (`POST /v1/contacts`) " +
      "where the route admits customers, or an API key `pk_<tenant>_…` on the routes that name a scope for keys (`x-api-key-scope`).",
  },
  ctlivetokenHeader: { type: "apiKey", in: "header", name: "ctlivetoken", description: "The same token or API key in the original product's header." },
  ctlivetokenQuery: {
    type: "apiKey",
    in: "query",
    name: "ctlivetoken",
    description: "The same token or API key in the query, where the route's query admits it (prefer a header: URLs end up in histories).",
  },
  metricsToken: { type: "http", scheme: "bearer", description: "`PARLEY_METRICS_TOKEN`, when the operator set one." },
};

/** The server's version, from its package (the same relative path from src/http and dist/http). */
function serverVersion(): string {
  const manifest = createRequire(import.meta.url)("../../package.json") as { version?: string };
  return manifest.version ?? "0.0.0";
}

/** A TypeBox schema as plain JSON Schema: TypeBox's symbols dropped. */
function plain(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

/**
 * Moves every sub-schema that has a `title` into `components.schemas` (by
 * title) and refers to it, so shared shapes (the error bodies) appear once.
 */
function hoistTitled(schema: unknown, components: Record<string, Json>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => hoistTitled(item, components));
  if (schema === null || typeof schema !== "object") return schema;
  const walked = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, hoistTitled(value, components)]));
  const title = walked.title;
  if (typeof title !== "string" || !/^[A-Za-z0-9._-]+$/.test(title)) return walked;
  // Two different shapes under one title: the second stays inline rather than replace the first.
  const known = components[title];
  if (known !== undefined && JSON.stringify(known) !== JSON.stringify(walked)) return walked;
  components[title] = walked;
  return { $ref: `#/components/schemas/${title}` };
}

/** `/v1/tenants/:name` → `/v1/tenants/{name}`; a trailing `*` is the parameter `path`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, "{$1}").replace(/\*$/, "{path}");
}

/** The tag of a route that names none: its first path segment's area. */
function tagOf(url: string): string {
  if (url.startsWith("/livechat/")) return "back-office";
  const segment = url.split("/").filter((part) => part !== "" && part !== "v1")[0] ?? "";
  return TAGS.find((tag) => tag.name === segment)?.name ?? "operations";
}

function parametersOf(route: CollectedRoute): Json[] {
  const schema = route.schema ?? {};
  const list: Json[] = [];
  const from = (source: unknown, where: "path" | "query" | "header") => {
    if (source === undefined) return;
    const object = plain(source);
    const required = new Set(Array.isArray(object.required) ? (object.required as string[]) : []);
    for (const [name, property] of Object.entries((object.properties ?? {}) as Record<string, Json>)) {
      const { description, ...rest } = property;
      const parameter: Json = { name: where === "path" && name === "*" ? "path" : name, in: where, required: where === "path" || required.has(name), schema: rest };
      if (description !== undefined) parameter.description = description;
      list.push(parameter);
    }
  };
  from(schema.params, "path");
  from(schema.querystring, "query");
  from(schema.headers, "header");
  // A path parameter the route declares no schema for is still a parameter.
  for (const match of openApiPath(route.url).matchAll(/\{([^}]+)\}/g)) {
    const name = match[1] as string;
    if (!list.some((p) => p.in === "path" && p.name === name)) list.push({ name, in: "path", required: true, schema: { type: "string" } });
  }
  return list;
}

function responsesOf(route: CollectedRoute, components: Record<string, Json>): Json {
  const declared = (route.schema?.response ?? {}) as Record<string, unknown>;
  const responses: Json = {};
  for (const [status, value] of Object.entries(declared)) {
    const key = status.replace(/xx$/, "XX");
    const entry = plain(value);
    if (entry.content !== undefined && typeof entry.content === "object") {
      const content = Object.fromEntries(
        Object.entries(entry.content as Record<string, Json>).map(([type, media]) => [type, { schema: hoistTitled(media.schema, components) }]),
      );
      responses[key] = { description: entry.description ?? `${status} answer`, content };
    } else if (isBodySchema(entry)) {
      const description = typeof entry.description === "string" ? entry.description : status.startsWith("2") ? "Success." : "An error (see errors.md).";
      responses[key] = { description, content: { "application/json": { schema: hoistTitled(entry, components) } } };
    } else {
      responses[key] = { description: entry.description ?? `${status} answer` };
    }
  }
  return responses;
}

/** Whether a response entry describes a JSON body (rather than only a description: no body). */
function isBodySchema(entry: Json): boolean {
  return Object.keys(entry).some((key) => key !== "description");
}

/** `GET /v1/tenants/:name` → `getV1TenantsByName`; `/console/` → `getConsoleIndex`; `/console/*` → `getConsoleAny`. */
export function operationIdOf(route: Pick<CollectedRoute, "method" | "url">): string {
  const word = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  const parts = route.url.split("/").slice(1).map((segment, i, all) => {
    if (segment === "") return i === all.length - 1 && i > 0 ? "Index" : "";
    if (segment === "*") return "Any";
    if (segment.startsWith(":")) return `By${word(segment.slice(1))}`;
    return segment.split(/[^A-Za-z0-9]+/).map(word).join("");
  });
  return `${route.method.toLowerCase()}${parts.join("") || "Root"}`;
}

function operationOf(route: CollectedRoute, components: Record<string, Json>): Json {
  const schema = route.schema ?? {};
  const operation: Json = {
    operationId: operationIdOf(route),
    tags: Array.isArray(schema.tags) ? schema.tags : [tagOf(route.url)],
  };
  if (typeof schema.summary === "string") operation.summary = schema.summary;
  const notes: string[] = [];
  if (typeof schema.description === "string") notes.push(schema.description);
  if (route.auth !== undefined) {
    notes.push(route.auth.role === "agent" ? "For agents." : "For agents and for the customer of the chat.");
    if (route.auth.apiKeyScope !== undefined) notes.push(`API keys with the scope \`${route.auth.apiKeyScope}\` are accepted.`);
    if (route.auth.allowSignedLink === true) notes.push("A signed link (`expires`, `signature`, `tenant`) stands in for a token.");
  }
  if (notes.length > 0) operation.description = notes.join(" ");
  if (route.auth?.apiKeyScope !== undefined) operation["x-api-key-scope"] = route.auth.apiKeyScope;
  const parameters = parametersOf(route);
  if (parameters.length > 0) operation.parameters = parameters;
  if (schema.body !== undefined) {
    operation.requestBody = { required: true, content: { "application/json": { schema: hoistTitled(plain(schema.body), components) } } };
  } else if (Array.isArray(schema.consumes)) {
    const binary = { schema: { type: "string", contentMediaType: "application/octet-stream" } };
    operation.requestBody = { required: true, content: Object.fromEntries((schema.consumes as string[]).map((type) => [type, binary])) };
  }
  if (Array.isArray(schema.security)) operation.security = schema.security;
  else if (route.auth !== undefined) operation.security = route.auth.allowSignedLink === true ? [...TOKEN_SECURITY, {}] : TOKEN_SECURITY;
  else operation.security = [{}];
  operation.responses = responsesOf(route, components);
  return operation;
}

/** The OpenAPI 3.1 document of `routes`. */
export function openApiDocument(routes: readonly CollectedRoute[], version = serverVersion()): Json {
  const components: Record<string, Json> = {};
  const paths: Record<string, Json> = {};
  const sorted = [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
  for (const route of sorted) {
    const path = (paths[openApiPath(route.url)] ??= {});
    path[route.method.toLowerCase()] = operationOf(route, components);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Parley REST API",
      version,
      summary: "A self-hosted live chat for contact centers.",
      description: "Generated from the schemas the routes declare. The WebSocket protocol is described in docs/protocol.md.",
    },
    tags: TAGS,
    paths,
    components: { schemas: components, securitySchemes: SECURITY_SCHEMES },
  };
}

/**
 * Collects the routes registered after it and serves their document at
 * `GET /openapi.json` (no credentials needed). Call before adding the routes.
 * `HEAD` routes are left out: Fastify adds one to each `GET`, answering alike without a body.
 */
export function installOpenApi(app: FastifyInstance): void {
  const routes: CollectedRoute[] = [];
  app.addHook("onRoute", (options: RouteOptions) => {
    for (const method of [options.method].flat()) {
      if (method === "HEAD") continue;
      routes.push({ method, url: options.url, schema: options.schema as Json | undefined, auth: options.config?.auth });
    }
  });
  let document: string | undefined;
  app.addHook("onReady", async () => {
    document = JSON.stringify(openApiDocument(routes));
  });
  app.get(OPENAPI_PATH, { schema: OPENAPI_SCHEMA }, async (_request, reply) =>
    reply.type("application/json; charset=utf-8").header("cache-control", "no-cache").send(document ?? JSON.stringify(openApiDocument(routes))),
  );
}
