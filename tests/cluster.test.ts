/**
 * Any node serves any client: two `parley serve` processes on one PostgreSQL
 * database and one Redis. In one chat the customer is on node A and the agent
 * on node B, in a second chat the other way round; they exchange every kind of
 * event, and each side's log of what it was handed is compared whole, so an
 * event missing, repeated or out of order fails the test. An agent's chat feed
 * on node B follows a chat started on node A.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLiveChatSdk, type Contact, type LiveChatSdk } from "@parley/sdk";
import { describePostgres } from "../packages/server/test/pg-support.js";
import { RawClient, type Frame } from "../packages/server/test/helpers.js";
import { startCluster, type Cluster } from "./support/cluster.js";
import { makeDoc, makePng } from "./support/media-files.js";
import type { ServerProcess } from "./support/server.js";
import { waitFor } from "./support/wait.js";

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster(["alice", "bob"]);
}, 120_000);

afterAll(async () => {
  await cluster?.close();
});

/** Everything a contact hands the application, as one ordered log of short entries. */
function record(contact: Contact): string[] {
  const log: string[] = [];
  contact.on("message", (e) => log.push(`message:${e.content.text}`));
  contact.on("link", (e) => log.push(`link:${e.content.url}`));
  contact.on("multimediaMessage", (e) => log.push(`media:${e.id}`));
  contact.on("multimediaMessageStored", (e) => log.push(`stored:${e.messageID}`));
  contact.on("messageReceived", (e) => log.push(`received:${e.messageID}`));
  contact.on("messageSeen", (e) => log.push(`seen:${e.messageID}`));
  contact.on("isWriting", (e) => log.push(`typing:${e.bwrite}`));
  contact.on("userAdded", (e) => log.push(`added:${e.user.nickname}`));
  contact.on("userLeft", (e) => log.push(`left:${e.user.nickname}`));
  contact.on("contactEnded", (e) => log.push(`ended:${e.user?.nickname ?? "server"}`));
  return log;
}

/**
 * The expected log, step by step: a step is one entry, or several that may come
 * in any order among themselves (the receipt of a file and its stored notice
 * are committed by different nodes at about the same time).
 */
type Step = string | string[];

/** Waits for every entry of `step` in `log`. */
async function arrived(log: string[], step: Step, who: string): Promise<void> {
  const entries = typeof step === "string" ? [step] : step;
  await waitFor(() => entries.every((entry) => log.includes(entry)), () => `${who} to be handed ${entries.join(", ")}; has ${log.join(", ")}`, 30_000);
}

/** Whether `log` is exactly the steps, in order, each entry once. */
function expectLog(log: string[], steps: Step[], who: string): void {
  const expected: string[] = [];
  let at = 0;
  for (const step of steps) {
    const entries = typeof step === "string" ? [step] : step;
    // Within a step any order: take the entries in the order they actually came.
    const got = log.slice(at, at + entries.length);
    expected.push(...(got.length === entries.length && [...got].sort().join() === [...entries].sort().join() ? got : entries));
    at += entries.length;
  }
  expect(log, who).toEqual(expected);
}

