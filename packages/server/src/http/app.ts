/** The Fastify application: REST routes and error mapping. Sockets attach to its server. @module */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { ApiKeys } from "../auth/api-keys.js";
import type { LoginBackoff } from "../auth/login-backoff.js";
import type { TokenService } from "../auth/tokens.js";
import type { Limits } from "@parley/protocol";
import type { ChatService } from "../chat/service.js";
import type { AgentDesk } from "../desk/desk.js";
import type { MediaLibrary } from "../media/library.js";
import type { BlobStore } from "../blobs/types.js";
import { DEFAULT_CUSTOMER_DATA_LIMITS, type CustomerDataLimits } from "../lifecycle/customer-data.js";
import type { Store } from "../store/types.js";
import { DEFAULT_HTTP_GUARDS, type HttpGuards } from "../config.js";
import { apiKeyRoutes } from "./api-keys.js";
import { queueRoutes } from "./queues.js";
import { cannedRoutes } from "./canned-responses.js";
import { webhookRoutes } from "./webhooks.js";
import { WebhookAdmin } from "../integrations/webhook-admin.js";
import { agentRoutes } from "./agents.js";
import { AgentAdmin } from "../auth/agent-admin.js";
import { auditRoutes } from "./audit.js";
import { authRoutes } from "./auth.js";
import { callDataRoutes } from "./call-data.js";
import { chatCustomerRoutes } from "./chat-customer.js";
import { chatRoutes } from "./chats.js";
import { chatTranscriptRoutes } from "./chat-transcript.js";
import { supervisionRoutes } from "./supervision.js";
import { reportRoutes } from "./reports.js";
import { consoleRoutes } from "./console.js";
import { contactRoutes } from "./contacts.js";
import { corsRoutes } from "./cors.js";
import { customerRoutes } from "./customers.js";
import { demoRoutes } from "./demo.js";
import { installAuthentication } from "./authenticate.js";
import { installBodyGuards } from "./body-guard.js";
import { capConnections, capRequestsInFlight } from "./connection-guard.js";
import { installErrorHandlers } from "./errors.js";
import { faviconRoutes } from "./favicon.js";
import { healthRoutes, type ReadinessCheck } from "./health.js";
import { metricsRoutes } from "./metrics.js";
import type { ParleyMetrics } from "../metrics.js";
import { livechatRoutes } from "./livechat.js";
import { mediaRoutes } from "./media.js";
import { offlineMessageRoutes } from "./offline-messages.js";
import { invitationRoutes } from "./invitations.js";
import { queueHoursRoutes } from "./queue-hours.js";
import { prechatFormRoutes } from "./prechat-form.js";
import { surveyRoutes } from "./surveys.js";
import { OriginPolicy } from "../policy/origins.js";
import { installOpenApi } from "./openapi.js";
import { installRequestLog } from "./request-log.js";
import { installResponseCheck, type ResponseViolation } from "./response-check.js";
import { installSecurityHeaders } from "./security-headers.js";
import { tenantAdmins } from "./tenant-admin.js";
import { sdkRoutes } from "./sdk-bundle.js";
import type { AgentRoles } from "../auth/agent-roles.js";
import type { TenantGate } from "../auth/tenant-gate.js";
import type { TenantStatusWatch } from "../realtime/tenant-status.js";
import { tenantRoutes } from "./tenants.js";
import { widgetRoutes } from "./widget.js";

