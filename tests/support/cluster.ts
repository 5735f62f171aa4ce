/**
 * Two `parley serve` processes on one fresh PostgreSQL database and one Redis
 * key prefix, and the traffic the cluster tests send through them: chats
 * whose customer and agent send without pause, each counting what was
 * acknowledged, what was refused and what arrived.
 */
import { expect } from "vitest";
import { createLiveChatSdk, LiveChatError, type Contact, type LiveChatSdk } from "@parley/sdk";
import { freshDatabase, type TestDatabase } from "../../packages/server/test/pg-support.js";
import { randomPrefix, removePrefix, TEST_REDIS_URL } from "../../packages/server/test/redis-support.js";
import { addAgent, freePort, loginAgent, ServerProcess, tempDataDir } from "./server.js";
import { waitFor } from "./wait.js";

export interface Cluster {
  a: ServerProcess;
  b: ServerProcess;
  database: TestDatabase;
  /** Agent tokens by name (password `<name>-password`). */
  tokens: Record<string, string>;
  close(): Promise<void>;
}

/** Starts two nodes on a new database and a new prefix of the Redis at `redisUrl`, with the named agents (and more environment). */
export async function startCluster(agents: string[], redisUrl = TEST_REDIS_URL, moreEnv: Record<string, string> = {}): Promise<Cluster> {
  const database = await freshDatabase();
  const prefix = randomPrefix();
  const dirs = [await tempDataDir(), await tempDataDir()] as const;
  const env = { ...moreEnv, DATABASE_URL: database.url, REDIS_URL: redisUrl, PARLEY_REDIS_PREFIX: prefix };
  const a = new ServerProcess(await freePort(), dirs[0].dir, env);
  const b = new ServerProcess(await freePort(), dirs[1].dir, env);
  const close = async (): Promise<void> => {
    await a.stop();
    await b.stop();
    for (const dir of dirs) await dir.remove();
    await database.drop();
    // A private Redis may be gone by now; the shared one must be left as it was found.
    if (redisUrl === TEST_REDIS_URL) await removePrefix(redisUrl, prefix);
  };
  try {
    await a.start();
    await b.start();
    const tokens: Record<string, string> = {};
    for (const name of agents) {
      await addAgent(dirs[0].dir, name, `${name}-password`, database.url);
      tokens[name] = await loginAgent(a.url, name, `${name}-password`);
    }
    return { a, b, database, tokens, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One side of a chat in the traffic: what it sent (acknowledged or not) and what it received. */
export interface Side {
  nickname: string;
  contact: Contact;
  /** Texts whose send promise resolved, in order. */
  acknowledged: string[];
  /** Texts whose send promise rejected, with the code. */
  refused: { text: string; code: string }[];
  /** Texts received, per author nickname. */
  received: Map<string, string[]>;
}

function side(nickname: string, contact: Contact): Side {
  const s: Side = { nickname, contact, acknowledged: [], refused: [], received: new Map() };
  contact.on("message", (event) => {
    const from = event.content.user.nickname;
    s.received.set(from, [...(s.received.get(from) ?? []), event.content.text]);
  });
  return s;
}

export interface TrafficChat {
  chatId: string;
  /** The customer's SDK, which reads the chat's history. */
  customerSdk: LiveChatSdk;
  customer: Side;
  agent: Side;
}

export interface Traffic {
  chats: TrafficChat[];
  sdks: LiveChatSdk[];
  /** Number of acknowledged sends so far, over every chat. */
  acknowledged(): number;
  /** Starts every sender; resolves when each has made all its sends. */
  run(messagesPerSender: number): Promise<void>;
  logout(): Promise<void>;
}

const fastReconnect = { minReconnectDelayMs: 50, maxReconnectDelayMs: 500 };

/**
 * `count` chats: chat i's customer lists the nodes as `orders[i % 2]`, its
 * agent (one of `agents`, by turn) the other way round, so customer and agent
 * of each chat start on different nodes.
 */
export async function startTraffic(cluster: Cluster, count: number, agents: string[]): Promise<Traffic> {
  const orders = [
    [cluster.a.url, cluster.b.url],
    [cluster.b.url, cluster.a.url],
  ];
  const sdks: LiveChatSdk[] = [];
  const agentSdks = new Map<string, LiveChatSdk>();
  const chats: TrafficChat[] = [];
  for (let i = 0; i < count; i++) {
    const order = orders[i % 2]!;
    const customerSdk = createLiveChatSdk(fastReconnect);
    customerSdk.init({ serverUrl: order });
    sdks.push(customerSdk);
    const nickname = `Customer${i}`;
    const customerContact = await customerSdk.LIVECHAT.startContact({ nickname });
    const agentName = agents[i % agents.length]!;
    const key = `${agentName}:${i % 2}`;
    let agentSdk = agentSdks.get(key);
    if (agentSdk === undefined) {
      agentSdk = createLiveChatSdk(fastReconnect);
      agentSdk.init({ serverUrl: [...order].reverse() });
      await agentSdk.LIVECHAT.login(cluster.tokens[agentName]!, false, false, () => {});
      agentSdks.set(key, agentSdk);
      sdks.push(agentSdk);
    }
    const agentNickname = `Agent${i}`;
    const agentContact = await agentSdk.LIVECHAT.joinContact(customerContact.contact.id, agentNickname);
    chats.push({ chatId: customerContact.contact.id, customerSdk, customer: side(nickname, customerContact), agent: side(agentNickname, agentContact) });
  }
  const all = (): Side[] => chats.flatMap((chat) => [chat.customer, chat.agent]);
  return {
    chats,
    sdks,
    acknowledged: () => all().reduce((sum, s) => sum + s.acknowledged.length, 0),
    run: async (messagesPerSender) => {
      await Promise.all(
        all().map(async (s) => {
          for (let i = 0; i < messagesPerSender; i++) {
            const text = `${s.nickname}-${i}`;
            try {
              await s.contact.sendMessage(text);
              s.acknowledged.push(text);
            } catch (error) {
              if (!(error instanceof LiveChatError)) throw error;
              s.refused.push({ text, code: error.code });
            }
          }
        }),
      );
    },
    logout: async () => {
      await Promise.all(sdks.map((sdk) => sdk.LIVECHAT.logout()));
    },
  };
}

/** The stored texts of `chatId` per author nickname, read through `sdk`. */
export async function storedTexts(contact: Contact, sdk: LiveChatSdk): Promise<Map<string, string[]>> {
  const history = await sdk.LIVECHAT.getChatHistory(contact.contact.id, true);
  const byAuthor = new Map<string, string[]>();
  for (const entry of history.messages) {
    const content = entry.data.content as { text?: string; user: { nickname: string } };
    if (content.text === undefined) continue;
    byAuthor.set(content.user.nickname, [...(byAuthor.get(content.user.nickname) ?? []), content.text]);
  }
  return byAuthor;
}

/**
 * What the counts must show once the senders are done, for one sender and
 * one recipient: the store holds every acknowledged text, each text at most
 * once and in the order it was sent; what was refused is stored at most once;
 * the recipient received exactly what is stored, in that order.
 */
export interface SideCount {
  stored: string[];
  received: string[];
  acknowledged: string[];
  refused: string[];
}

/** Waits until `recipient` has received as many texts from `sender` as are stored, and returns the four lists. */
export async function countSide(sender: Side, recipient: Side, stored: Map<string, string[]>): Promise<SideCount> {
  const texts = stored.get(sender.nickname) ?? [];
  await waitFor(
    () => (recipient.received.get(sender.nickname)?.length ?? 0) >= texts.length,
    () => `${recipient.nickname} to receive ${texts.length} texts of ${sender.nickname}, has ${recipient.received.get(sender.nickname)?.length ?? 0}`,
    60_000,
  );
  return {
    stored: texts,
    received: recipient.received.get(sender.nickname) ?? [],
    acknowledged: sender.acknowledged,
    refused: sender.refused.map((r) => r.text),
  };
}

/** The texts a sender meant to send, in order. */
export function sentOrder(nickname: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${nickname}-${i}`);
}

/**
 * The counts once the senders are done, for both directions of every chat,
 * against the history read by the customer's SDK: every send ended one way or
 * the other; the store holds every acknowledged text, each text at most once
 * and in the order sent; the recipient received exactly what is stored.
 */
export async function expectCounts(t: Traffic, messagesPerSender: number): Promise<void> {
  for (const [i, chat] of t.chats.entries()) {
    const stored = await storedTexts(chat.customer.contact, chat.customerSdk);
    for (const [sender, recipient] of [
      [chat.customer, chat.agent],
      [chat.agent, chat.customer],
    ] as const) {
      const count = await countSide(sender, recipient, stored);
      const intended = sentOrder(sender.nickname, messagesPerSender);
      // Every send ended one way or the other.
      expect([...count.acknowledged, ...count.refused].sort(), `chat ${i} ${sender.nickname}`).toEqual([...intended].sort());
      // Stored: in the order sent, each at most once, every acknowledged one among them.
      expect(count.stored, `stored texts of ${sender.nickname}`).toEqual(intended.filter((text) => count.stored.includes(text)));
      expect(new Set(count.stored).size).toBe(count.stored.length);
      for (const text of count.acknowledged) expect(count.stored).toContain(text);
      // Received: exactly what is stored, once each, in order.
      expect(count.received, `${recipient.nickname} received from ${sender.nickname}`).toEqual(count.stored);
    }
  }
}
