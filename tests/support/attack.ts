/**
 * Attack tests: run an attack beside a normal customer–agent exchange and
 * measure what the exchange and the event loop felt.
 *
 * The hardening tests assert that an attack does not stall a node. The attack's
 * effect on an unprotected server is seconds, so the bounds these tests use can
 * be generous (a second, not milliseconds) and still tell the two apart on a
 * loaded machine.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
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
  /** Round trips completed while the attack ran, in ms each. */
  roundTripsMs: number[];
  /** The slowest of them, in ms. */
  slowestRoundTripMs: number;
  /** The longest event-loop stall seen while the attack ran, in ms (this process's loop). */
  maxEventLoopDelayMs: number;
}

/**
 * Runs `attack` and, beside it, round trips of `exchange` until the attack
 * settles (at least `minRoundTrips`), giving up after `deadlineMs`. The server
 * must run in this process for the event-loop figure to be the server's.
 */
export async function measureDuringAttack(
  exchange: Exchange,
  attack: () => Promise<unknown>,
  { minRoundTrips = 3, deadlineMs = 180_000 } = {},
): Promise<AttackEffect> {
  const deadline = performance.now() + deadlineMs;
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const roundTripsMs: number[] = [];
  let isAttackSettled = false;
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
    histogram.disable();
  }
  return {
    roundTripsMs,
    slowestRoundTripMs: Math.max(...roundTripsMs),
    maxEventLoopDelayMs: histogram.max / 1e6,
  };
}
