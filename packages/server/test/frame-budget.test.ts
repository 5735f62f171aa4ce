/** The per-connection budgets and socket counters, on an injected clock: no sleeping. */
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "@parley/protocol";
import { TokenBucket } from "../src/rate/token-bucket.js";
import { clientAddressResolver } from "../src/realtime/client-address.js";
import { FrameBudget, FRAME_COSTS } from "../src/realtime/frame-budget.js";
import { SocketCounter } from "../src/realtime/socket-caps.js";

describe("frame budget", () => {
  it("charges each frame type its cost and refuses with RATE_LIMITED and retryAfterMs once spent", () => {
    let now = 0;
    const budget = new FrameBudget({ ...DEFAULT_LIMITS, requestsPerSecond: 10, requestsBurst: 30 }, () => now);
    expect(budget.admit("history")).toBeUndefined();
    expect(budget.admit("history")).toBeUndefined();
    expect(budget.admit("history")).toBeUndefined();
    const refused = budget.admit("history");
    expect(refused).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterMs: 1000 } });
    // A cheap frame still fits where a history page does not.
    now += 100;
    expect(budget.admit("ping")).toBeUndefined();
    expect(budget.admit("receipt")).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("leaves send to its own limit", () => {
    const budget = new FrameBudget({ ...DEFAULT_LIMITS, requestsPerSecond: 1, requestsBurst: 1 }, () => 0);
    for (let i = 0; i < 100; i++) expect(budget.admit("send")).toBeUndefined();
  });

  it("costs more for frames with large answers than for receipts, typing and pings", () => {
    for (const heavy of ["history", "media", "watchChats"] as const) {
      for (const light of ["receipt", "typing", "ping"] as const) expect(FRAME_COSTS[heavy]).toBeGreaterThan(FRAME_COSTS[light]);
    }
  });

  it("refuses large answers while the answered bytes are not paid back", () => {
    let now = 0;
    const budget = new FrameBudget({ ...DEFAULT_LIMITS, replyBytesPerSecond: 1000, replyBytesBurst: 2000 }, () => now);
    expect(budget.admitLargeAnswer()).toBeUndefined();
    budget.chargeAnswer(5000);
    expect(budget.admitLargeAnswer()).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterMs: 3001 } });
    now += 3001;
    expect(budget.admitLargeAnswer()).toBeUndefined();
  });

  it("forgets only refilled buckets: a budget in use keeps its debt, a forgotten one starts full", () => {
    let now = 0;
    const budget = new FrameBudget({ ...DEFAULT_LIMITS, requestsPerSecond: 10, requestsBurst: 30, replyBytesPerSecond: 1000, replyBytesBurst: 2000 }, () => now);
    for (let i = 0; i < 3; i++) expect(budget.admit("history")).toBeUndefined();
    budget.chargeAnswer(5000);
    budget.forgetFull();
    expect(budget.admit("ping")).toMatchObject({ code: "RATE_LIMITED" });
    expect(budget.admitLargeAnswer()).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterMs: 3001 } });
    now += 3001;
    budget.forgetFull();
    // Refilled and forgotten: the next frames are charged to a new, full bucket, burst included.
    for (let i = 0; i < 3; i++) expect(budget.admit("history")).toBeUndefined();
    expect(budget.admit("history")).toMatchObject({ code: "RATE_LIMITED" });
    expect(budget.admitLargeAnswer()).toBeUndefined();
  });

  it("lets a console re-join every chat at once, then limits joins and leaves", () => {
    const budget = new FrameBudget({ ...DEFAULT_LIMITS, maxContactsPerSession: 5, membershipChangesPerSecond: 1 }, () => 0);
    for (let i = 0; i < 10; i++) expect(budget.admitMembershipChange()).toBeUndefined();
    expect(budget.admitMembershipChange()).toMatchObject({ code: "RATE_LIMITED" });
  });
});

describe("token bucket debt", () => {
  it("goes into debt by a charge and has credit again once it is paid back", () => {
    let now = 0;
    const bucket = new TokenBucket(10, 10, () => now);
    bucket.charge(30);
    expect(bucket.hasCredit()).toBe(false);
    expect(bucket.take()).toBe(false);
    now += 2000;
    expect(bucket.hasCredit()).toBe(false);
    now += 100;
    expect(bucket.hasCredit()).toBe(true);
  });
});

describe("socket counter", () => {
  it("caps open sockets per key and forgets a key whose sockets all closed", () => {
    const counter = new SocketCounter(2);
    expect(counter.tryAcquire("a")).toBe(true);
    expect(counter.tryAcquire("a")).toBe(true);
    expect(counter.tryAcquire("a")).toBe(false);
    expect(counter.tryAcquire("b")).toBe(true);
    counter.release("a");
    expect(counter.tryAcquire("a")).toBe(true);
  });
});

describe("client address of an upgrade", () => {
  const request = (remoteAddress: string, forwardedFor?: string) =>
    ({ socket: { remoteAddress }, connection: { remoteAddress }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } }) as unknown as IncomingMessage;

  it("is the peer's address unless proxies are trusted", () => {
    expect(clientAddressResolver(false)(request("10.0.0.1", "203.0.113.7"))).toBe("10.0.0.1");
    expect(clientAddressResolver(true)(request("10.0.0.1", "203.0.113.7"))).toBe("203.0.113.7");
  });

  it("believes X-Forwarded-For only from the listed proxies", () => {
    const addressOf = clientAddressResolver(["10.0.0.0/8"]);
    expect(addressOf(request("10.0.0.1", "203.0.113.7"))).toBe("203.0.113.7");
    expect(addressOf(request("198.51.100.9", "203.0.113.7"))).toBe("198.51.100.9");
  });
});
