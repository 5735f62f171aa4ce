/**
 * Schemas of what browsers load: the demo page, the console and its assets,
 * the SDK bundle, the widget, the icon, and the CORS preflight.
 * @module
 */
import { Type } from "@sinclair/typebox";
import { ConditionalHeaders, ERRORS, bytes, noBody, text, type RouteSchema } from "./common.js";

const TAGS = ["assets"];
const PUBLIC = [{}];

export const DEMO_PAGE_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "The demo company page, with the widget embedded",
  security: PUBLIC,
  response: { 200: text("The page.", "text/html"), ...ERRORS },
};

/** `/widget.js` and `/sdk/livechatsdk.js`. */
export function scriptSchema(summary: string): RouteSchema {
  return {
    tags: TAGS,
    summary,
    security: PUBLIC,
    headers: ConditionalHeaders,
    response: { 200: text("The script.", "application/javascript"), 304: noBody("The copy the client holds is current."), ...ERRORS },
  };
}

/** `GET /widget/:name`: a module of the widget (its params are declared next to the route). */
export const WIDGET_MODULE_SCHEMA: Omit<RouteSchema, "params"> = {
  tags: TAGS,
  summary: "A module of the widget, imported by `/widget.js` (hashed names are immutable)",
  security: PUBLIC,
  headers: ConditionalHeaders,
  response: { 200: text("The module.", "application/javascript"), 304: noBody("The copy the client holds is current."), ...ERRORS },
};

export const FAVICON_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "Parley's icon",
  security: PUBLIC,
  response: { 200: bytes("The icon.", "image/x-icon"), ...ERRORS },
};

export const CONSOLE_PAGE_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "The agent console (a single-page app)",
  security: PUBLIC,
  response: { 200: text("The console's page.", "text/html"), ...ERRORS },
};

export const CONSOLE_ROUTE_SCHEMA: RouteSchema = {
  ...CONSOLE_PAGE_SCHEMA,
  summary: "The agent console, at one of its own routes",
  params: Type.Object({ "*": Type.String({ description: "The console's own route." }) }),
};

export const CONSOLE_ASSET_SCHEMA: RouteSchema = {
  tags: TAGS,
  summary: "A built asset of the console (its name carries a content hash)",
  security: PUBLIC,
  params: Type.Object({ name: Type.String() }),
  response: {
    200: bytes(
      "The asset.",
      "application/javascript",
      "text/css",
      "application/json",
      "image/svg+xml",
      "image/png",
      "font/woff2",
    ),
    ...ERRORS,
  },
};

export const PREFLIGHT_SCHEMA: RouteSchema = {
  tags: ["cors"],
  summary: "CORS preflight of the `/v1/…` routes",
  security: PUBLIC,
  params: Type.Object({ "*": Type.String() }),
  response: { 204: noBody("The methods and headers pages of the allowed origins may use."), ...ERRORS },
};
