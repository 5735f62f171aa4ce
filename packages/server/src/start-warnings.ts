/**
 * What a first start leaves open, said once each at start: the defaults keep
 * `npm start` working on a laptop, and these lines tell an operator what to
 * close before going to production (docs/deploy.md has the check-list).
 * @module
 */
import type { ParleyConfig } from "./config.js";

const ALL_INTERFACES = new Set(["0.0.0.0", "::", "[::]"]);
const LOOPBACK = /^(127\.|::1$|localhost$)/;

/** One line per open door, empty when none is left open. */
export function startWarnings(config: Pick<ParleyConfig, "host" | "allowedOrigins" | "metricsToken">): string[] {
  const warnings: string[] = [];
  const isAllInterfaces = ALL_INTERFACES.has(config.host);
  if (isAllInterfaces) {
    warnings.push(`listening on all interfaces (${config.host}); behind a reverse proxy set HOST=127.0.0.1 (or --host)`);
  }
  if (config.metricsToken === null && !LOOPBACK.test(config.host)) {
    warnings.push("/metrics is open to anyone who reaches this port; set PARLEY_METRICS_TOKEN, or block /metrics at the proxy");
  }
  if (config.allowedOrigins === "*") {
    warnings.push("pages of every web site may use this server; set PARLEY_ALLOWED_ORIGINS to the company's sites (or --allowed-origins)");
  }
  return warnings;
}
