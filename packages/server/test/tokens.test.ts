/**
 * Session tokens are signed and checked on the event loop, never queued on
 * libuv's thread pool: while every pool thread is busy (as costly uploads once
 * kept it), a token is still checked at once. Also: tokens are standard HS256
 * JWTs that another implementation (jose) reads and writes alike.
 */
import { pbkdf2 } from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { TokenService } from "../src/auth/tokens.js";

const SECRET = "token-test-secret-0123456789abcdefghijklmnop";
const CHAT = "CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d";
const agent = { id: "USER_1b4e28ba-2fa1-41d2-883f-0016d3cca427", username: "ann", nickname: "Ann" };

/** The thread pool's size: libuv's default unless the environment sets it. */
const POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE ?? 4);

describe("tokens and the thread pool", () => {
  it("signs and checks a token while every thread of the pool is busy", async () => {
    const tokens = new TokenService(SECRET);
    const finished: number[] = [];
    // Each key derivation holds one pool thread for a while (a fraction of a second on a quiet machine).
    const blockers = Array.from(
      { length: POOL_SIZE },
      (_, i) =>
        new Promise<void>((resolve, reject) =>
          pbkdf2(`password ${i}`, "salt", 200_000, 64, "sha512", (error) => {
            finished.push(i);
            if (error === null) resolve();
            else reject(error);
          }),
        ),
    );
    const issued = await tokens.issueAgent(agent);
    const claims = await tokens.verify(issued.token);
    // Counted, not timed: with WebCrypto, both waited behind the derivations.
    const finishedBeforeTokens = finished.length;
    await Promise.all(blockers);
    expect(claims).toMatchObject({ userId: agent.id, role: "agent", username: "ann" });
    expect(finishedBeforeTokens).toBe(0);
  });
});

describe("the token format", () => {
  it("is a standard HS256 JWT that jose verifies, with the claims Parley writes", async () => {
    const { token } = await new TokenService(SECRET).issueCustomer({ id: agent.id, nickname: "Carla", chatId: CHAT });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ["HS256"] });
    expect(protectedHeader).toEqual({ alg: "HS256", typ: "JWT" });
    expect(payload).toMatchObject({ sub: agent.id, role: "customer", nickname: "Carla", chat: CHAT });
    expect(typeof payload.iat).toBe("number");
    expect(typeof payload.exp).toBe("number");
  });

  it("accepts a token jose signed with the same secret", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ role: "agent", nickname: "Ann", username: "ann" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(agent.id)
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(SECRET));
    // It names no tenant: it is a token of `default`, as every token before tenants.
    expect(await new TokenService(SECRET).verify(token)).toEqual({ userId: agent.id, tenant: "default", role: "agent", nickname: "Ann", username: "ann" });
  });

  const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const refused: [string, () => Promise<string>][] = [
    ["alg none", async () => `${segment({ alg: "none" })}.${segment({ sub: agent.id, exp: 2e9, role: "agent", nickname: "A", username: "a" })}.`],
    [
      "another algorithm",
      async () => {
        const { token } = await new TokenService(SECRET).issueAgent(agent);
        return `${segment({ alg: "HS512", typ: "JWT" })}.${token.split(".")[1]}.${token.split(".")[2]}`;
      },
    ],
    [
      "a critical extension",
      async () =>
        new SignJWT({ role: "agent", nickname: "A", username: "a" })
          .setProtectedHeader({ alg: "HS256", crit: ["b64"], b64: true })
          .setSubject(agent.id)
          .setExpirationTime("1h")
          .sign(new TextEncoder().encode(SECRET)),
    ],
    [
      "a signature with a character outside base64url",
      async () => {
        const { token } = await new TokenService(SECRET).issueAgent(agent);
        return `${token.slice(0, -1)}+`;
      },
    ],
    [
      "a payload altered after signing",
      async () => {
        const [header, , signature] = (await new TokenService(SECRET).issueAgent(agent)).token.split(".");
        return `${header}.${segment({ sub: agent.id, exp: 2e9, role: "agent", nickname: "Admin", username: "admin" })}.${signature}`;
      },
    ],
    ["four segments", async () => `${(await new TokenService(SECRET).issueAgent(agent)).token}.x`],
    ["a token of 64 KiB", async () => `${"a".repeat(64 * 1024)}.b.c`],
    ["not a JWT", async () => "not-a-jwt"],
  ];
  it.each(refused)("refuses %s with AUTH_INVALID_TOKEN", async (_name, make) => {
    await expect(new TokenService(SECRET).verify(await make())).rejects.toMatchObject({ code: "AUTH_INVALID_TOKEN" });
  });

  it("refuses a genuine token past its exp with AUTH_TOKEN_EXPIRED", async () => {
    const tokens = new TokenService(SECRET);
    const { token } = await tokens.issueAgent(agent, -1);
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: "AUTH_TOKEN_EXPIRED" });
  });
});
