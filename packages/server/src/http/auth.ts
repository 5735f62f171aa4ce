/** `POST /v1/auth/login`: an agent exchanges a password for a token. @module */
import type { LoginBody, LoginResponse } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { authenticateAgent } from "../auth/agents.js";
import { LoginBackoff } from "../auth/login-backoff.js";
import type { TokenService } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import type { TenantGate } from "../auth/tenant-gate.js";
import type { Store } from "../store/types.js";
import { perAddressRateLimit } from "./rate-limit.js";
import { LOGIN_SCHEMA } from "./schemas/contacts.js";
import { agreedTenant, tenantOfHost } from "../policy/request-tenant.js";

export interface AuthRoutesDeps {
  store: Store;
  tenants: TenantGate;
  /** Host names mapped to tenants: a login at a mapped host is into that tenant. */
  tenantHosts?: Record<string, string>;
  tokens: TokenService;
  /** Login attempts per client address per minute (bounds password guessing). */
  loginsPerMinute: number;
  /** Login attempts per username (defaults: `DEFAULT_LOGIN_BACKOFF`). */
  loginBackoff?: LoginBackoff;
}

export function authRoutes(app: FastifyInstance, deps: AuthRoutesDeps): void {
  const options = { schema: LOGIN_SCHEMA, onRequest: perAddressRateLimit(deps.loginsPerMinute) };
  const backoff = deps.loginBackoff ?? new LoginBackoff();
  app.post<{ Body: LoginBody }>("/v1/auth/login", options, async (request, reply) => {
    const { username, password } = request.body;
    // The tenant named by the body and the one the host maps to must agree; `default` when neither names one.
    const tenant = agreedTenant(request.body.tenant, tenantOfHost(deps.tenantHosts ?? {}, request.headers.host));
    await deps.tenants.requireActive(tenant);
    // One account per tenant and username: `alice` of one tenant never slows down `alice` of another.
    const account = `${tenant} ${username}`;
    // Checked before the password is: a waiting account costs no hashing, known or not.
    const waitMs = backoff.attempt(account);
    if (waitMs > 0) {
      void reply.header("retry-after", String(Math.ceil(waitMs / 1000)));
      throw new ParleyError("RATE_LIMITED", "Too many login attempts for this username; retry later.", { retryAfterMs: waitMs });
    }
    const agent = await authenticateAgent(deps.store.tenant(tenant), username, password);
    if (agent === undefined) throw new ParleyError("INVALID_CREDENTIALS");
    // Told only to whoever knows the password: to anyone else a disabled account is a wrong password.
    if (agent.disabledAt !== null) throw new ParleyError("AGENT_DISABLED");
    backoff.succeeded(account);
    const { token, expiresAt } = await deps.tokens.issueAgent(agent);
    const body: LoginResponse = {
      token,
      expiresAt: expiresAt.toISOString(),
      agent: { id: agent.id, username: agent.username, nickname: agent.nickname, tenant: agent.tenant, role: agent.role },
    };
    return body;
  });
}