async function agentOn(node: ServerProcess, name: string): Promise<LiveChatSdk> {
  const sdk = createLiveChatSdk();
  sdk.init({ serverUrl: node.url });
  await sdk.LIVECHAT.login(cluster.tokens[name]!, false, false, () => {});
  return sdk;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

/** A whole chat with the customer on `customerNode` and the agents on `agentNode`. */
async function everyKindOfEvent(customerNode: ServerProcess, agentNode: ServerProcess, feed: RawClient): Promise<void> {
  const customerSdk = createLiveChatSdk();
  customerSdk.init({ serverUrl: customerNode.url });
  const customer = await customerSdk.LIVECHAT.startContact({ nickname: "Carla" });
  const chatId = customer.contact.id;
  const atCustomer = record(customer);
  const steps = { customer: [] as Step[], agent: [] as Step[] };
  const expectAt = async (who: "customer" | "agent", step: Step): Promise<void> => {
    steps[who].push(step);
    await arrived(who === "customer" ? atCustomer : atAgent, step, who);
  };
  const isFeed = (change: string) => (f: Frame) =>
    f.t === "chatFeed" && f.change === change && ((f.chat as { id?: string } | undefined)?.id ?? f.chatId) === chatId;
  expect((await feed.next(isFeed("started"), 30_000)).chat).toMatchObject({ id: chatId, status: "waiting", nickname: "Carla" });

  const aliceSdk = await agentOn(agentNode, "alice");
  const alice = await aliceSdk.LIVECHAT.joinContact(chatId, "Alice");
  const atAgent = record(alice);
  await expectAt("customer", "added:Alice");
  expect((await feed.next(isFeed("updated"), 30_000)).chat).toMatchObject({ id: chatId, status: "active", agents: [{ nickname: "Alice" }] });

  // Text, with its delivery receipt coming back automatically.
  const hello = await customer.sendMessage("Hello, my order is late");
  await expectAt("agent", "message:Hello, my order is late");
  await expectAt("customer", `received:${hello}`);
  // Link.
  const link = await alice.SendLink("https://example.com/orders/42");
  await expectAt("customer", "link:https://example.com/orders/42");
  await expectAt("agent", `received:${link}`);
  // Typing, started and stopped.
  customer.isWriting(true);
  await expectAt("agent", "typing:true");
  customer.isWriting(false);
  await expectAt("agent", "typing:false");
  // Read receipt.
  await alice.markSeen(hello);
  await expectAt("customer", `seen:${hello}`);

  // A document too large to ride inline: metadata, then the stored notice to everyone.
  const doc = makeDoc({ padding: 600 * 1024 });
  const document = await customer.SendMultimediaMessage("DOCUMENT", { document: new Uint8Array(doc), caption: "invoice", fileName: "invoice.doc" });
  await expectAt("agent", [`media:${document.id}`, `stored:${document.id}`]);
  await expectAt("customer", [`stored:${document.id}`, `received:${document.id}`]);
  // The agent's node fetches the customer's file, stored through the other node, byte for byte.
  const fetched = await alice.GetMultimediaMessageInActiveChat(chatId, document.id);
  expect(Buffer.from(fetched.data.content.document ?? "", "base64").equals(doc)).toBe(true);
  // An image, small enough to ride inline: delivered at once, then its stored notice once re-encoded.
  const png = await makePng({ width: 40, height: 30 });
  let inlineImage = "";
  customer.on("multimediaMessage", (e) => (inlineImage = e.content.img ?? ""));
  const image = await alice.SendMultimediaMessage("IMAGE", { img: base64(png), caption: "the parcel", fileName: "parcel.png" });
  await expectAt("customer", [`media:${image.id}`, `stored:${image.id}`]);
  await expectAt("agent", [`received:${image.id}`, `stored:${image.id}`]);
  expect(inlineImage.length).toBeGreaterThan(0);

  // A second agent joins from the customer's node, speaks and leaves.
  const bobSdk = await agentOn(customerNode, "bob");
  const bob = await bobSdk.LIVECHAT.joinContact(chatId, "Bob");
  const atBob = record(bob);
  await expectAt("customer", "added:Bob");
  await expectAt("agent", "added:Bob");
  const fromBob = await bob.sendMessage("Bob here, from billing");
  await expectAt("customer", "message:Bob here, from billing");
  await expectAt("agent", "message:Bob here, from billing");
  // Both others confirm delivery, each once; each also sees the other's receipt (a third party's event).
  await expectAt("customer", `received:${fromBob}`);
  await expectAt("agent", `received:${fromBob}`);
  await waitFor(() => atBob.length >= 2, () => `two receipts for Bob, has ${atBob.join(", ")}`, 30_000);
  await bobSdk.LIVECHAT.leave(chatId);
  await expectAt("customer", "left:Bob");
  await expectAt("agent", "left:Bob");
  expect(atBob).toEqual([`received:${fromBob}`, `received:${fromBob}`]);

  // The end, handed to both sides; the feed on node B sees it too.
  await customerSdk.LIVECHAT.endContact(customer);
  await expectAt("customer", "ended:Carla");
  await expectAt("agent", "ended:Carla");
  expect((await feed.next(isFeed("ended"), 30_000)).chat).toMatchObject({ id: chatId, status: "ended" });

  expectLog(atCustomer, steps.customer, "customer's log");
  expectLog(atAgent, steps.agent, "agent's log");
  // The stored history reads the same from either node.
  const fromCustomer = await customerSdk.LIVECHAT.getChatHistory(chatId, true);
  const fromAgent = await aliceSdk.LIVECHAT.getChatHistory(chatId, true);
  expect(fromAgent.messages.map((m) => m.data.id)).toEqual(fromCustomer.messages.map((m) => m.data.id));
  expect(fromCustomer.messages.map((m) => m.data.id)).toEqual([hello, link, document.id, image.id, fromBob]);
  await Promise.all([customerSdk, aliceSdk, bobSdk].map((sdk) => sdk.LIVECHAT.logout()));
}

describePostgres("two server processes on one database and one Redis", () => {
  it("hand every kind of event across nodes, each once and in order, both ways round; node B's chat feed follows chats of node A", async () => {
    const { client: feed } = await RawClient.connect(`${cluster.b.url.replace("http", "ws")}/v1/socket`, cluster.tokens.bob!);
    try {
      expect(await feed.request({ t: "watchChats" }, 30_000)).toMatchObject({ ok: true });
      await everyKindOfEvent(cluster.a, cluster.b, feed);
      await everyKindOfEvent(cluster.b, cluster.a, feed);
    } finally {
      feed.close();
    }
  }, 120_000);
});
