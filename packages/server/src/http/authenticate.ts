/**
 * Authentication of HTTP routes, in one place: one `onRequest` hook reads the
 * credential once — `Authorization: Bearer`, the `ctlivetoken` header or the
 * `ctlivetoken` query parameter — verifies it (a session token, or an API key
 * `pk_…`, see auth/api-keys.ts), and sets its claims on the request. Routes declare what they need in their config (`auth`); the hook
 * runs before the body is read, so an unauthenticated request with a large or
 * stalled body is refused at once and its body is never read.
 *
 * The same hook settles the request's tenant (policy/request-tenant.ts): the
 * token's, the API key's (or the signed link's), which the route's `:domain`
 * and the host name mapping must agree with, and which must be an active
 * tenant. A token or key sent along with a signed link must name the link's
 * tenant too.
 * @module
 */
import { ERRORS, type ApiKeyScope } from "@parley/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isApiKeyForm, type ApiKeyAuth, type ApiKeys } from "../auth/api-keys.js";
import type { AgentRoles } from "../auth/agent-roles.js";
import type { TenantGate } from "../auth/tenant-gate.js";
import type { TokenClaims, TokenService } from "../auth/tokens.js";
import { ParleyError, toWireError } from "../errors.js";
import { DEFAULT_TENANT, TENANT_NAME } from "../store/tenant-db.js";
import { sendError } from "./errors.js";
import { agreedTenant, tenantOfHost } from "../policy/request-tenant.js";

/** What a route needs from its caller. */
export interface AuthRule {
  /** `agent`: an agent token; `any`: any valid token (a customer's or an agent's). */
  role: "agent" | "any";
  /** Media downloads: a signed link (`expires` and `signature` in the query) stands in for a token. */
  allowSignedLink?: boolean;
  /**
   * The original product's back-office calls answer errors as
   * `{ result: false, error, code }`, and live under `/:domain`.
   */
  isBackOffice?: boolean;
  /**
   * The scope an API key needs to make this call. A route without one refuses
   * API keys (`API_KEY_SCOPE`): a key opens only what is declared for it.
   */
  apiKeyScope?: ApiKeyScope;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Set on routes that need a token; see {@link AuthRule}. */
    auth?: AuthRule;
  }
  interface FastifyRequest {
    /**
     * The verified claims of the request's token; null on routes without `auth` (and signed-link downloads).
     * An API key acts as an agent of its tenant named after the key (see {@link apiKeyActor}).
     */
    claims: TokenClaims | null;
    /** The API key the request authenticated with; null for session tokens and routes without `auth`. */
    apiKey: ApiKeyAuth | null;
    /** Who the request is for, on routes with `auth`: its tenant, and the token's claims (null for a signed link). */
    auth: RequestAuth;
  }
}

/** The tenant of an authenticated request, and the claims of its token. */
export interface RequestAuth {
  /** Every query the route makes is this tenant's (`store.tenant(request.auth.tenant)`). */
  tenant: string;
  claims: TokenClaims | null;
}

/** What the hook needs besides the tokens. */
export interface TenantResolution {
  gate: TenantGate;
  /** Host names mapped to tenants (config `tenantHosts`). */
  hosts: Record<string, string>;
}

/** The one credential of a request: a Bearer token, or the `ctlivetoken` header or query parameter. */
export function credentialOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ") === true) return header.slice(7).trim();
  const own = request.headers.ctlivetoken;
  if (typeof own === "string" && own !== "") return own;
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = query?.ctlivetoken;
  if (typeof fromQuery === "string" && fromQuery !== "") return fromQuery;
  if (header !== undefined) throw new ParleyError("AUTH_INVALID_TOKEN", "Use an Authorization: Bearer token.");
  return undefined;
}

function hasSignedLink(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  return query?.expires !== undefined || query?.signature !== undefined;
}

/** The `:domain` of a back-office route, when it names an existing tenant; `TENANT_NOT_FOUND` otherwise. */
async function domainOf(request: FastifyRequest, rule: AuthRule, tenants: TenantResolution): Promise<string | undefined> {
  const domain = (request.params as { domain?: string } | undefined)?.domain;
  if (rule.isBackOffice !== true || domain === undefined) return undefined;
  if (!TENANT_NAME.test(domain) || (await tenants.gate.find(domain)) === undefined) throw new ParleyError("TENANT_NOT_FOUND", "Unknown domain.");
  return domain;
}

