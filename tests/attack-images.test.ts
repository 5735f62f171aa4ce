/**
 * Attack: images that cost far more than their size. A PNG of 1 × 39,000,000
 * black pixels is a 75 KiB file under the pixel cap that kept libvips busy for
 * about twenty seconds; a few at once held every thread of libuv's pool, and
 * the logins, new chats and token checks of everyone else waited that long.
 *
 * Beside each attack, newcomers keep arriving: an agent logs in (scrypt, on the
 * pool), a new customer starts a chat (a token is signed), both open sockets
 * (their tokens are checked) and exchange a message. That must stay fast.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createParleyServer, type ParleyServer } from "@parley/server";
import { expectUnharmed, measureDuringAttack, openExchange, type AttackEffect, type Exchange } from "./support/attack.js";
import { blackPng } from "./support/media-files.js";
import { addAgent, loginAgent, startServerWithAgents, tempDataDir, TEST_SECRET, type InProcessServer } from "./support/server.js";
import { startCustomer, uploadFile, type UploadAnswer } from "./support/uploads.js";

/** A strip of 1 × 39,000,000 pixels: under the 40-megapixel cap, about 75 KiB, twenty seconds of libvips. */
const strip = blackPng(1, 39_000_000);
/** A shorter strip, a few seconds of libvips: enough to hold a thread far past a one-second deadline. */
const shortStrip = blackPng(1, 10_000_000);

/**
 * Newcomers arriving while the attack runs: each round, the agent logs in
 * afresh, a new customer starts a chat, and they exchange one message.
 */
function newcomers(url: string, username: string): Exchange {
  return {
    chatId: "",
    async roundTrip() {
      const started = performance.now();
      const token = await loginAgent(url, username, `${username}-password`);
      const exchange = await openExchange(url, token);
      try {
        await exchange.roundTrip();
      } finally {
        await exchange.close();
      }
      return performance.now() - started;
    },
    close: async () => {},
  };
}

/** Generous bounds: unprotected, newcomers waited for seconds (tens of seconds for the strip). */
function expectUnstalled(effect: AttackEffect): void {
  expectUnharmed(effect, { roundTripMs: 2_000, loopHoldMs: 500 });
}

describe("images of extreme dimensions", () => {
  let server: InProcessServer;

  beforeAll(async () => {
    ({ server } = await startServerWithAgents(["alice"]));
  });

  afterAll(async () => {
    await server.close();
  });

  it(
    "are refused from their header while newcomers log in, start chats and talk",
    async () => {
      expect(strip.length).toBeLessThan(100 * 1024);
      const attacker = await startCustomer(server.url);
      const answers: UploadAnswer[] = [];
      const effect = await measureDuringAttack(newcomers(server.url, "alice"), () =>
        Promise.all(
          Array.from({ length: 4 }, async () => {
            answers.push(await uploadFile(server.url, attacker, strip, { messageType: "IMAGE", fileName: "strip.png" }));
          }),
        ),
      );
      expectUnstalled(effect);
      // Refused for its shape, or (past this address's two images in progress) told to retry later.
      expect(answers.map((answer) => answer.code).every((code) => code === "IMAGE_DIMENSIONS_NOT_ALLOWED" || code === "RATE_LIMITED")).toBe(true);
      expect(answers.map((answer) => answer.code)).toContain("IMAGE_DIMENSIONS_NOT_ALLOWED");
      expect(answers.find((answer) => answer.code === "IMAGE_DIMENSIONS_NOT_ALLOWED")?.details).toEqual({
        width: 1,
        height: 39_000_000,
        maxDimension: 16_384,
        maxAspectRatio: 50,
      });
    },
    180_000,
  );
});

describe("costly images from many addresses", () => {
  // The header bounds are lifted here, so the strips are decoded: what is tested is
  // that image work never takes every thread of the pool, and that each job has a deadline.
  let server: ParleyServer;
  let url: string;
  let removeData: () => Promise<void>;

  beforeAll(async () => {
    const data = await tempDataDir();
    removeData = data.remove;
    await addAgent(data.dir, "alice", "alice-password");
    server = createParleyServer({
      dataDir: data.dir,
      secret: TEST_SECRET,
      port: 0,
      host: "127.0.0.1",
      logLevel: "silent",
      contactsPerMinute: 10_000,
      loginsPerMinute: 10_000,
      // One agent meets every newcomer: capacity is tested where it is the subject (desk-ownership.test.ts).
      agentCapacity: 10_000,
      // Each upload names its own client address.
      trustProxy: true,
      limits: { maxImageDimension: 1_000_000_000, maxImageAspectRatio: 1_000_000_000 },
      imageTimeoutMs: 1_000,
    });
    ({ url } = await server.listen());
  });

  afterAll(async () => {
    await server.close();
    await removeData();
  });

  it(
    "run a few at a time, each within its deadline, while newcomers log in, start chats and talk",
    async () => {
      const attacker = await startCustomer(url);
      const answers: UploadAnswer[] = [];
      const effect = await measureDuringAttack(newcomers(url, "alice"), () =>
        Promise.all(
          Array.from({ length: 4 }, async (_, i) => {
            const headers = { "x-forwarded-for": `203.0.113.${i + 1}` };
            answers.push(await uploadFile(url, attacker, shortStrip, { messageType: "IMAGE", fileName: "strip.png", headers }));
          }),
        ),
      );
      expectUnstalled(effect);
      expect(answers.map((answer) => answer.code)).toEqual(Array(4).fill("MEDIA_PROCESSING_TIMEOUT"));
    },
    180_000,
  );

  it(
    "from one address: a third image while two are in progress is refused with RATE_LIMITED and when to retry",
    async () => {
      const attacker = await startCustomer(url);
      const headers = { "x-forwarded-for": "198.51.100.7" };
      const answers = await Promise.all(
        Array.from({ length: 3 }, () => uploadFile(url, attacker, shortStrip, { messageType: "IMAGE", fileName: "strip.png", headers })),
      );
      const codes = answers.map((answer) => answer.code).sort();
      expect(codes).toEqual(["MEDIA_PROCESSING_TIMEOUT", "MEDIA_PROCESSING_TIMEOUT", "RATE_LIMITED"]);
      const refused = answers.find((answer) => answer.code === "RATE_LIMITED");
      expect(refused?.status).toBe(429);
      expect(refused?.details?.retryAfterMs).toBeGreaterThan(0);
      expect(Number(refused?.retryAfter)).toBeGreaterThanOrEqual(1);
    },
    180_000,
  );
});
