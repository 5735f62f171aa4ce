/**
 * The idle test's load: chats started first, then one customer socket per chat
 * connected and left idle, so that the server's memory can be read between the
 * two (the difference is what the sockets cost).
 * @module
 */
import { joinAsCustomer } from "./parley-adapter.js";
import type { Session } from "./adapter.js";
import { joinBaselineChat, startBaselineChat } from "./socketio-adapter.js";
import type { IdleCommand } from "./messages.js";

interface StartedChat {
  serverUrl: string;
  chatId: string;
  token: string;
}

async function inBatches<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        try {
          results[i] = { status: "fulfilled", value: await task(i) };
        } catch (reason) {
          results[i] = { status: "rejected", reason };
        }
      }
    }),
  );
  return results;
}

export class IdleSockets {
  private chats: StartedChat[] = [];
  private sessions: Session[] = [];

  constructor(private readonly command: IdleCommand) {}

  async createChats(): Promise<void> {
    const { serverUrls, sockets, concurrency, target } = this.command;
    const results = await inBatches(sockets, concurrency, async (i): Promise<StartedChat> => {
      const serverUrl = serverUrls[i % serverUrls.length]!;
      if (target === "baseline") return { serverUrl, chatId: await startBaselineChat(serverUrl), token: "" };
      const response = await fetch(`${serverUrl}/v1/contacts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ nickname: `Idle ${i}` }),
      });
      if (response.status !== 201 && response.status !== 200) throw new Error(`POST /v1/contacts: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { contact: { id: string }; token: string };
      return { serverUrl, chatId: body.contact.id, token: body.token };
    });
    const failed = results.find((result) => result.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    this.chats = results.map((result) => (result as PromiseFulfilledResult<StartedChat>).value);
  }

  async connect(): Promise<{ sockets: number; failures: number }> {
    const results = await inBatches(this.chats.length, this.command.concurrency, (i) => {
      const chat = this.chats[i]!;
      return this.command.target === "baseline" ? joinBaselineChat(chat.serverUrl, chat.chatId) : joinAsCustomer(chat.serverUrl, chat.token, chat.chatId);
    });
    for (const result of results) if (result.status === "fulfilled") this.sessions.push(result.value);
    return { sockets: this.sessions.length, failures: results.length - this.sessions.length };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.sessions.map((session) => session.close()));
  }
}
