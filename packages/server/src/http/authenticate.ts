/**
 * Authentication of HTTP routes, in one place: one `onRequest` hook reads the
 * credential once — `Authorization: Bearer`, the `ctlivetoken` header or the
 * `ctlivetoken` query parameter — verifies it (a session token, or an API key
 * `pk_…`, see auth/api-keys.ts), and sets its claims on the request. Routes declare what they need in their config (`auth`); the hook
 * runs before the body is read, so an unauthenticated request with a large or
 * stalled body is refused at once and its body is never read.
 * @module
 */
import { ERRORS, type ApiKeyScope } from "@parley/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isApiKeyForm, type ApiKeyAuth, type ApiKeys } from "../auth/api-keys.js";
import type { TokenClaims, TokenService } from "../auth/tokens.js";
import { ParleyError, toWireError } from "../errors.js";
import { DEFAULT_TENANT } from "../store/tenant-db.js";
import { sendError } from "./errors.js";

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
  }
}

/** A single-tenant install answers to the tenant name `default` only. */
export const DOMAIN = "default";

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

/**
 * Who an API key acts as in a chat (a back-office send joins the chat): an
 * agent whose user id is derived from the key's id, named after the key.
 */
export function apiKeyActor(key: ApiKeyAuth): TokenClaims {
  return { userId: `USER_${key.keyId.slice("KEY_".length)}`, role: "agent", nickname: key.name, username: key.keyId };
}

/** How a route's rule admits a request's credential. */
interface Verifiers {
  tokens: TokenService;
  apiKeys: ApiKeys;
}

/**
 * The tenant whose chats the chat routes serve when no `:domain` names one.
 * The chat service serves the default tenant; a key of another tenant must
 * not reach its chats through a route that names no tenant.
 */
const CHAT_ROUTES_TENANT = DEFAULT_TENANT;

/** Admits an API key where the rule declares a scope it holds, in its own tenant; throws the coded reason otherwise. */
async function admitApiKey(verifiers: Verifiers, request: FastifyRequest, rule: AuthRule, credential: string): Promise<TokenClaims> {
  const key = await verifiers.apiKeys.verify(credential);
  if (rule.apiKeyScope === undefined) throw new ParleyError("API_KEY_SCOPE", "API keys cannot make this call.");
  if (!key.scopes.includes(rule.apiKeyScope)) {
    throw new ParleyError("API_KEY_SCOPE", `This call needs the scope ${rule.apiKeyScope}.`, { required: rule.apiKeyScope });
  }
  // Managing keys acts in the key's own tenant; every other route acts in the tenant its `:domain` names.
  const domain = (request.params as { domain?: string }).domain;
  const routeTenant = rule.apiKeyScope === "config:manage" ? key.tenant : (domain ?? CHAT_ROUTES_TENANT);
  if (routeTenant !== key.tenant) throw new ParleyError("TENANT_MISMATCH", "This API key belongs to another tenant.");
  request.apiKey = key;
  return apiKeyActor(key);
}

/** The claims a route's rule admits; throws the coded reason otherwise. */
async function admit(verifiers: Verifiers, request: FastifyRequest, rule: AuthRule): Promise<TokenClaims | null> {
  if (rule.isBackOffice === true && (request.params as { domain?: string }).domain !== undefined) {
    if ((request.params as { domain?: string }).domain !== DOMAIN) throw new ParleyError("NOT_FOUND", "Unknown domain.");
  }
  if (rule.allowSignedLink === true && hasSignedLink(request)) return null;
  const token = credentialOf(request);
  if (token === undefined) throw new ParleyError("AUTH_REQUIRED");
  if (isApiKeyForm(token)) return admitApiKey(verifiers, request, rule, token);
  const claims = await verifiers.tokens.verify(token);
  if (rule.role === "agent" && claims.role !== "agent") {
    throw new ParleyError("FORBIDDEN", rule.isBackOffice === true ? "Back-office calls need an agent token." : "This call is for agents.");
  }
  return claims;
}

/** Answers a refusal in the route's own error shape. */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, error: unknown, isBackOffice: boolean): FastifyReply {
  const wire = toWireError(error);
  if (!(error instanceof ParleyError)) request.log.error({ err: error }, "authentication failed");
  if (isBackOffice) return reply.status(ERRORS[wire.code].status).send({ result: false, error: wire.message, code: wire.code });
  return sendError(reply, wire);
}

/** Installs the hook; call before the routes are added. */
export function installAuthentication(app: FastifyInstance, tokens: TokenService, apiKeys: ApiKeys): void {
  app.decorateRequest("claims", null);
  app.decorateRequest("apiKey", null);
  app.addHook("onRequest", async (request, reply) => {
    const rule = request.routeOptions.config.auth;
    if (rule === undefined) return;
    try {
      request.claims = await admit({ tokens, apiKeys }, request, rule);
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
