/** `POST /v1/auth/login`: an agent exchanges a password for a token. @module */
import { LoginBody, type LoginResponse } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { authenticateAgent } from "../auth/agents.js";
import type { TokenService } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import type { Store } from "../store/types.js";
import { perAddressRateLimit } from "./rate-limit.js";

export interface AuthRoutesDeps {
  store: Store;
  tokens: TokenService;
  /** Login attempts per client address per minute (bounds password guessing). */
  loginsPerMinute: number;
}

export function authRoutes(app: FastifyInstance, deps: AuthRoutesDeps): void {
  const options = { schema: { body: LoginBody }, onRequest: perAddressRateLimit(deps.loginsPerMinute) };
  app.post<{ Body: LoginBody }>("/v1/auth/login", options, async (request) => {
    const agent = await authenticateAgent(deps.store, request.body.username, request.body.password);
    if (agent === undefined) throw new ParleyError("INVALID_CREDENTIALS");
    const { token, expiresAt } = await deps.tokens.issueAgent(agent);
    const body: LoginResponse = {
      token,
      expiresAt: expiresAt.toISOString(),
      agent: { id: agent.id, username: agent.username, nickname: agent.nickname },
    };
    return body;
  });
}
