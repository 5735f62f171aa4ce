import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "@parley/protocol";
import { hashPassword, verifyPassword } from "../src/auth/passwords.js";
import { TokenService, parseTtl } from "../src/auth/tokens.js";
import { ConfigError, configInputFromFlagsAndEnv, limitEnvName, resolveConfig } from "../src/config.js";
import { ParleyError } from "../src/errors.js";
import { TokenBucket, KeyedRateLimiter } from "../src/rate/token-bucket.js";
import { parseFrame } from "../src/realtime/frames.js";
import { SECRET, tempDir } from "./helpers.js";

const CHAT = "CHAT_eaa2e7c0-9c26-40db-b720-d777ab68078d";
const parse = (value: unknown, isBinary = false) =>
  parseFrame(Buffer.from(typeof value === "string" ? value : JSON.stringify(value)), isBinary, 1024);

describe("frame parser", () => {
  it.each([
    ["not json", "{oops", "BAD_JSON"],
    ["an array", [1, 2], "INVALID_FRAME"],
    ["no type", { rid: 1 }, "INVALID_FRAME"],
    ["an unknown type", { t: "dance", rid: 1 }, "UNKNOWN_FRAME"],
    ["a missing field", { t: "join", rid: 1 }, "INVALID_FRAME"],
    ["a wrong type", { t: "send", rid: 1, chatId: CHAT, clientId: "a", kind: "text", text: 5 }, "INVALID_FRAME"],
    ["an unknown kind", { t: "send", rid: 1, chatId: CHAT, clientId: "a", kind: "video" }, "INVALID_FRAME"],
    ["an extra field", { t: "ping", rid: 1, extra: true }, "INVALID_FRAME"],
    ["a bad chat id", { t: "leave", rid: 1, chatId: "CHAT_1" }, "INVALID_FRAME"],
  ])("refuses %s", (_label, value, code) => {
    const result = parse(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it("names the failing path and keeps a usable rid", () => {
    const result = parse({ t: "send", rid: 7, chatId: CHAT, clientId: "a", kind: "text", text: 5 });
    expect(result).toMatchObject({ ok: false, rid: 7, error: { details: { path: "/text" } } });
    const noRid = parse({ t: "send", rid: -1, chatId: CHAT, clientId: "a", kind: "text", text: "x" });
    expect(noRid.ok === false && noRid.rid).toBeUndefined();
  });

  it("refuses binary and oversized frames", () => {
    const binary = parse({ t: "ping" }, true);
    expect(!binary.ok && binary.error.code).toBe("BINARY_NOT_SUPPORTED");
    const big = parse({ t: "send", rid: 1, chatId: CHAT, clientId: "a", kind: "text", text: "x".repeat(2000) });
    expect(!big.ok && big.error.code).toBe("FRAME_TOO_LARGE");
  });

  it("accepts valid frames", () => {
    expect(parse({ t: "send", rid: 1, chatId: CHAT, clientId: "a-1", kind: "link", url: "https://x" }).ok).toBe(true);
    expect(parse({ t: "typing", chatId: CHAT, bwrite: true }).ok).toBe(true);
    expect(parse({ t: "hello", token: "x", v: 1 }).ok).toBe(true);
  });
});

describe("token bucket", () => {
  it("allows a burst, then refills at the rate", () => {
    let now = 0;
    const bucket = new TokenBucket(2, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.retryAfterMs()).toBe(500);
    now = 499;
    expect(bucket.take()).toBe(false);
    now = 500;
    expect(bucket.take()).toBe(true);
    now = 100_000;
    expect(bucket.isFull()).toBe(true);
  });

  it("keys buckets by client", () => {
    const now = 0;
    const limiter = new KeyedRateLimiter(1, 1, () => now);
    expect(limiter.take("a")).toBe(0);
    expect(limiter.take("a")).toBe(1000);
    expect(limiter.take("b")).toBe(0);
  });
});

describe("tokens", () => {
  const tokens = new TokenService(SECRET);
  const agent = { id: "USER_eaa2e7c0-9c26-40db-b720-d777ab68078d", username: "ann", nickname: "Ann" };

  it("round-trips agent and customer claims", async () => {
    const { token } = await tokens.issueAgent(agent);
    expect(await tokens.verify(token)).toEqual({ userId: agent.id, role: "agent", nickname: "Ann", username: "ann", tenant: "default" });
    const customer = await tokens.issueCustomer({ id: agent.id, nickname: "C", chatId: CHAT });
    expect(await tokens.verify(customer.token)).toMatchObject({ role: "customer", chatId: CHAT });
  });

  it("tells expired from forged", async () => {
    const expired = await tokens.issueAgent(agent, -10);
    await expect(tokens.verify(expired.token)).rejects.toMatchObject({ code: "AUTH_TOKEN_EXPIRED" });
    const forged = await new TokenService("another-secret-0123456789-abcdefghijkl").issueAgent(agent);
    await expect(tokens.verify(forged.token)).rejects.toMatchObject({ code: "AUTH_INVALID_TOKEN" });
    await expect(tokens.verify("not.a.jwt")).rejects.toBeInstanceOf(ParleyError);
    // An expired token with a bad signature is forged, not expired.
    const forgedExpired = await new TokenService("another-secret-0123456789-abcdefghijkl").issueAgent(agent, -10);
    await expect(tokens.verify(forgedExpired.token)).rejects.toMatchObject({ code: "AUTH_INVALID_TOKEN" });
  });

  it("parses TTLs", () => {
    expect(parseTtl("12h")).toBe(43_200);
    expect(parseTtl("90")).toBe(90);
    expect(() => parseTtl("soon")).toThrow();
  });
});

describe("passwords", () => {
  it("hashes with a salt and verifies in constant time", async () => {
    const a = await hashPassword("correct horse");
    const b = await hashPassword("correct horse");
    expect(a).not.toBe(b);
    expect(a).not.toContain("correct horse");
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("wrong horse", a)).toBe(false);
    expect(await verifyPassword("x", "garbage")).toBe(false);
  });
});

describe("config", () => {
  it("reads flags over env over defaults, and limits from env", () => {
    const dir = tempDir();
    try {
      const input = configInputFromFlagsAndEnv(
        { port: "9000", "data-dir": dir.path },
        { PORT: "1", HOST: "127.0.0.1", PARLEY_MAX_TEXT_LENGTH: "500", PARLEY_CONTACTS_PER_MINUTE: "5", PARLEY_LOGINS_PER_MINUTE: "7", LOG_LEVEL: "warn" },
      );
      const config = resolveConfig(input);
      expect(config).toMatchObject({ port: 9000, host: "127.0.0.1", contactsPerMinute: 5, loginsPerMinute: 7, logLevel: "warn" });
      expect(resolveConfig({ dataDir: dir.path }).loginsPerMinute).toBe(10);
      expect(resolveConfig({ dataDir: dir.path }).trustProxy).toBe(false);
      expect(resolveConfig({ dataDir: dir.path, trustProxy: "true" }).trustProxy).toBe(true);
      expect(resolveConfig({ dataDir: dir.path, trustProxy: "10.0.0.1, 192.168.0.0/16" }).trustProxy).toEqual(["10.0.0.1", "192.168.0.0/16"]);
      expect(resolveConfig({ dataDir: dir.path }).allowedOrigins).toBe("*");
      const origins = configInputFromFlagsAndEnv({ "data-dir": dir.path }, { PARLEY_ALLOWED_ORIGINS: "https://shop.example.com, http://localhost:3000/" });
      expect(resolveConfig(origins).allowedOrigins).toEqual(["https://shop.example.com", "http://localhost:3000"]);
      expect(resolveConfig(configInputFromFlagsAndEnv({ "data-dir": dir.path, "allowed-origins": "*" }, { PARLEY_ALLOWED_ORIGINS: "https://shop.example.com" })).allowedOrigins).toBe("*");
      expect(config.limits).toEqual({ ...DEFAULT_LIMITS, maxTextLength: 500 });
      // The generated secret is kept and reused.
      expect(resolveConfig(input).secret).toBe(config.secret);
      expect(limitEnvName("maxFrameBytes")).toBe("PARLEY_MAX_FRAME_BYTES");
      expect(config).toMatchObject({ redisUrl: null, redisPrefix: "parley:" });
      const redis = resolveConfig(
        configInputFromFlagsAndEnv({ "data-dir": dir.path, "redis-url": "redis://10.0.0.5:6380/2" }, { REDIS_URL: "redis://other", PARLEY_REDIS_PREFIX: "acme:" }),
      );
      expect(redis).toMatchObject({ redisUrl: "redis://10.0.0.5:6380/2", redisPrefix: "acme:" });
    } finally {
      dir.remove();
    }
  });

  it("fails clearly on bad values", () => {
    const dir = tempDir();
    try {
      expect(() => resolveConfig({ dataDir: dir.path, port: "eighty" })).toThrow(ConfigError);
      expect(() => resolveConfig({ dataDir: dir.path, port: 70_000 })).toThrow(/port/);
      expect(() => configInputFromFlagsAndEnv({}, { PARLEY_MAX_TEXT_LENGTH: "-3" })).toThrow(/PARLEY_MAX_TEXT_LENGTH/);
      expect(() => resolveConfig({ dataDir: dir.path, loginsPerMinute: 0 })).toThrow(/loginsPerMinute/);
      expect(() => resolveConfig(configInputFromFlagsAndEnv({ "data-dir": dir.path }, { PARLEY_LOGINS_PER_MINUTE: "lots" }))).toThrow(/loginsPerMinute/);
      expect(() => resolveConfig({ dataDir: dir.path, logLevel: "loud" })).toThrow(/LOG_LEVEL/);
      expect(() => resolveConfig({ dataDir: dir.path, secret: "short" })).toThrow(/secret/);
      expect(() => resolveConfig({ dataDir: dir.path, trustProxy: "yes please" })).toThrow(/PARLEY_TRUST_PROXY/);
      expect(() => resolveConfig({ dataDir: dir.path, redisUrl: "localhost:6379" })).toThrow(/REDIS_URL must start with redis:\/\//);
      expect(() => resolveConfig({ dataDir: dir.path, redisUrl: "not a url" })).toThrow(/REDIS_URL must be a URL/);
      expect(() => resolveConfig({ dataDir: dir.path, redisPrefix: "has space" })).toThrow(/PARLEY_REDIS_PREFIX/);
      expect(() => resolveConfig({ dataDir: dir.path, redisPrefix: "" })).toThrow(/PARLEY_REDIS_PREFIX/);
      expect(() => resolveConfig({ dataDir: dir.path, allowedOrigins: "shop.example.com" })).toThrow(/PARLEY_ALLOWED_ORIGINS/);
      expect(() => resolveConfig({ dataDir: dir.path, allowedOrigins: "https://shop.example.com/path" })).toThrow(/PARLEY_ALLOWED_ORIGINS/);
      expect(() => resolveConfig({ dataDir: dir.path, allowedOrigins: " , " })).toThrow(/PARLEY_ALLOWED_ORIGINS/);
    } finally {
      dir.remove();
    }
  });
});