export interface AppDeps {
  logger: Logger;
  store: Store;
  /** Where media bytes live (exports read them, erasure and retention reclaim them). */
  blobs: BlobStore;
  /** Whether a tenant exists and is active (cached briefly). */
  tenants: TenantGate;
  /** Agents' roles, read from the store (cached briefly). */
  roles: AgentRoles;
  /** Tells every node a tenant changed. */
  tenantStatus: TenantStatusWatch;
  /** Host names mapped to tenants (config `tenantHosts`); none by default. */
  tenantHosts?: Record<string, string>;
  chat: ChatService;
  media: MediaLibrary;
  tokens: TokenService;
  /** Verifies API keys, and creates and revokes them. */
  apiKeys: ApiKeys;
  limits: Limits;
  /** Signs media download links. */
  secret: string;
  /** `POST /v1/contacts/:chatId/uploads` per client address per minute. */
  uploadsPerMinute: number;
  /** `POST /v1/contacts` per client address per minute. */
  contactsPerMinute: number;
  /** `POST /v1/auth/login` per client address per minute. */
  loginsPerMinute: number;
  /** Login attempts per username; one per app when absent. */
  loginBackoff?: LoginBackoff;
  /** Proxies whose `X-Forwarded-For` gives the client address (see config). */
  trustProxy: boolean | string[];
  metrics: ParleyMetrics;
  /** What `/readyz` checks, by name. */
  readiness: Record<string, ReadinessCheck>;
  /** Which browser pages may call the API (CORS). Default: any origin. */
  origins?: OriginPolicy;
  /** Timeouts and connection caps. Default: {@link DEFAULT_HTTP_GUARDS}. */
  http?: HttpGuards;
  /** A token `/metrics` requires; null (the default) leaves it open. */
  metricsToken?: string | null;
  /** How much one customer export or erasure may cover. Default: {@link DEFAULT_CUSTOMER_DATA_LIMITS}. */
  customerData?: CustomerDataLimits;
  /** The agents' desk (`GET /v1/chats?mine=true`). */
  desk?: AgentDesk;
  /** A tenant's webhook endpoints and their delivery logs (`/v1/webhooks`); one that announces nothing to other nodes when absent. */
  webhooks?: WebhookAdmin;
  /**
   * Checks every answer against its route's declared schema and reports the
   * ones outside it (tests and development; see response-check.ts). Off by default.
   */
  responseCheck?: (violation: ResponseViolation) => void;
  /** Agent administration (`/v1/agents`); without it, changes only the store (no sockets closed, no chats returned). */
  agentAdmin?: AgentAdmin;
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const guards = deps.http ?? DEFAULT_HTTP_GUARDS;
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast only drops pino-specific members from the type.
    loggerInstance: deps.logger as FastifyBaseLogger,
    // 1 MiB, Fastify's default, written down: REST bodies are small JSON.
    bodyLimit: 1024 * 1024,
    // Per-address limits key on request.ip: behind a proxy, it must come from X-Forwarded-For.
    trustProxy: deps.trustProxy,
    // Validate strictly: unknown fields are errors, not silently removed; no type coercion.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } },
    // One line per request, at debug (request-log.ts), with credentials out of the URL.
    logController: new LogController({ disableRequestLogging: true }),
    http: {
      // Headers that trickle in (slowloris) are cut off; checked every second rather than Node's 30 s.
      headersTimeout: guards.headersTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
    // A backstop behind body-guard.ts, which answers a slow body first with a coded 408.
    requestTimeout: guards.requestTimeoutMs + 5000,
  });
  // Both collect the routes as they are added: before any route.
  if (deps.responseCheck !== undefined) installResponseCheck(app, deps.responseCheck);
  installOpenApi(app);
  capConnections(app.server, guards, deps.trustProxy);
  installErrorHandlers(app);
  installRequestLog(app);
  installSecurityHeaders(app);
  corsRoutes(app, deps.origins ?? new OriginPolicy("*"));
  // After CORS (a page of a refused origin learns nothing more), before every route.
  installAuthentication(app, deps.tokens, { gate: deps.tenants, hosts: deps.tenantHosts ?? {} }, deps.apiKeys, deps.roles);
  capRequestsInFlight(app, guards);
  installBodyGuards(app, guards);
  healthRoutes(app, deps);
  metricsRoutes(app, { metrics: deps.metrics, metricsToken: deps.metricsToken ?? null });
  contactRoutes(app, deps);
  authRoutes(app, deps);
  chatRoutes(app, deps);
  callDataRoutes(app, deps);
  chatCustomerRoutes(app, deps);
  supervisionRoutes(app, deps);
  cannedRoutes(app, deps);
  reportRoutes(app, deps);
  tenantRoutes(app, deps);
  sdkRoutes(app);
  widgetRoutes(app);
  livechatRoutes(app, deps);
  mediaRoutes(app, deps);
  const admin = tenantAdmins(deps.roles);
  apiKeyRoutes(app, { ...deps, admin });
  queueRoutes(app, { store: deps.store, admin, queuesChanged: (tenant) => deps.desk?.queueChanged(tenant) });
  webhookRoutes(app, { webhooks: deps.webhooks ?? new WebhookAdmin({ store: deps.store, announce: () => undefined }), admin });
  agentRoutes(app, { admin, tenants: deps.tenants, agentAdmin: deps.agentAdmin ?? new AgentAdmin({ store: deps.store }) });
  auditRoutes(app, { store: deps.store, admin });
  customerRoutes(app, { ...deps, admin, customerData: deps.customerData ?? DEFAULT_CUSTOMER_DATA_LIMITS });
  surveyRoutes(app, { ...deps, admin });
  queueHoursRoutes(app, { ...deps, admin });
  invitationRoutes(app, { ...deps, admin });
  prechatFormRoutes(app, { ...deps, admin });
  offlineMessageRoutes(app, deps);
  chatTranscriptRoutes(app, deps);
  demoRoutes(app);
  faviconRoutes(app);
  consoleRoutes(app);
  return app;
}
