/**
 * `GET /widget.js`: the customer chat widget, for the company site's one-line
 * `<script src="https://<parley-host>/widget.js" async>` snippet. @module
 */
import type { FastifyInstance } from "fastify";
import { scriptRoute } from "./script-route.js";

export function widgetRoutes(app: FastifyInstance): void {
  scriptRoute(app, "/widget.js", "@parley/widget/widget.js", "The widget");
}
