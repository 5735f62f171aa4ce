/** `POST /v1/auth/login`: an agent exchanges a password for a token. @module */
import { LoginBody, type LoginResponse } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { authenticateAgent } from "../auth/agents.js";
import { LoginBackoff } from "../auth/login-backoff.js";
import type { TokenService } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import { DEFAULT_TENANT } from "../store/tenant-db.js";
import type { Store } from "../store/types.js";
import { perAddressRateLimit } from "./rate-limit.js";

export interface AuthRoutesDeps {
  store: Store;
  tokens: TokenService;
  /** Login attempts per client address per minute (bounds password guessing). */
  loginsPerMinute: number;
  /** Login attempts per username (defaults: `DEFAULT_LOGIN_BACKOFF`). */
  loginBackoff?: LoginBackoff;
}

export function authRoutes(app: FastifyInstance, deps: AuthRoutesDeps): void {
  const options = { schema: { body: LoginBody }, onRequest: perAddressRateLimit(deps.loginsPerMinute) };
  const backoff = deps.loginBackoff ?? new LoginBackoff();
  app.post<{ Body: LoginBody }>("/v1/auth/login", options, async (request, reply) => {
    const { username, password } = request.body;
    // Checked before the password is: a waiting account costs no hashing, known or not.
    const waitMs = backoff.attempt(username);
    if (waitMs > 0) {
      void reply.header("retry-after", String(Math.ceil(waitMs / 1000)));
      throw new ParleyError("RATE_LIMITED", "Too many login attempts for this username; retry later.", { retryAfterMs: waitMs });
    }
    const agent = await authenticateAgent(deps.store.tenant(DEFAULT_TENANT), username, password);
    if (agent === undefined) throw new ParleyError("INVALID_CREDENTIALS");
    backoff.succeeded(username);
    const { token, expiresAt } = await deps.tokens.issueAgent(agent);
    const body: LoginResponse = {
      token,
      expiresAt: expiresAt.toISOString(),
      agent: { id: agent.id, username: agent.username, nickname: agent.nickname },
    };
    return body;
  });
}
