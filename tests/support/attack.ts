/**
 * Attack tests: run an attack beside a normal customer–agent exchange and
 * measure what the exchange and the event loop felt.
 *
 * The hardening tests assert that an attack does not stall a node. The attack's
 * effect on an unprotected server is seconds, so the bounds these tests use can
 * be generous (a second, not milliseconds) and still tell the two apart on a
 * loaded machine. The event loop's hold is measured in the main thread's CPU
 * time and round trips against the pace before the attack, so that a machine
 * busy with other work is not taken for a stalled server.
 */
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { expect } from "vitest";
import { createLiveChatSdk } from "@parley/sdk";
import { waitFor } from "./wait.js";

/** A customer and an agent talking in one chat, through the real SDK. */
export interface Exchange {
  chatId: string;
  /**
   * One round trip: the customer sends a text and the agent receives it, then
   * the agent answers and the customer receives it. Resolves with the time taken in ms.
   */
  roundTrip(): Promise<number>;
  close(): Promise<void>;
}

/** Opens a chat as a customer and joins it as an agent (token from `loginAgent` or `startServerWithAgents`). */
export async function openExchange(serverUrl: string, agentToken: string): Promise<Exchange> {
  const customerSdk = createLiveChatSdk();
  customerSdk.init({ serverUrl });
  const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Normal Customer" });
  const chatId = customer.contact.id;
  const agentSdk = createLiveChatSdk();
  agentSdk.init({ serverUrl });
  await agentSdk.LIVECHAT.login(agentToken, false, false, () => {});
  const agent = await agentSdk.LIVECHAT.joinContact(chatId, "Normal Agent");
  const atAgent: string[] = [];
  const atCustomer: string[] = [];
  agent.on("message", (event) => atAgent.push(event.content.text));
  customer.on("message", (event) => atCustomer.push(event.content.text));
  let round = 0;
  return {
    chatId,
    async roundTrip() {
      round += 1;
      const question = `question ${round}`;
      const answer = `answer ${round}`;
      const started = performance.now();
      await customer.sendMessage(question);
      await waitFor(() => atAgent.includes(question), () => `the agent to receive "${question}"`, 60_000);
      await agent.sendMessage(answer);
      await waitFor(() => atCustomer.includes(answer), () => `the customer to receive "${answer}"`, 60_000);
      return performance.now() - started;
    },
    async close() {
      await Promise.allSettled([customerSdk.LIVECHAT.logout(), agentSdk.LIVECHAT.logout()]);
    },
  };
}

/** What a normal exchange felt while an attack ran. */
export interface AttackEffect {
  /** Round trips of the exchange just before the attack, in ms each: the machine's pace at the time. */
  baselineRoundTripsMs: number[];
  /** Round trips completed while the attack ran, in ms each. */
  roundTripsMs: number[];
  /** The slowest of them, in ms. */
  slowestRoundTripMs: number;
  /**
   * The longest the event loop was held by this process's main thread, in ms: the thread's CPU time
   * between two turns of the loop. Time the machine gave to other processes is not in it, so a loaded
   * machine does not inflate it; a handler that computes for seconds does.
   */
  longestLoopHoldMs: number;
  /** The longest event-loop delay seen in wall-clock time while the attack ran, in ms (the machine's load included). */
  maxEventLoopDelayMs: number;
}

/** This thread's CPU time so far in ms, from Linux's /proc (in USER_HZ ticks, 100 a second); undefined elsewhere. */
function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Watches the main thread's CPU time between turns of the loop; `stop` returns the longest, in ms. */
function watchLoopHolds(wallClockDelay: () => number): { stop(): number } {
  let last = threadCpuMs();
  if (last === undefined) return { stop: wallClockDelay }; // no per-thread figure here: wall-clock time it is
  let longest = 0;
  const turn = (): void => {
    const now = threadCpuMs() as number;
    longest = Math.max(longest, now - (last as number));
    last = now;
  };
  const timer = setInterval(turn, 10);
  return {
    stop() {
      clearInterval(timer);
      turn();
      return longest;
    },
  };
}

/**
 * Runs `attack` and, beside it, round trips of `exchange` until the attack
 * settles (at least `minRoundTrips`), giving up after `deadlineMs`. A few round
 * trips before the attack give the machine's pace. The server must run in this
 * process for the event-loop figures to be the server's.
 */
export async function measureDuringAttack(
  exchange: Exchange,
  attack: () => Promise<unknown>,
  { minRoundTrips = 3, deadlineMs = 180_000 } = {},
): Promise<AttackEffect> {
  const baselineRoundTripsMs: number[] = [];
  for (let i = 0; i < BASELINE_ROUND_TRIPS; i++) baselineRoundTripsMs.push(await exchange.roundTrip());
  const deadline = performance.now() + deadlineMs;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const holds = watchLoopHolds(() => histogram.max / 1e6);
  const roundTripsMs: number[] = [];
  let isAttackSettled = false;
  let longestLoopHoldMs = 0;
  const attacking = attack().finally(() => {
    isAttackSettled = true;
  });
  // Handled here so an early failure is not reported as unhandled; `await attacking` below still throws it.
  attacking.catch(() => {});
  try {
    while (!isAttackSettled || roundTripsMs.length < minRoundTrips) {
      if (performance.now() > deadline) throw new Error(`the attack did not settle within ${deadlineMs} ms`);
      roundTripsMs.push(await exchange.roundTrip());
    }
    await attacking;
  } finally {
    longestLoopHoldMs = holds.stop();
    histogram.disable();
  }
  return {
    baselineRoundTripsMs,
    roundTripsMs,
    slowestRoundTripMs: Math.max(...roundTripsMs),
    longestLoopHoldMs,
    maxEventLoopDelayMs: histogram.max / 1e6,
  };
}

const BASELINE_ROUND_TRIPS = 3;
/** How many times its slowest round trip before the attack a round trip under attack may take. */
const SLOWDOWN_ALLOWED = 5;

/**
 * Asserts that the attack was not felt: no round trip slower than `roundTripMs`
 * (or, on a machine already slow before the attack, than SLOWDOWN_ALLOWED times
 * its slowest round trip then), and the event loop never held longer than
 * `loopHoldMs`. An unprotected server holds both for seconds to minutes.
 */
export function expectUnharmed(effect: AttackEffect, bounds: { roundTripMs: number; loopHoldMs: number }): void {
  const roundTripBoundMs = Math.max(bounds.roundTripMs, SLOWDOWN_ALLOWED * Math.max(...effect.baselineRoundTripsMs));
  const trips = (list: number[]) => list.map(Math.round).join(", ");
  expect(
    effect.slowestRoundTripMs,
    `round trips under attack ${trips(effect.roundTripsMs)} ms, before it ${trips(effect.baselineRoundTripsMs)} ms`,
  ).toBeLessThan(roundTripBoundMs);
  expect(
    effect.longestLoopHoldMs,
    `the longest hold of the event loop (longest wall-clock delay ${Math.round(effect.maxEventLoopDelayMs)} ms)`,
  ).toBeLessThan(bounds.loopHoldMs);
}
