/**
 * The structure of an OpenAPI 3.1 document, as far as Parley's document uses
 * it, as a JSON Schema (TypeBox) of our own, plus the checks a schema cannot
 * express: references resolve, path parameters match their templates,
 * operation ids are unique, security requirements name declared schemes.
 * @module
 */
import { Type, type TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

const Strict = { additionalProperties: false } as const;
const JsonSchema = Type.Object({}, { additionalProperties: true });
const MediaType = Type.Object({ schema: Type.Optional(JsonSchema) }, Strict);
const Content = Type.Record(Type.String({ pattern: "^[a-z]+/[a-z0-9.+*-]+$" }), MediaType);
const Parameter = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    in: Type.Union([Type.Literal("path"), Type.Literal("query"), Type.Literal("header"), Type.Literal("cookie")]),
    required: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String()),
    schema: Type.Optional(JsonSchema),
  },
  Strict,
);
const Response = Type.Object({ description: Type.String(), content: Type.Optional(Content), headers: Type.Optional(Type.Record(Type.String(), JsonSchema)) }, Strict);
const SecurityRequirement = Type.Record(Type.String(), Type.Array(Type.String()));
const Operation = Type.Object(
  {
    operationId: Type.Optional(Type.String({ minLength: 1 })),
    tags: Type.Optional(Type.Array(Type.String())),
    summary: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    parameters: Type.Optional(Type.Array(Parameter)),
    requestBody: Type.Optional(Type.Object({ description: Type.Optional(Type.String()), required: Type.Optional(Type.Boolean()), content: Content }, Strict)),
    responses: Type.Record(Type.String({ pattern: "^([1-5](\\d\\d|XX)|default)$" }), Response, { minProperties: 1 }),
    security: Type.Optional(Type.Array(SecurityRequirement)),
    deprecated: Type.Optional(Type.Boolean()),
    "x-api-key-scope": Type.Optional(Type.String()),
  },
  Strict,
);
const Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const PathItem = Type.Object(
  { summary: Type.Optional(Type.String()), description: Type.Optional(Type.String()), ...Object.fromEntries(Methods.map((m) => [m, Type.Optional(Operation)])) },
  Strict,
);
const SecurityScheme = Type.Union([
  Type.Object({ type: Type.Literal("http"), scheme: Type.String(), bearerFormat: Type.Optional(Type.String()), description: Type.Optional(Type.String()) }, Strict),
  Type.Object(
    {
      type: Type.Literal("apiKey"),
      in: Type.Union([Type.Literal("query"), Type.Literal("header"), Type.Literal("cookie")]),
      name: Type.String(),
      description: Type.Optional(Type.String()),
    },
    Strict,
  ),
]);

/** An OpenAPI 3.1 document (the parts of the specification Parley's document may use). */
export const OpenApi31: TSchema = Type.Object(
  {
    openapi: Type.String({ pattern: "^3\\.1\\.\\d+$" }),
    info: Type.Object(
      {
        title: Type.String({ minLength: 1 }),
        version: Type.String({ minLength: 1 }),
        summary: Type.Optional(Type.String()),
        description: Type.Optional(Type.String()),
      },
      Strict,
    ),
    jsonSchemaDialect: Type.Optional(Type.String()),
    servers: Type.Optional(Type.Array(Type.Object({ url: Type.String(), description: Type.Optional(Type.String()) }, Strict))),
    tags: Type.Optional(Type.Array(Type.Object({ name: Type.String(), description: Type.Optional(Type.String()) }, Strict))),
    paths: Type.Record(Type.String({ pattern: "^/" }), PathItem),
    components: Type.Optional(
      Type.Object(
        {
          schemas: Type.Optional(Type.Record(Type.String({ pattern: "^[A-Za-z0-9._-]+$" }), JsonSchema)),
          securitySchemes: Type.Optional(Type.Record(Type.String({ pattern: "^[A-Za-z0-9._-]+$" }), SecurityScheme)),
        },
        Strict,
      ),
    ),
    security: Type.Optional(Type.Array(SecurityRequirement)),
  },
  Strict,
);

type Json = Record<string, unknown>;

/** Every `$ref` in `value`, with where it is. */
function refsOf(value: unknown, at: string, found: { at: string; ref: string }[] = []): { at: string; ref: string }[] {
  if (Array.isArray(value)) value.forEach((item, i) => refsOf(item, `${at}/${i}`, found));
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "$ref" && typeof item === "string") found.push({ at, ref: item });
      else refsOf(item, `${at}/${key}`, found);
    }
  }
  return found;
}

function resolve(document: Json, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .reduce<unknown>((node, part) => (node !== null && typeof node === "object" ? (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")] : undefined), document);
}

/** What is wrong with `document` as an OpenAPI 3.1 document; empty when nothing is. */
export function openApiProblems(document: unknown): string[] {
  const problems = [...Value.Errors(OpenApi31, document)].map((error) => `${error.path}: ${error.message}`);
  if (problems.length > 0) return problems;
  const doc = document as Json;
  for (const { at, ref } of refsOf(doc, "")) if (resolve(doc, ref) === undefined) problems.push(`${at}: $ref ${ref} does not resolve`);
  const schemes = new Set(Object.keys(((doc.components as Json | undefined)?.securitySchemes ?? {}) as Json));
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, operation] of Object.entries(item as Record<string, Json>)) {
      const where = `${method.toUpperCase()} ${path}`;
      const id = operation.operationId as string | undefined;
      if (id !== undefined) {
        if (ids.has(id)) problems.push(`${where}: operationId ${id} is used twice`);
        ids.add(id);
      }
      const parameters = (operation.parameters ?? []) as Json[];
      const inPath = parameters.filter((p) => p.in === "path");
      for (const p of inPath) {
        if (p.required !== true) problems.push(`${where}: path parameter ${String(p.name)} must be required`);
        if (!templated.includes(p.name as string)) problems.push(`${where}: path parameter ${String(p.name)} is not in the path`);
      }
      for (const name of templated) if (!inPath.some((p) => p.name === name)) problems.push(`${where}: {${name}} is not declared`);
      const keys = parameters.map((p) => `${String(p.in)} ${String(p.name)}`);
      if (new Set(keys).size !== keys.length) problems.push(`${where}: a parameter is declared twice`);
      for (const requirement of (operation.security ?? []) as Json[]) {
        for (const name of Object.keys(requirement)) if (!schemes.has(name)) problems.push(`${where}: security scheme ${name} is not declared`);
      }
    }
  }
  return problems;
}
