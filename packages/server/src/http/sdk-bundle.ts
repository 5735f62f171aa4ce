/** `GET /sdk/livechatsdk.js`: the SDK's browser bundle, for the integrators' `<script>` tag. @module */
import type { FastifyInstance } from "fastify";
import { scriptRoute } from "./script-route.js";

export function sdkRoutes(app: FastifyInstance): void {
  scriptRoute(app, "/sdk/livechatsdk.js", "@parley/sdk/livechatsdk.js", "The SDK bundle");
}
