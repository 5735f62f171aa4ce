/**
 * Session tokens: JWTs signed with HS256 and the server's secret.
 * Claims: `sub` (the USER id), `role`, `nickname`, `chat` (customers: the one
 * chat the token opens), `username` (agents), `tnt` (the tenant; a token
 * without one, issued before tenants, belongs to `default`), `iat`, `exp`.
 *
 * Signing and checking are synchronous HMACs from node:crypto, on the event
 * loop. WebCrypto (what jose uses) runs each HMAC as a job on libuv's thread
 * pool, behind whatever file, zlib, scrypt or image work fills it: a few
 * costly uploads then made every socket's hello and every new chat wait
 * seconds. An HMAC over a few hundred bytes takes microseconds; it is cheaper
 * to do it here than to queue it anywhere.
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { isChatId } from "@parley/protocol";
import { ParleyError } from "../errors.js";
import { DEFAULT_TENANT, TENANT_NAME } from "../store/tenant-db.js";

export type Role = "agent" | "customer";

/** What a verified token says about its bearer. */
export interface TokenClaims {
  userId: string;
  /** The tenant the bearer belongs to: every chat, agent and file it reaches is this tenant's. */
  tenant: string;
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

/**
 * Longest token accepted. Parley's tokens are a few hundred characters;
 * anything far longer is refused before it is decoded or parsed.
 */
const MAX_TOKEN_LENGTH = 4096;
/** The one protected header Parley writes, and the only algorithm it accepts. */
const HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/** Whether every character is of the base64url alphabet (Buffer's decoder skips the others silently). */
function isBase64url(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const ok = (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x5f;
    if (!ok) return false;
  }
  return true;
}

/** A JSON object from a base64url segment, or undefined. */
function decodeObject(segment: string): Record<string, unknown> | undefined {
  if (!isBase64url(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function invalidToken(): ParleyError {
  return new ParleyError("AUTH_INVALID_TOKEN");
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export class TokenService {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(secret, "utf8");
  }

  /** The base64url HMAC-SHA256 of a token's signed part. */
  private sign(signed: string): string {
    return createHmac("sha256", this.key).update(signed, "utf8").digest("base64url");
  }

  /** Signs a token; `ttlSeconds` may be negative in tests to make an expired one. */
  async issue(claims: TokenClaims, ttlSeconds: number): Promise<IssuedToken> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + ttlSeconds;
    const payload: Record<string, string> = { role: claims.role, nickname: claims.nickname };
    if (claims.chatId !== undefined) payload.chat = claims.chatId;
    if (claims.username !== undefined) payload.username = claims.username;
    payload.tnt = claims.tenant;
    const body = base64url(JSON.stringify({ ...payload, sub: claims.userId, iat: now, exp }));
    const token = `${HEADER}.${body}.${this.sign(`${HEADER}.${body}`)}`;
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** An agent's session token, in the agent's tenant (`default` when the record names none). */
  issueAgent(agent: { id: string; username: string; nickname: string; tenant?: string }, ttlSeconds = AGENT_TOKEN_TTL_SECONDS) {
    const tenant = agent.tenant ?? DEFAULT_TENANT;
    return this.issue({ userId: agent.id, tenant, role: "agent", nickname: agent.nickname, username: agent.username }, ttlSeconds);
  }

  /** A customer's token for one chat of a tenant (`default` when none is named). */
  issueCustomer(customer: { id: string; nickname: string; chatId: string; tenant?: string }, ttlSeconds = CUSTOMER_TOKEN_TTL_SECONDS) {
    const tenant = customer.tenant ?? DEFAULT_TENANT;
    return this.issue({ userId: customer.id, tenant, role: "customer", nickname: customer.nickname, chatId: customer.chatId }, ttlSeconds);
  }

  /**
   * Verifies a token. Throws `AUTH_TOKEN_EXPIRED` for a well-signed token past
   * its `exp`, `AUTH_INVALID_TOKEN` for anything malformed or forged.
   */
  async verify(token: string): Promise<TokenClaims> {
    return this.check(token, Math.floor(Date.now() / 1000));
  }

  /** {@link verify}, synchronously: the signature is checked before anything in the token is believed. */
  private check(token: string, now: number): TokenClaims {
    if (token.length > MAX_TOKEN_LENGTH) throw invalidToken();
    const [header, body, signature, ...rest] = token.split(".", 4);
    if (header === undefined || body === undefined || signature === undefined || rest.length > 0) throw invalidToken();
    const protectedHeader = decodeObject(header);
    // HS256 only ("none" and public-key algorithms are refused), and no critical extensions this code does not know.
    if (protectedHeader?.alg !== "HS256" || protectedHeader.crit !== undefined) throw invalidToken();
    // Compared as text: only the spelling this secret gives is genuine. Both sides are ASCII after the alphabet check.
    const expected = Buffer.from(this.sign(`${header}.${body}`), "latin1");
    const given = Buffer.from(signature, "latin1");
    if (!isBase64url(signature) || given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalidToken();
    const payload = decodeObject(body);
    if (payload === undefined) throw invalidToken();
    const { exp, iat, nbf } = payload;
    if (typeof exp !== "number" || !Number.isFinite(exp)) throw invalidToken();
    if ((iat !== undefined && typeof iat !== "number") || (nbf !== undefined && (typeof nbf !== "number" || nbf > now))) throw invalidToken();
    // Checked after the signature, so "expired" implies "genuine".
    if (exp <= now) throw new ParleyError("AUTH_TOKEN_EXPIRED");
    const { sub, role, nickname, chat, username, tnt } = payload;
    const valid =
      (tnt === undefined || (typeof tnt === "string" && TENANT_NAME.test(tnt))) &&
      typeof sub === "string" &&
      typeof nickname === "string" &&
      ((role === "customer" && isChatId(chat)) || (role === "agent" && typeof username === "string"));
    if (!valid) throw new ParleyError("AUTH_INVALID_TOKEN", "The token lacks the claims of a Parley session.");
    const claims: TokenClaims = { userId: sub, tenant: (tnt as string | undefined) ?? DEFAULT_TENANT, role, nickname };
    if (role === "customer") claims.chatId = chat as string;
    else claims.username = username as string;
    return claims;
  }
}
