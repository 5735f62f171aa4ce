/**
 * Several server URLs, against two real Parley nodes in this process (one
 * store, one in-process bus): the connection moves on when a node is gone —
 * stopped (4503) or unreachable — and uploads and links go to the node the
 * SDK is connected to.
 */
import { afterEach, expect, it } from "vitest";
import { createParleyServer, MemoryBroker, MemoryBus, type ParleyServer } from "@parley/server";
import { createLiveChatSdk, type StateContext } from "@parley/sdk";
import { SqliteStore } from "../../server/src/store/sqlite.js";
import { createAgent } from "../../server/src/auth/agents.js";
import { makePng } from "../../../tests/support/media-files.js";
import { freePort, tempDataDir } from "../../../tests/support/server.js";

const SECRET = "test-secret-0123456789-abcdefghijklmnop";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Two nodes on one store, one bus and one data directory (so one media directory). */
async function twoNodes(): Promise<{ a: ParleyServer; b: ParleyServer; urls: [string, string]; store: SqliteStore }> {
  const data = await tempDataDir();
  cleanups.push(() => data.remove());
  const store = new SqliteStore({ dataDir: data.dir });
  cleanups.push(() => store.close());
  const broker = new MemoryBroker();
  // Small files go by upload, so that the upload route is exercised.
  const common = { store, dataDir: data.dir, secret: SECRET, port: 0, host: "127.0.0.1", logLevel: "silent", limits: { maxInlineMediaBytes: 64 } };
  const a = createParleyServer({ ...common, bus: new MemoryBus({ broker }) });
  const b = createParleyServer({ ...common, bus: new MemoryBus({ broker }) });
  const urls: [string, string] = [(await a.listen()).url, (await b.listen()).url];
  cleanups.push(() => a.close(), () => b.close());
  return { a, b, urls, store };
}

/** Resolves when `done()` holds, checking after each event the SDK hands over. */
function when(done: () => boolean, subscribe: (listener: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (done()) return resolve();
    subscribe(() => {
      if (done()) resolve();
    });
  });
}

it("moves on to the next URL when its node stops, resumes there, and uploads and links go to that node", async () => {
  const { a, urls, store } = await twoNodes();
  const [urlA, urlB] = urls;
  const requested: string[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    requested.push(input instanceof Request ? input.url : String(input));
    return fetch(input, init);
  };
  const customerSdk = createLiveChatSdk({ fetch: recordingFetch, minReconnectDelayMs: 20, maxReconnectDelayMs: 200 });
  customerSdk.init({ serverUrl: [urlA, urlB] });
  const states: StateContext[] = [];
  customerSdk.LIVECHAT.on("state", (context) => states.push(context));
  const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
  cleanups.push(() => customerSdk.LIVECHAT.logout());
  expect(requested).toEqual([`${urlA}/v1/contacts`]);

  const agentRecord = await createAgent(store.tenant("default"), { username: "ann", password: "secret-pass" });
  const agentSdk = createLiveChatSdk();
  agentSdk.init({ serverUrl: urlB });
  await agentSdk.LIVECHAT.login((await a.tokens.issueAgent(agentRecord)).token);
  cleanups.push(() => agentSdk.LIVECHAT.logout());
  const agent = await agentSdk.LIVECHAT.joinContact(customer.contact.id, "Ann");
  const atAgent: string[] = [];
  const arrivals: (() => void)[] = [];
  agent.on("message", (event) => {
    atAgent.push(event.content.text);
    arrivals.forEach((arrived) => arrived());
  });
  agent.on("multimediaMessage", (event) => {
    atAgent.push(`media:${event.content.caption}`);
    arrivals.forEach((arrived) => arrived());
  });

  for (let i = 0; i < 5; i++) await customer.sendMessage(`before-${i}`);
  // Node A stops gracefully: the customer is told 4503 and goes to node B.
  const stopping = a.close();
  const sends = Array.from({ length: 5 }, (_, i) => customer.sendMessage(`after-${i}`));
  await stopping;
  await Promise.all(sends);
  expect(states.find((s) => s.state === "disconnected")).toMatchObject({ code: 4503, reason: "serverShutdown" });
  expect(customerSdk.LIVECHAT.state).toBe("connected");

  const sent = await customer.SendMultimediaMessage("IMAGE", { img: await makePng({ width: 40, height: 30 }), caption: "receipt", fileName: "receipt.png" });
  const uploads = requested.filter((url) => url.includes("/uploads"));
  expect(uploads).toHaveLength(1);
  expect(uploads[0]?.startsWith(`${urlB}/`)).toBe(true);
  const link = await customer.GetMultimediaMessageInActiveChat(customer.contact.id, sent.id, "link");
  expect(link.data.content.url?.startsWith(`${urlB}/`)).toBe(true);
  expect((await fetch(link.data.content.url as string)).status).toBe(200);

  const expected = [...Array.from({ length: 5 }, (_, i) => `before-${i}`), ...Array.from({ length: 5 }, (_, i) => `after-${i}`), "media:receipt"];
  await when(() => atAgent.length >= expected.length, (listener) => arrivals.push(listener));
  expect(atAgent).toEqual(expected);
});

it("skips a URL nobody answers, for the socket and for starting a chat", async () => {
  const { urls } = await twoNodes();
  const dead = `http://127.0.0.1:${await freePort()}`;
  const sdk = createLiveChatSdk({ minReconnectDelayMs: 20, maxReconnectDelayMs: 200 });
  sdk.init({ serverUrl: [dead, urls[1]] });
  const states: StateContext[] = [];
  sdk.LIVECHAT.on("state", (context) => states.push(context));
  const contact = await sdk.LIVECHAT.startContact({ nickname: "Carla" });
  cleanups.push(() => sdk.LIVECHAT.logout());
  expect(sdk.LIVECHAT.state).toBe("connected");
  // The socket tried the dead node first, then moved on.
  expect(states.map((s) => s.state)).toEqual(["connecting", "disconnected", "connecting", "connected"]);
  expect(states[1]).toMatchObject({ reason: "transportClosed" });
  expect(await contact.sendMessage("hello")).toMatch(/^MSG_/);
});
