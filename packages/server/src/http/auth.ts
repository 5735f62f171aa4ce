/** `POST /v1/auth/login`: an agent exchanges a password for a token. @module */
import { LoginBody, type LoginResponse } from "@parley/protocol";
import type { FastifyInstance } from "fastify";
import { authenticateAgent } from "../auth/agents.js";
import type { TokenService } from "../auth/tokens.js";
import { ParleyError } from "../errors.js";
import type { Store } from "../store/types.js";

export function authRoutes(app: FastifyInstance, deps: { store: Store; tokens: TokenService }): void {
  app.post<{ Body: LoginBody }>("/v1/auth/login", { schema: { body: LoginBody } }, async (request) => {
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
