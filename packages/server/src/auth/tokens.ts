/**
 * Session tokens: JWTs signed with HS256 and the server's secret.
 * Claims: `sub` (the USER id), `role`, `nickname`, `chat` (customers: the one
 * chat the token opens), `username` (agents), `iat`, `exp`.
 * @module
 */
import { SignJWT, errors, jwtVerify } from "jose";
import { isChatId } from "@parley/protocol";
import { ParleyError } from "../errors.js";

export type Role = "agent" | "customer";

/** What a verified token says about its bearer. */
export interface TokenClaims {
  userId: string;
  role: Role;
  nickname: string;
  /** Customers: the chat the token opens. */
  chatId?: string;
  /** Agents: the login name. */
  username?: string;
}

export const AGENT_TOKEN_TTL_SECONDS = 12 * 3600;
export const CUSTOMER_TOKEN_TTL_SECONDS = 24 * 3600;

/** `"12h"`, `"30m"`, `"45s"`, `"2d"` or a number of seconds. */
export function parseTtl(value: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (match === null) throw new Error(`invalid duration "${value}" (use e.g. 12h, 30m, 3600)`);
  const n = Number(match[1]);
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as "" | "s" | "m" | "h" | "d"];
  if (n <= 0) throw new Error(`duration must be positive, got "${value}"`);
  return n * unit;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export class TokenService {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** Signs a token; `ttlSeconds` may be negative in tests to make an expired one. */
  async issue(claims: TokenClaims, ttlSeconds: number): Promise<IssuedToken> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + ttlSeconds;
    const payload: Record<string, string> = { role: claims.role, nickname: claims.nickname };
    if (claims.chatId !== undefined) payload.chat = claims.chatId;
    if (claims.username !== undefined) payload.username = claims.username;
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.userId)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  issueAgent(agent: { id: string; username: string; nickname: string }, ttlSeconds = AGENT_TOKEN_TTL_SECONDS) {
    return this.issue({ userId: agent.id, role: "agent", nickname: agent.nickname, username: agent.username }, ttlSeconds);
  }

  issueCustomer(customer: { id: string; nickname: string; chatId: string }, ttlSeconds = CUSTOMER_TOKEN_TTL_SECONDS) {
    return this.issue({ userId: customer.id, role: "customer", nickname: customer.nickname, chatId: customer.chatId }, ttlSeconds);
  }

  /**
   * Verifies a token. Throws `AUTH_TOKEN_EXPIRED` for a well-signed token past
   * its `exp`, `AUTH_INVALID_TOKEN` for anything malformed or forged.
   */
  async verify(token: string): Promise<TokenClaims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, { algorithms: ["HS256"], requiredClaims: ["sub", "exp"] }));
    } catch (error) {
      // jose checks the signature before the expiry, so "expired" implies "genuine".
      if (error instanceof errors.JWTExpired) throw new ParleyError("AUTH_TOKEN_EXPIRED");
      throw new ParleyError("AUTH_INVALID_TOKEN");
    }
    const { sub, role, nickname, chat, username } = payload;
    const valid =
      typeof sub === "string" &&
      typeof nickname === "string" &&
      ((role === "customer" && isChatId(chat)) || (role === "agent" && typeof username === "string"));
    if (!valid) throw new ParleyError("AUTH_INVALID_TOKEN", "The token lacks the claims of a Parley session.");
    const claims: TokenClaims = { userId: sub, role, nickname };
    if (role === "customer") claims.chatId = chat as string;
    else claims.username = username as string;
    return claims;
  }
}