/**
 * Who an API key acts as in a chat (a back-office send joins the chat): an
 * agent of the key's tenant whose user id is derived from the key's id, named
 * after the key.
 */
export function apiKeyActor(key: ApiKeyAuth): TokenClaims {
  return { userId: `USER_${key.keyId.slice("KEY_".length)}`, tenant: key.tenant, role: "agent", nickname: key.name, username: key.keyId };
}

/** Admits an API key where the rule declares a scope it holds; throws the coded reason otherwise. */
async function admitApiKey(apiKeys: ApiKeys, request: FastifyRequest, rule: AuthRule, credential: string): Promise<TokenClaims> {
  const key = await apiKeys.verify(credential);
  if (rule.apiKeyScope === undefined) throw new ParleyError("API_KEY_SCOPE", "API keys cannot make this call.");
  if (!key.scopes.includes(rule.apiKeyScope)) {
    throw new ParleyError("API_KEY_SCOPE", `This call needs the scope ${rule.apiKeyScope}.`, { required: rule.apiKeyScope });
  }
  request.apiKey = key;
  return apiKeyActor(key);
}

/** What a route's rule admits; throws the coded reason otherwise. */
async function admit(tokens: TokenService, apiKeys: ApiKeys, tenants: TenantResolution, request: FastifyRequest, rule: AuthRule): Promise<RequestAuth> {
  const domain = await domainOf(request, rule, tenants);
  const host = tenantOfHost(tenants.hosts, request.headers.host);
  let claims: TokenClaims | null = null;
  let credited: string;
  if (rule.allowSignedLink === true && hasSignedLink(request)) {
    // The link's signature covers its tenant; the download route checks it.
    const named = (request.query as Record<string, unknown> | undefined)?.tenant;
    credited = typeof named === "string" ? named : DEFAULT_TENANT;
    // The link alone opens the file, but a token or key sent with it is one more source of the tenant, and must agree.
    const alongside = credentialOf(request);
    if (alongside !== undefined) {
      const presented = isApiKeyForm(alongside) ? (await apiKeys.verify(alongside)).tenant : (await tokens.verify(alongside)).tenant;
      agreedTenant(credited, presented);
    }
  } else {
    const token = credentialOf(request);
    if (token === undefined) throw new ParleyError("AUTH_REQUIRED");
    // A key's tenant is the one its text names: the route's `:domain` and the host must agree with it, as with a token's.
    claims = isApiKeyForm(token) ? await admitApiKey(apiKeys, request, rule, token) : await tokens.verify(token);
    if (rule.role === "agent" && claims.role !== "agent") {
      throw new ParleyError("FORBIDDEN", rule.isBackOffice === true ? "Back-office calls need an agent token." : "This call is for agents.");
    }
    credited = claims.tenant;
  }
  const tenant = agreedTenant(credited, domain, host);
  await tenants.gate.requireActive(tenant);
  return { tenant, claims };
}

/** Answers a refusal in the route's own error shape. */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, error: unknown, isBackOffice: boolean): FastifyReply {
  const wire = toWireError(error);
  if (!(error instanceof ParleyError)) request.log.error({ err: error }, "authentication failed");
  if (isBackOffice) return reply.status(ERRORS[wire.code].status).send({ result: false, error: wire.message, code: wire.code });
  return sendError(reply, wire);
}

/** Installs the hook; call before the routes are added. */
export function installAuthentication(app: FastifyInstance, tokens: TokenService, tenants: TenantResolution, apiKeys: ApiKeys, roles?: AgentRoles): void {
  app.decorateRequest("claims", null);
  app.decorateRequest("apiKey", null);
  app.decorateRequest("auth", null as unknown as RequestAuth);
  app.addHook("onRequest", async (request, reply) => {
    const rule = request.routeOptions.config.auth;
    if (rule === undefined) return;
    try {
      request.auth = await admit(tokens, apiKeys, tenants, request, rule);
      request.claims = request.auth.claims;
      // A disabled agent's tokens stop working at once, whatever their expiry (auth/agent-roles.ts).
      const { claims } = request.auth;
      if (claims !== null && request.apiKey === null && (await roles?.isDisabled(claims)) === true) throw new ParleyError("AGENT_DISABLED");
    } catch (error) {
      return sendRefusal(request, reply, error, rule.isBackOffice === true);
    }
  });
}

/** The claims set by the hook on a route whose rule needs a token. */
export function claimsOf(request: FastifyRequest): TokenClaims {
  if (request.claims === null) throw new ParleyError("AUTH_REQUIRED");
  return request.claims;
}
