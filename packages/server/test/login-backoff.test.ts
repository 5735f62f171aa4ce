/** The per-account login backoff, in process with a controlled clock. */
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAgent } from "../src/auth/agents.js";
import { LoginBackoff } from "../src/auth/login-backoff.js";
import { TokenService } from "../src/auth/tokens.js";
import { authRoutes } from "../src/http/auth.js";
import { installErrorHandlers } from "../src/http/errors.js";
import { SqliteStore } from "../src/store/sqlite.js";
import { TenantGate } from "../src/auth/tenant-gate.js";
import { SECRET, tempDir } from "./helpers.js";

describe("login backoff", () => {
  let app: FastifyInstance;
  let store: SqliteStore;
  let dir: ReturnType<typeof tempDir>;
  let now = 1_000_000;

  beforeEach(async () => {
    dir = tempDir();
    store = new SqliteStore({ dataDir: dir.path });
    await store.migrate();
    await createAgent(store.tenant("default"), { username: "ann", password: "secret-pass" });
    app = Fastify();
    installErrorHandlers(app);
    const loginBackoff = new LoginBackoff({ maxDelayMs: 8_000 }, () => now);
    authRoutes(app, { store, tenants: new TenantGate(store), tokens: new TokenService(SECRET), loginsPerMinute: 10_000, loginBackoff });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await store.close();
    dir.remove();
  });

  const login = async (username: string, password: string) => {
    const response = await app.inject({ method: "POST", url: "/v1/auth/login", payload: { username, password } });
    const body = response.json<{ error?: { code: string; details?: { retryAfterMs: number } } }>();
    return { status: response.statusCode, code: body.error?.code ?? "OK", retryAfterMs: body.error?.details?.retryAfterMs, retryAfter: response.headers["retry-after"] };
  };

  it("doubles the wait with each failure beyond the free ones, up to the cap, the same for unknown usernames", async () => {
    for (const username of ["ann", "nobody"]) {
      for (let i = 0; i < 5; i++) expect((await login(username, "wrong-pass")).code).toBe("INVALID_CREDENTIALS");
      const waits: number[] = [];
      for (let round = 0; round < 5; round++) {
        const refused = await login(username, "wrong-pass");
        expect(refused).toMatchObject({ status: 429, code: "RATE_LIMITED" });
        waits.push(refused.retryAfterMs ?? 0);
        now += refused.retryAfterMs ?? 0;
        // The wait is over: one more attempt is checked (and fails), and the next wait doubles.
        expect((await login(username, "wrong-pass")).code).toBe("INVALID_CREDENTIALS");
      }
      expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    }
  });

  it("refuses even the right password while waiting, and starts afresh after a success", async () => {
    for (let i = 0; i < 5; i++) await login("ann", "wrong-pass");
    const refused = await login("ann", "secret-pass");
    expect(refused).toMatchObject({ status: 429, code: "RATE_LIMITED", retryAfterMs: 1_000, retryAfter: "1" });
    now += 1_000;
    expect((await login("ann", "secret-pass")).status).toBe(200);
    // Five free attempts again.
    for (let i = 0; i < 5; i++) expect((await login("ann", "wrong-pass")).code).toBe("INVALID_CREDENTIALS");
    expect((await login("ann", "wrong-pass")).code).toBe("RATE_LIMITED");
  });

  it("forgets a username after an hour without attempts", async () => {
    for (let i = 0; i < 5; i++) await login("ann", "wrong-pass");
    expect((await login("ann", "wrong-pass")).code).toBe("RATE_LIMITED");
    now += 60 * 60_000 + 1;
    for (let i = 0; i < 5; i++) expect((await login("ann", "wrong-pass")).code).toBe("INVALID_CREDENTIALS");
  });
});
