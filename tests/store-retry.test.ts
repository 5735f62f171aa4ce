/**
 * The SDK against a database that is away: the server answers a send with
 * STORE_UNAVAILABLE (nothing stored); the SDK keeps the send in its outbox and
 * writes it again, same client id, until the database is back. The
 * application's promise resolves once, and the message is stored once.
 */
import { afterEach, expect, it } from "vitest";
import { createLiveChatSdk } from "@parley/sdk";
import { startServer, type Running } from "../packages/server/test/helpers.js";
import { PgRelay, describePostgres, freshDatabase } from "../packages/server/test/pg-support.js";
import { waitFor } from "./support/wait.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** How many times the server has answered STORE_UNAVAILABLE (its `/metrics` needs the database, so read in process). */
async function storeRefusals(run: Running): Promise<number> {
  const counter = await run.server.metrics.errors.get();
  return counter.values.find((value) => value.labels.code === "STORE_UNAVAILABLE")?.value ?? 0;
}

describePostgres("a send while the database is away", () => {
  it("is written again by the SDK until it is stored, then resolves once", async () => {
    const database = await freshDatabase();
    cleanups.push(() => database.drop());
    const relay = new PgRelay();
    await relay.start();
    cleanups.push(() => relay.stop());
    const run = await startServer({ databaseUrl: relay.url(database.name) });
    cleanups.push(() => run.stop());

    const sdk = createLiveChatSdk();
    sdk.init({ serverUrl: run.url });
    cleanups.push(() => sdk.LIVECHAT.logout());
    const contact = await sdk.LIVECHAT.startContact({ nickname: "Carla" });
    await contact.sendMessage("before");

    await relay.stop();
    let outcome: string | undefined;
    const during = contact.sendMessage("during").then(
      (id) => (outcome = `resolved ${id}`),
      (error: { code?: string }) => (outcome = `rejected ${error.code}`),
    );
    // Refused more than once: the SDK wrote it again while the database stayed away.
    await waitFor(
      async () => outcome !== undefined || (await storeRefusals(run)) >= 2,
      () => `the server to refuse the send twice (the send: ${outcome ?? "pending"})`,
    );
    expect(outcome).toBeUndefined();

    await relay.start();
    await during;
    expect(outcome).toMatch(/^resolved MSG_/);
    const history = await sdk.LIVECHAT.getChatHistory(contact.contact.id, true);
    expect(history.messages.map((entry) => (entry.data.content as { text: string }).text)).toEqual(["before", "during"]);
  });
});
