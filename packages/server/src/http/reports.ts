/**
 * `GET /v1/reports` (JSON) and `GET /v1/reports.csv` (the same rows as CSV, an
 * attachment): chats, waits, handle and first-response times and satisfaction
 * per day, queue or agent. For supervisors and admins (the role is read from
 * the store; `agent` → `ROLE_FORBIDDEN`), and API keys with `transcripts:read`
 * (reports are read from the chats that scope already reads).
 * @module
 */
import { Report, ReportQuery } from "@parley/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AgentRoles } from "../auth/agent-roles.js";
import { maySupervise } from "../desk/supervision.js";
import { ParleyError } from "../errors.js";
import { reportCsv } from "../reports/csv.js";
import { buildReport } from "../reports/service.js";
import type { Store } from "../store/types.js";
import { claimsOf, type AuthRule } from "./authenticate.js";
import { attachmentDisposition } from "./content-disposition.js";
import { ERRORS, text } from "./schemas/common.js";

export interface ReportRoutesDeps {
  store: Store;
  roles: AgentRoles;
}

const READ = { auth: { role: "agent", apiKeyScope: "transcripts:read" } satisfies AuthRule };

export function reportRoutes(app: FastifyInstance, deps: ReportRoutesDeps): void {
  /** The report the request asks for, once its caller may read reports. */
  const reportOf = async (request: FastifyRequest<{ Querystring: ReportQuery }>): Promise<Report> => {
    // The authentication hook admitted a key only with transcripts:read; a person needs a supervising role.
    if (request.apiKey === null && !maySupervise(await deps.roles.roleOf(claimsOf(request)))) {
      throw new ParleyError("ROLE_FORBIDDEN", "Only supervisors and admins read reports.");
    }
    return buildReport(deps.store.tenant(request.auth.tenant), request.query);
  };

  app.get<{ Querystring: ReportQuery }>(
    "/v1/reports",
    { schema: { querystring: ReportQuery, response: { 200: Report, ...ERRORS } }, config: READ },
    async (request, reply) => reply.header("cache-control", "no-store").send(await reportOf(request)),
  );

  app.get<{ Querystring: ReportQuery }>(
    "/v1/reports.csv",
    { schema: { querystring: ReportQuery, response: { 200: text("The report as CSV with a header row, an attachment.", "text/csv"), ...ERRORS } }, config: READ },
    async (request, reply) => {
      const report = await reportOf(request);
      return reply
        .header("content-type", "text/csv; charset=utf-8")
        .header("content-disposition", attachmentDisposition(`parley-report-${report.groupBy}-${report.from}-${report.to}.csv`))
        .header("cache-control", "no-store")
        .send(reportCsv(report));
    },
  );
}
