import { describe, expect, it } from "vitest";
import { backoff } from "../src/backoff.js";
import { socketUrl, reasonForCloseCode } from "../src/connection.js";
import { LiveChatError } from "../src/errors.js";
import { SendPacer } from "../src/pacer.js";
import { TypingThrottle } from "../src/typing.js";

describe("backoff", () => {
  it("is full jitter between min and min × 2^step, capped", () => {
    expect(backoff(0, 500, 20_000, () => 0)).toBe(500);
    expect(backoff(0, 500, 20_000, () => 0.5)).toBe(750);
    expect(backoff(3, 500, 20_000, () => 0.999999)).toBe(4_499);
    expect(backoff(3, 500, 20_000, () => 0)).toBe(500);
    expect(backoff(10, 500, 20_000, () => 0.999999)).toBe(20_000);
    expect(backoff(1_000, 500, 20_000, () => 0.5)).toBe(10_500);
  });
});

describe("TypingThrottle", () => {
  it("sends true at most once per refresh interval and false only after a true", () => {
    let now = 0;
    const sent: boolean[] = [];
    const throttle = new TypingThrottle((bwrite) => (sent.push(bwrite), true), () => now, 3_000);
    throttle.set(false);
    expect(sent).toEqual([]);
    throttle.set(true);
    now = 2_999;
    throttle.set(true);
    expect(sent).toEqual([true]);
    now = 3_000;
    throttle.set(true);
    expect(sent).toEqual([true, true]);
    throttle.set(false);
    throttle.set(false);
    expect(sent).toEqual([true, true, false]);
    throttle.set(true);
    expect(sent).toEqual([true, true, false, true]);
  });

  it("remembers nothing when offline", () => {
    let online = false;
    const sent: boolean[] = [];
    const throttle = new TypingThrottle((bwrite) => online && (sent.push(bwrite), true), () => 0);
    throttle.set(true);
    throttle.set(false);
    online = true;
    throttle.set(true);
    expect(sent).toEqual([true]);
    throttle.reset();
    throttle.set(false);
    expect(sent).toEqual([true]);
  });
});

describe("helpers", () => {
  it("derives the socket URL from a base URL", () => {
    expect(socketUrl("http://host:8080")).toBe("ws://host:8080/v1/socket");
    expect(socketUrl("https://chat.example.com/parley/")).toBe("wss://chat.example.com/parley/v1/socket");
  });

  it("maps close codes to disconnect reasons", () => {
    expect(reasonForCloseCode(4429)).toBe("slowConsumer");
    expect(reasonForCloseCode(1006)).toBe("transportClosed");
  });

  it("LiveChatError.from keeps known codes and wraps unknown ones", () => {
    const known = LiveChatError.from({ code: "RATE_LIMITED", message: "m", details: { retryAfterMs: 1 } });
    expect(known).toBeInstanceOf(Error);
    expect(known).toMatchObject({ code: "RATE_LIMITED", message: "m", details: { retryAfterMs: 1 } });
    expect(LiveChatError.from({ code: "WHAT", message: "x" })).toMatchObject({ code: "INTERNAL_ERROR", details: { code: "WHAT" } });
    expect(new LiveChatError("CONTACT_ENDED").message).toMatch(/ended/);
  });
});

describe("SendPacer", () => {
  it("allows a burst, then one send per 1/rate seconds", () => {
    let now = 0;
    const pacer = new SendPacer(() => now);
    pacer.reset(20, 3); // one token of the burst is kept in reserve
    expect([pacer.take(), pacer.take(), pacer.take()]).toEqual([true, true, false]);
    expect(pacer.waitMs()).toBe(50);
    now = 49;
    expect(pacer.take()).toBe(false);
    now = 50;
    expect(pacer.take()).toBe(true);
    now = 10_000;
    expect([pacer.take(), pacer.take(), pacer.take()]).toEqual([true, true, false]);
    pacer.hold(200);
    now = 10_199;
    expect(pacer.take()).toBe(false);
    now = 10_200;
    expect(pacer.take()).toBe(true);
  });
});
